//===- HugePageBuffer.cpp - Memory that large pages may back --------------===//

#include "runtime/device/cpu/HugePageBuffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <utility>

namespace strata::cpu {
namespace {

constexpr size_t kLargePage = size_t{2} << 20;

} // namespace

HugePageBuffer::HugePageBuffer(HugePageBuffer &&other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

HugePageBuffer &HugePageBuffer::operator=(HugePageBuffer &&other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

HugePageBuffer::~HugePageBuffer() { release(); }

bool HugePageBuffer::allocate(size_t bytes) {
  release();
  auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t size = (bytes + page - 1) / page * page;
  if (bytes == 0 || size < bytes || size > SIZE_MAX - kLargePage)
    return false;
  // Reserve a large page more than needed, then unmap the unaligned head and
  // the tail beyond the size: what stays starts on a 2 MiB boundary.
  void *reserved =
      mmap(nullptr, size + kLargePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (reserved == MAP_FAILED)
    return false;
  auto begin = reinterpret_cast<uintptr_t>(reserved);
  uintptr_t aligned = (begin + kLargePage - 1) / kLargePage * kLargePage;
  if (aligned > begin)
    munmap(reserved, aligned - begin);
  uintptr_t end = begin + size + kLargePage;
  if (end > aligned + size)
    munmap(reinterpret_cast<void *>(aligned + size), end - (aligned + size));
  data_ = reinterpret_cast<void *>(aligned);
  size_ = size;
  // Advice only: a kernel without transparent huge pages keeps small pages.
  madvise(data_, size_, MADV_HUGEPAGE);
  return true;
}

void HugePageBuffer::release() {
  if (data_)
    munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

} // namespace strata::cpu

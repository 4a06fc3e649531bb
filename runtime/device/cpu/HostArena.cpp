//===- HostArena.cpp - Arenas of the CPU device ---------------------------===//
//
// Arenas are allocated whole when a program loads and never resized, so the
// budget is checked once per arena, not per buffer.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/HostArena.h"
#include "runtime/core/Status.h"
#include "runtime/device/cpu/TierCopies.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

#include <sys/mman.h>

using strata::runtime::makeError;

namespace strata::cpu {
namespace {

std::atomic<uint64_t> pinnedTotal{0};
std::atomic<uint64_t> unpinnedTotal{0};

} // namespace

bool MemoryBudget::reserve(uint64_t bytes) {
  uint64_t used = inUse.load(std::memory_order_relaxed);
  do {
    if (bytes > limit - used)
      return false;
  } while (!inUse.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

strata_status HostArena::create(MemoryBudget &budget, strata_memory_space space, uint64_t bytes,
                                uint64_t alignment, std::unique_ptr<Arena> &out) {
  const char *where = memorySpaceName(space);
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                     "cannot allocate an arena in %s of the cpu device: alignment %llu is not a "
                     "power of two",
                     where, static_cast<unsigned long long>(alignment));
  if (!budget.reserve(bytes))
    return makeError(STRATA_ERROR_OUT_OF_MEMORY,
                     "cannot allocate a %llu-byte arena in %s of the cpu device: %llu of its "
                     "%llu bytes are in use",
                     static_cast<unsigned long long>(bytes), where,
                     static_cast<unsigned long long>(budget.used()),
                     static_cast<unsigned long long>(budget.capacity()));
  void *base = nullptr;
  if (bytes > 0) {
    // posix_memalign needs at least pointer alignment.
    size_t blockAlignment = alignment < sizeof(void *) ? sizeof(void *) : alignment;
    if (int err = posix_memalign(&base, blockAlignment, bytes)) {
      budget.release(bytes);
      return makeError(err == ENOMEM ? STRATA_ERROR_OUT_OF_MEMORY : STRATA_ERROR_INVALID_ARGUMENT,
                       "cannot allocate a %llu-byte arena in %s of the cpu device aligned to "
                       "%llu: %s",
                       static_cast<unsigned long long>(bytes), where,
                       static_cast<unsigned long long>(alignment), std::strerror(err));
    }
  }
  // Pinned host memory where the process may lock it (RLIMIT_MEMLOCK).
  bool locked = space == STRATA_MEMORY_HOST && bytes > 0 && ::mlock(base, bytes) == 0;
  out.reset(new (std::nothrow) HostArena(base, bytes, space, budget, locked));
  if (!out) {
    if (locked)
      ::munlock(base, bytes);
    std::free(base);
    budget.release(bytes);
    return makeError(STRATA_ERROR_OUT_OF_MEMORY,
                     "cannot allocate an arena object of the cpu device");
  }
  if (space == STRATA_MEMORY_HOST) {
    (locked ? pinnedTotal : unpinnedTotal).fetch_add(bytes, std::memory_order_relaxed);
    if (locked)
      pinForNvmeReads(base, bytes);
  }
  return nullptr;
}

HostArena::~HostArena() {
  if (space() == STRATA_MEMORY_HOST) {
    (locked ? pinnedTotal : unpinnedTotal).fetch_sub(bytes(), std::memory_order_relaxed);
    if (locked)
      unpinForNvmeReads(data());
  }
  if (locked)
    ::munlock(data(), bytes());
  std::free(data());
  budget.release(bytes());
}

uint64_t HostArena::pinnedBytes() { return pinnedTotal.load(std::memory_order_relaxed); }

uint64_t HostArena::unpinnedBytes() { return unpinnedTotal.load(std::memory_order_relaxed); }

} // namespace strata::cpu

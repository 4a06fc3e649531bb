//===- HugePageBuffer.h - Memory that large pages may back ------*- C++ -*-===//
//
// A buffer of its own mapping, aligned to 2 MiB and marked MADV_HUGEPAGE, so
// that where transparent huge pages are on or on request (the kernel's
// default on Debian and Ubuntu is on request) its whole aligned 2 MiB spans
// are backed by large pages. A decode step streams every packed weight once:
// with 4 KiB pages that is a TLB miss every 4 KiB, 120,000 for GPT-2 124M's
// 494 MB. Only the mapping's pages of 4 KiB are committed beyond the size
// asked for: its tail is not rounded up to a large page.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_HUGEPAGEBUFFER_H
#define STRATA_RUNTIME_DEVICE_CPU_HUGEPAGEBUFFER_H

#include <cstddef>

namespace strata::cpu {

class HugePageBuffer {
public:
  HugePageBuffer() = default;
  HugePageBuffer(HugePageBuffer &&other) noexcept;
  HugePageBuffer &operator=(HugePageBuffer &&other) noexcept;
  HugePageBuffer(const HugePageBuffer &) = delete;
  HugePageBuffer &operator=(const HugePageBuffer &) = delete;
  ~HugePageBuffer();

  /// Maps `bytes` (more than zero) of zeroed memory, releasing what the
  /// buffer held; returns false, holding nothing, when the system refuses.
  bool allocate(size_t bytes);

  void *data() const { return data_; }
  size_t size() const { return size_; }

private:
  void release();

  void *data_ = nullptr;
  size_t size_ = 0;
};

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_HUGEPAGEBUFFER_H

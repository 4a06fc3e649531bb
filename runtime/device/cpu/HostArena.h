//===- HostArena.h - Arenas of the CPU device -------------------*- C++ -*-===//
//
// Both memory spaces of the CPU device are host RAM. Each has a budget, its
// capacity, that the arenas allocated in it may not exceed together, so that
// plans made for a device with less memory than the machine run under the
// same limit they would meet there. Host-memory arenas are the tier plan's
// pinned host memory (its staging slots, read into with O_DIRECT): they are
// locked into RAM (mlock) where the process may lock that much, and stay
// ordinary memory otherwise, which the device counts; the NVMe tier's readers
// register those locked with their rings (TierCopies.h) while they live.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_HOSTARENA_H
#define STRATA_RUNTIME_DEVICE_CPU_HOSTARENA_H

#include "runtime/device/Device.h"

#include <atomic>

namespace strata::cpu {

/// The bytes of one memory space's arenas, against its capacity.
class MemoryBudget {
public:
  explicit MemoryBudget(uint64_t capacity) : limit(capacity) {}

  /// Takes `bytes` from the budget; false, taking nothing, when they do not
  /// fit in what is left.
  bool reserve(uint64_t bytes);
  /// Gives back `bytes` taken by reserve.
  void release(uint64_t bytes) { inUse.fetch_sub(bytes, std::memory_order_relaxed); }

  uint64_t used() const { return inUse.load(std::memory_order_relaxed); }
  uint64_t capacity() const { return limit; }

private:
  const uint64_t limit;
  std::atomic<uint64_t> inUse{0};
};

/// An arena in host memory, taken from a budget that must outlive it.
class HostArena final : public Arena {
public:
  /// Allocates `bytes` bytes in `space` aligned to `alignment` (a power of
  /// two) against `budget`, the space's.
  static strata_status create(MemoryBudget &budget, strata_memory_space space, uint64_t bytes,
                              uint64_t alignment, std::unique_ptr<Arena> &out);

  /// Frees the memory and gives it back to the budget.
  ~HostArena() override;

  /// Whether the arena is locked into RAM.
  bool pinned() const { return locked; }

  /// Bytes of the host-memory arenas locked into RAM, and not, now.
  static uint64_t pinnedBytes();
  static uint64_t unpinnedBytes();

private:
  HostArena(void *base, uint64_t bytes, strata_memory_space space, MemoryBudget &budget,
            bool locked)
      : Arena(base, bytes, space), budget(budget), locked(locked) {}

  MemoryBudget &budget;
  bool locked;
};

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_HOSTARENA_H

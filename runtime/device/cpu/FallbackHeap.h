//===- FallbackHeap.h - Buffers compiled code allocates itself --*- C++ -*-===//
//
// Buffers without a compile-time size bound are allocated by the compiled
// code at run time, through the functions MLIR's finalize-memref-to-llvm
// calls with use-generic-functions: `_mlir_memref_to_llvm_alloc(size)`,
// `_mlir_memref_to_llvm_aligned_alloc(alignment, size)` and
// `_mlir_memref_to_llvm_free(pointer)`. The CPU device defines them on one
// process-wide heap (compiled code passes no device), which counts the
// allocations and keeps the blocks not yet freed, so that the executor can
// release the ones the compiled code returned as outputs once they are
// copied out. An allocation that fails, or a free of a block the heap does
// not hold, ends the run with an error (RunGuard.h).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_FALLBACKHEAP_H
#define STRATA_RUNTIME_DEVICE_CPU_FALLBACKHEAP_H

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_set>

namespace strata::cpu {

/// The blocks compiled code allocated and has not freed.
class FallbackHeap {
public:
  /// The heap the compiled code's allocation functions use.
  static FallbackHeap &instance();

  /// Sets `block` to a new block of `bytes` bytes aligned to `alignment` (a
  /// power of two; 0 for malloc's alignment); returns 0, or the errno of the
  /// failure (ENOMEM when memory runs out) with `block` null.
  int allocate(size_t bytes, size_t alignment, void *&block);

  /// Frees `block`, which allocate returned; ignores null. Returns false,
  /// freeing nothing, for a block this heap does not hold.
  [[nodiscard]] bool free(void *block);

  /// The allocate calls so far.
  uint64_t allocations() const;

  /// The blocks allocated and not yet freed.
  uint64_t liveBlocks() const;

  /// Frees every live block; returns how many.
  uint64_t releaseAll();

private:
  FallbackHeap();

  mutable std::mutex mutex;
  std::unordered_set<void *> live;
  uint64_t count = 0;
};

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_FALLBACKHEAP_H

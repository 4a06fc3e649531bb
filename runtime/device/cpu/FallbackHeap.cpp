//===- FallbackHeap.cpp - Buffers compiled code allocates itself ----------===//
//
// Blocks come from malloc and posix_memalign; the heap only remembers which
// are live. The allocation functions take and return plain C types, as the
// LLVM dialect declares them (index is 64 bits on the targets Strata builds).
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/FallbackHeap.h"
#include "runtime/device/cpu/RunGuard.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <malloc.h>

using strata::cpu::raiseFromCompiledCode;

namespace strata::cpu {

FallbackHeap &FallbackHeap::instance() {
  static FallbackHeap heap;
  return heap;
}

FallbackHeap::FallbackHeap() {
  // Runs allocate and free the same large blocks again and again: keep them
  // in the heap instead of mapping and zeroing fresh pages each time.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int FallbackHeap::allocate(size_t bytes, size_t alignment, void *&block) {
  // A zero-byte request still gets a block of its own, so that every block
  // the compiled code holds is distinct and non-null.
  size_t size = bytes ? bytes : 1;
  block = nullptr;
  if (alignment == 0) {
    block = std::malloc(size);
    if (!block)
      return ENOMEM;
  } else if (int err = posix_memalign(
                 &block, alignment < sizeof(void *) ? sizeof(void *) : alignment, size)) {
    block = nullptr;
    return err;
  }
  std::lock_guard<std::mutex> lock(mutex);
  ++count;
  live.insert(block);
  return 0;
}

bool FallbackHeap::free(void *block) {
  if (!block)
    return true;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (live.erase(block) == 0)
      return false;
  }
  std::free(block);
  return true;
}

uint64_t FallbackHeap::allocations() const {
  std::lock_guard<std::mutex> lock(mutex);
  return count;
}

uint64_t FallbackHeap::liveBlocks() const {
  std::lock_guard<std::mutex> lock(mutex);
  return live.size();
}

uint64_t FallbackHeap::releaseAll() {
  std::lock_guard<std::mutex> lock(mutex);
  for (void *block : live)
    std::free(block);
  uint64_t released = live.size();
  live.clear();
  return released;
}

} // namespace strata::cpu

// The functions compiled code calls raise their failures from frames that
// hold nothing needing destruction (RunGuard.h).
extern "C" {

void *_mlir_memref_to_llvm_alloc(size_t size) {
  void *block = nullptr;
  if (int err = strata::cpu::FallbackHeap::instance().allocate(size, 0, block))
    raiseFromCompiledCode(STRATA_ERROR_OUT_OF_MEMORY,
                          "the compiled code's allocation of %zu bytes failed: %s", size,
                          std::strerror(err));
  return block;
}

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  void *block = nullptr;
  if (int err = strata::cpu::FallbackHeap::instance().allocate(size, alignment, block))
    raiseFromCompiledCode(err == ENOMEM ? STRATA_ERROR_OUT_OF_MEMORY
                                        : STRATA_ERROR_INVALID_ARGUMENT,
                          "the compiled code's allocation of %zu bytes aligned to %zu failed: %s",
                          size, alignment, std::strerror(err));
  return block;
}

void _mlir_memref_to_llvm_free(void *pointer) {
  if (!strata::cpu::FallbackHeap::instance().free(pointer))
    raiseFromCompiledCode(STRATA_ERROR_INVALID_ARGUMENT,
                          "the compiled code freed %p, a block it did not allocate", pointer);
}

} // extern "C"

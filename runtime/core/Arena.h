//===- Arena.h - The object behind strata_arena -----------------*- C++ -*-===//
//
// Layout of the static arena: one aligned block plus the high-water mark of
// the planned allocations made from it.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_ARENA_H
#define STRATA_RUNTIME_CORE_ARENA_H

#include "strata/runtime.h"

#include <atomic>
#include <cstddef>

/// A block of `capacity` bytes at `base`, aligned to `alignment`. The compiler
/// plans every offset; the arena only checks them.
struct strata_arena {
  char *base;
  size_t capacity;
  size_t alignment;
  std::atomic<size_t> highWater;
};

#endif // STRATA_RUNTIME_CORE_ARENA_H

//===- Arena.cpp - Static arena for planned tensor offsets ------*- C++ -*-===//
//
// The memory plan (passes/plan) assigns every intermediate tensor an offset in
// one arena, so at run time "allocating" is turning an offset into a pointer.
// Every request is still checked: a plan bug must surface as an error naming
// the offending range, not as memory corruption.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Arena.h"
#include "runtime/core/Status.h"

#include <cerrno>
#include <cstdlib>
#include <new>

using namespace strata::runtime;

extern "C" {

strata_status strata_arena_create(size_t bytes, size_t alignment, strata_arena **out) noexcept {
  if (!out)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_arena_create: out is NULL");
  *out = nullptr;
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                     "strata_arena_create: alignment %zu is not a power of two", alignment);
  auto *arena = new (std::nothrow) strata_arena{nullptr, bytes, alignment, {0}};
  if (!arena)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY,
                     "strata_arena_create: cannot allocate the arena object");
  strata::ArenaPtr owner(arena);
  if (bytes > 0) {
    // posix_memalign needs at least pointer alignment; the arena's own
    // alignment is what offsets are checked against.
    size_t blockAlignment = alignment < sizeof(void *) ? sizeof(void *) : alignment;
    void *block = nullptr;
    if (int err = posix_memalign(&block, blockAlignment, bytes))
      return makeError(err == ENOMEM ? STRATA_ERROR_OUT_OF_MEMORY : STRATA_ERROR_INVALID_ARGUMENT,
                       "strata_arena_create: cannot allocate %zu bytes aligned "
                       "to %zu (error %d)",
                       bytes, alignment, err);
    arena->base = static_cast<char *>(block);
  }
  *out = owner.release();
  return nullptr;
}

void strata_arena_destroy(strata_arena *arena) noexcept {
  if (!arena)
    return;
  std::free(arena->base);
  delete arena;
}

strata_status strata_arena_alloc(strata_arena *arena, size_t offset, size_t bytes,
                                 void **ptr) noexcept {
  if (!arena || !ptr)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_arena_alloc: %s is NULL",
                     arena ? "ptr" : "arena");
  *ptr = nullptr;
  if (offset % arena->alignment != 0)
    return makeError(STRATA_ERROR_OUT_OF_RANGE,
                     "strata_arena_alloc: offset %zu is not a multiple of the "
                     "arena alignment %zu",
                     offset, arena->alignment);
  // Written so that offset + bytes cannot wrap around.
  if (offset > arena->capacity || bytes > arena->capacity - offset)
    return makeError(STRATA_ERROR_OUT_OF_RANGE,
                     "strata_arena_alloc: %zu bytes at offset %zu do not fit "
                     "in the %zu-byte arena",
                     bytes, offset, arena->capacity);
  size_t end = offset + bytes;
  size_t seen = arena->highWater.load(std::memory_order_relaxed);
  while (end > seen &&
         !arena->highWater.compare_exchange_weak(seen, end, std::memory_order_relaxed))
    ;
  *ptr = arena->base + offset;
  return nullptr;
}

size_t strata_arena_capacity(const strata_arena *arena) noexcept { return arena->capacity; }

size_t strata_arena_alignment(const strata_arena *arena) noexcept { return arena->alignment; }

size_t strata_arena_high_water(const strata_arena *arena) noexcept {
  return arena->highWater.load(std::memory_order_relaxed);
}

} // extern "C"

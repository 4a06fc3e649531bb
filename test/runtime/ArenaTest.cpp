//===- ArenaTest.cpp - Static arena tests -----------------------*- C++ -*-===//
//
// The arena turns planned offsets into pointers: these tests pin down its
// alignment guarantee, the bounds and alignment errors a bad plan triggers,
// the measured high-water mark, and that a request never allocates.
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <thread>

using strata::test::isError;

// Counts global operator new calls in this test binary, so the arena's
// promise of no allocation per request is checked rather than assumed.
static std::atomic<size_t> newCalls{0};

void *operator new(size_t size) {
  newCalls.fetch_add(1, std::memory_order_relaxed);
  if (void *p = std::malloc(size ? size : 1))
    return p;
  std::abort();
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, size_t) noexcept { std::free(p); }

namespace {

strata::ArenaPtr makeArena(size_t bytes, size_t alignment) {
  strata_arena *raw = nullptr;
  strata::StatusPtr status(strata_arena_create(bytes, alignment, &raw));
  EXPECT_EQ(status, nullptr) << strata_status_message(status.get());
  return strata::ArenaPtr(raw);
}

TEST(Arena, BaseHonoursAlignment) {
  for (size_t alignment : {1, 2, 16, 64, 4096}) {
    strata::ArenaPtr arena = makeArena(8192, alignment);
    ASSERT_NE(arena, nullptr);
    EXPECT_EQ(strata_arena_capacity(arena.get()), 8192u);
    EXPECT_EQ(strata_arena_alignment(arena.get()), alignment);
    void *ptr = nullptr;
    ASSERT_STRATA_OK(strata_arena_alloc(arena.get(), 0, 8192, &ptr));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(ptr) % alignment, 0u) << alignment;
  }
}

TEST(Arena, CreateRejectsBadAlignment) {
  strata_arena *raw = reinterpret_cast<strata_arena *>(0x1);
  EXPECT_TRUE(isError(strata_arena_create(1024, 0, &raw), STRATA_ERROR_INVALID_ARGUMENT,
                      {"alignment 0 is not a power of two"}));
  EXPECT_EQ(raw, nullptr);
  EXPECT_TRUE(isError(strata_arena_create(1024, 48, &raw), STRATA_ERROR_INVALID_ARGUMENT,
                      {"alignment 48 is not a power of two"}));
  EXPECT_TRUE(isError(strata_arena_create(1024, 64, nullptr), STRATA_ERROR_INVALID_ARGUMENT,
                      {"out is NULL"}));
}

TEST(Arena, CreateReportsExhaustion) {
  strata_arena *raw = nullptr;
  EXPECT_TRUE(isError(strata_arena_create(std::numeric_limits<size_t>::max() - 4095, 4096, &raw),
                      STRATA_ERROR_OUT_OF_MEMORY, {"cannot allocate"}));
  EXPECT_EQ(raw, nullptr);
}

TEST(Arena, AllocReturnsBasePlusOffset) {
  strata::ArenaPtr arena = makeArena(4096, 64);
  ASSERT_NE(arena, nullptr);
  void *base = nullptr, *slot = nullptr;
  ASSERT_STRATA_OK(strata_arena_alloc(arena.get(), 0, 64, &base));
  ASSERT_STRATA_OK(strata_arena_alloc(arena.get(), 1024, 3072, &slot));
  EXPECT_EQ(static_cast<char *>(slot) - static_cast<char *>(base), 1024);
  // The memory is usable to its last byte.
  static_cast<char *>(slot)[3071] = 42;
  EXPECT_EQ(static_cast<char *>(base)[4095], 42);
}

TEST(Arena, MisalignedOffsetIsRejected) {
  strata::ArenaPtr arena = makeArena(4096, 64);
  ASSERT_NE(arena, nullptr);
  void *ptr = reinterpret_cast<void *>(0x1);
  EXPECT_TRUE(isError(strata_arena_alloc(arena.get(), 96, 16, &ptr), STRATA_ERROR_OUT_OF_RANGE,
                      {"offset 96 is not a multiple of the arena alignment 64"}));
  EXPECT_EQ(ptr, nullptr);
}

TEST(Arena, OutOfBoundsIsRejected) {
  strata::ArenaPtr arena = makeArena(4096, 64);
  ASSERT_NE(arena, nullptr);
  void *ptr = nullptr;
  EXPECT_TRUE(isError(strata_arena_alloc(arena.get(), 4096, 128, &ptr), STRATA_ERROR_OUT_OF_RANGE,
                      {"128 bytes at offset 4096 do not fit in the 4096-byte "
                       "arena"}));
  EXPECT_TRUE(isError(strata_arena_alloc(arena.get(), 4032, 65, &ptr), STRATA_ERROR_OUT_OF_RANGE,
                      {"65 bytes at offset 4032"}));
  EXPECT_TRUE(isError(strata_arena_alloc(arena.get(), 8192, 0, &ptr), STRATA_ERROR_OUT_OF_RANGE,
                      {"offset 8192"}));
  // offset + bytes wraps around size_t; must not be accepted.
  EXPECT_TRUE(
      isError(strata_arena_alloc(arena.get(), 64, std::numeric_limits<size_t>::max() - 32, &ptr),
              STRATA_ERROR_OUT_OF_RANGE, {"do not fit"}));
  EXPECT_EQ(ptr, nullptr);
  // The exact end is fine, including an empty slot there.
  ASSERT_STRATA_OK(strata_arena_alloc(arena.get(), 4032, 64, &ptr));
  ASSERT_STRATA_OK(strata_arena_alloc(arena.get(), 4096, 0, &ptr));
}

TEST(Arena, NullArguments) {
  strata::ArenaPtr arena = makeArena(64, 64);
  void *ptr = nullptr;
  EXPECT_TRUE(isError(strata_arena_alloc(nullptr, 0, 1, &ptr), STRATA_ERROR_INVALID_ARGUMENT,
                      {"arena is NULL"}));
  EXPECT_TRUE(isError(strata_arena_alloc(arena.get(), 0, 1, nullptr), STRATA_ERROR_INVALID_ARGUMENT,
                      {"ptr is NULL"}));
}

TEST(Arena, HighWaterTracksTheLargestEnd) {
  strata::ArenaPtr arena = makeArena(1 << 20, 256);
  ASSERT_NE(arena, nullptr);
  EXPECT_EQ(strata_arena_high_water(arena.get()), 0u);
  void *ptr = nullptr;
  ASSERT_STRATA_OK(strata_arena_alloc(arena.get(), 512, 100, &ptr));
  EXPECT_EQ(strata_arena_high_water(arena.get()), 612u);
  ASSERT_STRATA_OK(strata_arena_alloc(arena.get(), 0, 256, &ptr));
  EXPECT_EQ(strata_arena_high_water(arena.get()), 612u);
  strata::StatusPtr failed(strata_arena_alloc(arena.get(), 1 << 20, 1, &ptr));
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(strata_arena_high_water(arena.get()), 612u) << "a rejected request must not count";

  // Concurrent requests: the mark is the maximum over all threads.
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 4; ++t)
    threads.emplace_back([&arena, t] {
      for (size_t i = 0; i < 1000; ++i) {
        void *p = nullptr;
        strata_status status = strata_arena_alloc(arena.get(), 256 * (t * 1000 + i), 256, &p);
        strata_status_free(status);
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(strata_arena_high_water(arena.get()), 256u * 4000);
}

TEST(Arena, AllocDoesNotAllocate) {
  strata::ArenaPtr arena = makeArena(1 << 16, 64);
  ASSERT_NE(arena, nullptr);
  size_t before = newCalls.load();
  void *ptr = nullptr;
  for (size_t offset = 0; offset < (1 << 16); offset += 64) {
    strata_status status = strata_arena_alloc(arena.get(), offset, 64, &ptr);
    ASSERT_EQ(status, nullptr);
  }
  EXPECT_EQ(newCalls.load(), before);
  // The counter does see allocations: a failure allocates its status.
  strata::StatusPtr failed(strata_arena_alloc(arena.get(), 1, 1, &ptr));
  EXPECT_GT(newCalls.load(), before);
}

} // namespace

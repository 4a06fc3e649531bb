//===- SharedCopyTest.cpp - One contiguous copy shared among the team -----===//
//
// copyShared on teams of 1, 2 and 3 threads, on sizes that leave a partial
// cache line and on copies too small to share: every byte of the target is
// the source's, and the guard bytes around it are untouched. The CPU
// device's copyHostMemory, through which the executor copies a row-major
// output out of its arena, is the same routine on the device's team.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/SharedCopy.h"
#include "runtime/device/cpu/Team.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

constexpr size_t kGuard = 256;

void check(size_t bytes, int threads) {
  std::vector<uint8_t> source(bytes), target(bytes + 2 * kGuard, 0xee);
  for (size_t i = 0; i < bytes; ++i)
    source[i] = static_cast<uint8_t>(i * 131 + 7);
  strata::cpu::setTeamSize(threads);
  strata::cpu::copyShared(target.data() + kGuard, source.data(), bytes);
  strata::cpu::setTeamSize(1);
  for (size_t i = 0; i < kGuard; ++i) {
    ASSERT_EQ(target[i], 0xee) << "before the copy, at " << i;
    ASSERT_EQ(target[kGuard + bytes + i], 0xee) << "after the copy, at " << i;
  }
  for (size_t i = 0; i < bytes; ++i)
    ASSERT_EQ(target[kGuard + i], source[i]) << "at " << i << " of " << bytes;
}

TEST(SharedCopy, EveryByteOnceOnTeamsOfOneToThree) {
  for (int threads : {1, 2, 3})
    for (size_t bytes : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{65},
                         size_t{(1 << 17) + 13}, size_t{(1 << 20) + 13}, size_t{3 << 20}})
      check(bytes, threads);
}

} // namespace

//===- TierStreamsTest.cpp - The tier plan's copy streams -----------------===//
//
// What compiled code gets from the copy streams: copies run on their streams
// in order and are complete when waited for; a stream can wait for another's
// copy; a copy's failure is raised by the wait that needs it, or returned by
// the device's invoke when no wait raised it; the device counts the time.
// The copies are driven through the device's invoke, as compiled code does.
//
//===----------------------------------------------------------------------===//

#include "test/runtime/TestSupport.h"
#include "test/runtime/device/cpu/CpuTestDevice.h"

#include <numeric>
#include <vector>

namespace strata::test {
namespace {

/// The buffers one test's compiled function copies between (invoke's
/// `results` argument).
struct Buffers {
  std::vector<float> source, staging, target;
  int64_t firstTicket = 0, lastTicket = 0;
};

std::unique_ptr<cpu::CpuDevice> makeDevice() { return cpuDeviceOfCapacity(uint64_t(1) << 30); }

Buffers filled(size_t count) {
  Buffers b;
  b.source.resize(count);
  std::iota(b.source.begin(), b.source.end(), 1.0f);
  b.staging.assign(count, 0);
  b.target.assign(count, 0);
  return b;
}

int64_t bytesOf(const std::vector<float> &v) { return static_cast<int64_t>(v.size() * 4); }

/// Source to staging on stream 0, staging to target on stream 1 after it,
/// waiting only for the second.
void chained(void **, void *, void **, void *results) {
  auto &b = *static_cast<Buffers *>(results);
  b.firstTicket = strata_cpu_tier_copy(0, b.staging.data(), b.source.data(), bytesOf(b.source));
  strata_cpu_tier_stream_wait(1, 0, b.firstTicket);
  b.lastTicket = strata_cpu_tier_copy(1, b.target.data(), b.staging.data(), bytesOf(b.source));
  strata_cpu_tier_wait(1, b.lastTicket);
}

TEST(CpuTierStreams, ChainedCopiesAreCompleteWhenWaitedFor) {
  std::unique_ptr<cpu::CpuDevice> device = makeDevice();
  Buffers b = filled(size_t(4) << 20);
  ASSERT_STRATA_OK(device->invoke(&chained, nullptr, nullptr, nullptr, &b));
  EXPECT_EQ(b.target, b.source);
  // A second run's tickets follow the first's on the same stream.
  Buffers again = filled(1024);
  ASSERT_STRATA_OK(device->invoke(&chained, nullptr, nullptr, nullptr, &again));
  EXPECT_EQ(again.target, again.source);
  EXPECT_EQ(again.lastTicket, b.lastTicket + 1);
  DeviceCounters counters = device->counters();
  EXPECT_EQ(counters.tierCopiedToDevice, uint64_t(2) * (bytesOf(b.source) + bytesOf(again.source)));
  EXPECT_GT(counters.tierCopyNs, 0u);
}

/// Copies sixteen blocks one after another on stream 2, each from the
/// block the previous copy wrote, and waits for the last: in order, the
/// last block holds the source.
void inOrder(void **, void *, void **, void *results) {
  auto &b = *static_cast<Buffers *>(results);
  size_t block = b.source.size() / 16;
  b.firstTicket = strata_cpu_tier_copy(2, b.target.data(), b.source.data(), int64_t(block * 4));
  for (size_t i = 1; i < 16; ++i)
    b.lastTicket = strata_cpu_tier_copy(2, b.target.data() + i * block,
                                        b.target.data() + (i - 1) * block, int64_t(block * 4));
  strata_cpu_tier_wait(2, b.lastTicket);
}

TEST(CpuTierStreams, OneStreamRunsItsCopiesInOrder) {
  std::unique_ptr<cpu::CpuDevice> device = makeDevice();
  Buffers b = filled(size_t(16) << 16);
  ASSERT_STRATA_OK(device->invoke(&inOrder, nullptr, nullptr, nullptr, &b));
  EXPECT_EQ(b.lastTicket, b.firstTicket + 15);
  size_t block = b.source.size() / 16;
  for (size_t i = 0; i < 16; ++i)
    ASSERT_TRUE(
        std::equal(b.source.begin(), b.source.begin() + block, b.target.begin() + i * block))
        << "block " << i;
}

/// Reads "weights" from memory no weights file holds: the read fails on the
/// copy thread, and the wait for it raises the failure.
void readsNoFile(void **, void *, void **, void *results) {
  auto &b = *static_cast<Buffers *>(results);
  b.lastTicket =
      strata_cpu_tier_read_weights(3, b.source.data(), 0, b.target.data(), bytesOf(b.source));
  strata_cpu_tier_wait(3, b.lastTicket);
  b.firstTicket = -1;
}

TEST(CpuTierStreams, AWaitRaisesTheFailureOfItsCopy) {
  std::unique_ptr<cpu::CpuDevice> device = makeDevice();
  Buffers b = filled(1024);
  EXPECT_TRUE(isError(device->invoke(&readsNoFile, nullptr, nullptr, nullptr, &b),
                      STRATA_ERROR_FAILED_PRECONDITION,
                      {"the NVMe tier: ", "no open weights file holds"}));
  EXPECT_EQ(b.firstTicket, 0) << "the run went on past the failed wait";
  // The failure was the run's: the next run's copies succeed.
  Buffers next = filled(1024);
  ASSERT_STRATA_OK(device->invoke(&chained, nullptr, nullptr, nullptr, &next));
  EXPECT_EQ(next.target, next.source);
}

/// Queues a failing read and returns without waiting for it.
void leavesAFailedRead(void **, void *, void **, void *results) {
  auto &b = *static_cast<Buffers *>(results);
  b.lastTicket =
      strata_cpu_tier_read_weights(3, b.source.data(), 0, b.target.data(), bytesOf(b.source));
}

TEST(CpuTierStreams, InvokeReturnsAFailureNoWaitRaised) {
  std::unique_ptr<cpu::CpuDevice> device = makeDevice();
  Buffers b = filled(1024);
  EXPECT_TRUE(isError(device->invoke(&leavesAFailedRead, nullptr, nullptr, nullptr, &b),
                      STRATA_ERROR_FAILED_PRECONDITION, {"no open weights file holds"}));
}

void waitsForANeverQueuedCopy(void **, void *, void **, void *) {
  strata_cpu_tier_wait(5, int64_t(1) << 40);
}

void queuesOnAMissingStream(void **, void *, void **, void *results) {
  auto &b = *static_cast<Buffers *>(results);
  strata_cpu_tier_copy(cpu::kMaxTierStreams, b.target.data(), b.source.data(), 4);
}

TEST(CpuTierStreams, RefusesTicketsAndStreamsThatDoNotExist) {
  std::unique_ptr<cpu::CpuDevice> device = makeDevice();
  Buffers b = filled(4);
  EXPECT_TRUE(isError(device->invoke(&waitsForANeverQueuedCopy, nullptr, nullptr, nullptr, &b),
                      STRATA_ERROR_INVALID_ARGUMENT, {"never queued"}));
  EXPECT_TRUE(isError(device->invoke(&queuesOnAMissingStream, nullptr, nullptr, nullptr, &b),
                      STRATA_ERROR_INVALID_ARGUMENT,
                      {"tier copy stream 8 does not exist", "has 8"}));
}

} // namespace
} // namespace strata::test

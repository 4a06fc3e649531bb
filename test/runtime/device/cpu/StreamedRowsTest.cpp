//===- StreamedRowsTest.cpp - Few-row products on a blocked weight --------===//
//
// streamRows against a plain loop, on weights laid out here by hand (not by
// oneDNN) in the blocked layout it reads, with every padding element and the
// gaps between blocks set to NaN: a result that read one stays NaN. Covers
// one to four rows, a transposed A, accumulation, a C row wider than the
// product, column blocks of one to four vectors, and one and three threads.
// Contract's tests cover the same path as it is reached from a program, on
// oneDNN's own packing.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/StreamedRows.h"
#include "runtime/device/cpu/Bf16Products.h"
#include "runtime/device/cpu/Team.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

using strata::cpu::BlockedWeight;
using strata::cpu::PackedProduct;

struct Case {
  int64_t m, k, n;
  bool transA, accumulate;
  int64_t kBlock, nBlock;
  int threads;
  bool bf16 = false;
};

float widen(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float f;
  std::memcpy(&f, &wide, sizeof(f));
  return f;
}

void check(const Case &t) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> w(t.k * t.n);
  for (float &v : w)
    v = u(rng);
  // Blocked, with a 16-float gap after each tile and after each column block.
  int64_t kBlocks = (t.k + t.kBlock - 1) / t.kBlock, nBlocks = (t.n + t.nBlock - 1) / t.nBlock;
  int64_t kStride = t.kBlock * t.nBlock + 16, nStride = kBlocks * kStride + 16;
  std::vector<float> blocked(nBlocks * nStride, std::numeric_limits<float>::quiet_NaN());
  for (int64_t i = 0; i < t.k; ++i)
    for (int64_t j = 0; j < t.n; ++j)
      blocked[(i / t.kBlock) * kStride + (j / t.nBlock) * nStride + (i % t.kBlock) * t.nBlock +
              j % t.nBlock] = w[i * t.n + j];
  int64_t lda = t.transA ? t.m + 3 : t.k + 5, ldc = t.n + 7;
  std::vector<float> a((t.transA ? t.k : t.m) * lda), c(t.m * ldc);
  for (float &v : a)
    v = u(rng);
  for (float &v : c)
    v = u(rng);
  std::vector<float> before = c;
  PackedProduct p{t.transA, false, t.m, t.n, t.k, lda, t.n, ldc};
  BlockedWeight bw{blocked.data(), t.kBlock, t.nBlock, kStride, nStride};
  // With bf16, the kernel reads the blocked weights rounded (NaN gaps stay
  // NaN), and the product is that of the rounded weights.
  std::vector<uint16_t> rounded(blocked.size());
  if (t.bf16) {
    strata::cpu::roundToBf16(blocked.data(), static_cast<int64_t>(blocked.size()), rounded.data());
    bw.rounded = rounded.data();
    for (float &v : w)
      v = widen(strata::cpu::roundToBf16(v));
  }
  ASSERT_TRUE(strata::cpu::canStreamRows(t.m, bw));
  strata::cpu::setTeamSize(t.threads);
  strata::cpu::streamRows(p, a.data(), bw, c.data(), t.accumulate ? 1.0f : 0.0f);
  for (int64_t r = 0; r < t.m; ++r) {
    for (int64_t j = 0; j < ldc; ++j) {
      if (j >= t.n) {
        ASSERT_EQ(c[r * ldc + j], before[r * ldc + j]) << "row " << r << ", past column " << j;
        continue;
      }
      double sum = t.accumulate ? before[r * ldc + j] : 0.0;
      for (int64_t i = 0; i < t.k; ++i)
        sum += static_cast<double>(t.transA ? a[i * lda + r] : a[r * lda + i]) * w[i * t.n + j];
      ASSERT_NEAR(c[r * ldc + j], sum, 1e-4) << "row " << r << ", column " << j;
    }
  }
}

TEST(StreamedRows, OneToFourRowsWithTails) {
  // k and n end inside a block: the padding is never summed or stored.
  for (int64_t m = 1; m <= 4; ++m)
    check({m, 100, 200, false, false, 16, 64, 1});
}

TEST(StreamedRows, TransposedAAndAccumulation) {
  for (bool transA : {false, true})
    for (bool accumulate : {false, true})
      check({3, 37, 70, transA, accumulate, 16, 64, 1});
}

TEST(StreamedRows, NarrowerColumnBlocks) {
  for (int64_t nBlock : {16, 32, 48})
    check({2, 45, 130, false, true, 8, nBlock, 1});
}

TEST(StreamedRows, ThreadsShareTheColumnBlocks) {
  // 7 blocks over 3 threads, and more threads than blocks.
  check({1, 64, 7 * 64 - 5, false, false, 16, 64, 3});
  check({4, 20, 30, true, true, 16, 64, 3});
}

TEST(StreamedRows, Bf16WeightsAreWidened) {
  // The same products on the bf16 copy, with every row count, both A
  // layouts, accumulation, narrower blocks and threads.
  for (int64_t m = 1; m <= 4; ++m)
    check({m, 100, 200, m % 2 == 0, m > 2, 16, 64, 1, true});
  check({2, 45, 130, false, true, 8, 32, 1, true});
  check({1, 64, 7 * 64 - 5, false, false, 16, 64, 3, true});
}

TEST(StreamedRows, TakesFewRowsAndVectorBlocksOnly) {
  float data = 0;
  EXPECT_FALSE(strata::cpu::canStreamRows(5, {&data, 16, 64, 1024, 1024}));
  EXPECT_FALSE(strata::cpu::canStreamRows(0, {&data, 16, 64, 1024, 1024}));
  EXPECT_FALSE(strata::cpu::canStreamRows(1, {&data, 16, 24, 384, 384}));
  EXPECT_FALSE(strata::cpu::canStreamRows(1, {&data, 16, 128, 2048, 2048}));
  EXPECT_TRUE(strata::cpu::canStreamRows(4, {&data, 16, 64, 1024, 1024}));
}

} // namespace

//===- F16ProductsTest.cpp - Products with f16 operands and results -------===//
//
// roundToF16 on the values where rounding decides (ties, the largest f16,
// subnormals, overflow, NaN), the row rounding against the scalar one over
// many bit patterns, and strata_cpu_contract_f32 with STRATA_CONTRACT_F16: a
// product of matrices is the rounded product of the rounded operands, for
// every transposition, accumulating or not, and writes nothing outside C; a
// batch of dot products stays f32.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/F16Products.h"
#include "runtime/device/cpu/Contract.h"
#include "test/runtime/device/cpu/MatrixProduct.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

using strata::cpu::roundToF16;

float fromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

TEST(F16Products, RoundsToNearestTiesToEven) {
  EXPECT_EQ(roundToF16(1.0f), 1.0f);
  // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: to the even one, 1.
  EXPECT_EQ(roundToF16(1.0f + 0x1p-11f), 1.0f);
  // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 and 1 + 2^-9: up, to even.
  EXPECT_EQ(roundToF16(1.0f + 3 * 0x1p-11f), 1.0f + 0x1p-9f);
  EXPECT_EQ(roundToF16(fromBits(0x3f801001)), 1.0f + 0x1p-10f);
  EXPECT_EQ(roundToF16(-2.5f), -2.5f);
  EXPECT_EQ(roundToF16(65504.0f), 65504.0f);
  EXPECT_EQ(roundToF16(65519.0f), 65504.0f);
  EXPECT_EQ(roundToF16(65520.0f), std::numeric_limits<float>::infinity());
  EXPECT_EQ(roundToF16(-1e30f), -std::numeric_limits<float>::infinity());
  // Subnormals are 2^-24 apart; half of the smallest is a tie, to zero.
  EXPECT_EQ(roundToF16(0x1p-24f), 0x1p-24f);
  EXPECT_EQ(roundToF16(0x1p-25f), 0.0f);
  EXPECT_EQ(roundToF16(1.5f * 0x1p-24f), 2 * 0x1p-24f);
  EXPECT_EQ(roundToF16(5 * 0x1p-25f), 2 * 0x1p-24f);
  EXPECT_EQ(roundToF16(1e-9f), 0.0f);
  EXPECT_EQ(roundToF16(0x1p-14f), 0x1p-14f); // the smallest normal
  EXPECT_TRUE(std::isnan(roundToF16(std::numeric_limits<float>::quiet_NaN())));
}

TEST(F16Products, RowsRoundAsValuesDo) {
  std::mt19937 rng(11);
  std::vector<float> values(1 << 20);
  for (float &v : values) {
    // Exponents from f16's subnormals to past its largest value.
    uint32_t bits = (rng() & 0x807fffffu) | ((rng() % 48 + 98) << 23);
    v = fromBits(bits);
  }
  std::vector<float> rounded = values;
  strata::cpu::roundToF16(rounded.data(), static_cast<int64_t>(rounded.size()));
  for (size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(rounded[i], roundToF16(values[i])) << "value " << values[i];
}

struct Case {
  int64_t m, n, k;
  bool transA, transB, accumulate;
};

/// The case's product against f64 sums of the rounded operands, rounded.
void check(const Case &t) {
  MatrixProduct p(t.m, t.n, t.k, t.transA, t.transB);
  const std::vector<float> &c = p.c;
  int64_t ldc = p.ldc();
  std::vector<float> out = c;
  strata_cpu_contract_f32(3, p.desc.data(), p.a.data(), p.b.data(), out.data(), t.accumulate,
                          STRATA_CONTRACT_F16 | STRATA_CONTRACT_CONSTANT_B);
  int roundedAway = 0;
  for (int64_t i = 0; i < t.m; ++i) {
    for (int64_t j = 0; j < t.n; ++j) {
      double sum = t.accumulate ? c[i * ldc + j] : 0.0, exact = sum;
      for (int64_t l = 0; l < t.k; ++l) {
        sum += static_cast<double>(roundToF16(p.at(i, l))) * roundToF16(p.bt(l, j));
        exact += static_cast<double>(p.at(i, l)) * p.bt(l, j);
      }
      float got = out[i * ldc + j];
      // The f32 sum may round differently from the f64 one by an f32 ulp
      // of the terms, which can move the f16 result by one of its ulps.
      float expected = roundToF16(static_cast<float>(sum));
      ASSERT_LE(std::abs(got - expected), std::abs(expected) * 0x1p-10f + 1e-6f)
          << "row " << i << ", column " << j;
      ASSERT_EQ(got, roundToF16(got)) << "row " << i << ", column " << j << " is not an f16";
      roundedAway += got != static_cast<float>(exact);
    }
    for (int64_t j = t.n; j < ldc; ++j)
      ASSERT_EQ(out[i * ldc + j], c[i * ldc + j]) << "written outside C";
  }
  ASSERT_GT(roundedAway, 0);
}

TEST(F16Products, ProductsRoundOperandsAndResults) {
  for (bool transA : {false, true})
    for (bool transB : {false, true})
      for (bool accumulate : {false, true})
        check({7, 33, 20, transA, transB, accumulate});
  check({1, 40, 24, false, true, false}); // a decode step's row
}

TEST(F16Products, DotProductsStayF32) {
  // C[b] = sum over k of A[b, k] B[b, k]: a batch of dots (a loss's or a
  // softmax backward's sums), which torch.autocast leaves in f32.
  std::vector<float> a(4 * 16), b(4 * 16), c(4);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  for (auto *v : {&a, &b})
    for (float &x : *v)
      x = u(rng) * 1e-3f;
  std::vector<int64_t> desc = {4, 16, 16, 1, STRATA_CONTRACT_BATCH, 16, 1, 1, 0, STRATA_CONTRACT_K};
  strata_cpu_contract_f32(2, desc.data(), a.data(), b.data(), c.data(), 0, STRATA_CONTRACT_F16);
  for (int i = 0; i < 4; ++i) {
    float f32 = 0;
    for (int l = 0; l < 16; ++l)
      f32 += a[i * 16 + l] * b[i * 16 + l];
    EXPECT_NEAR(c[i], f32, 1e-12f);
    EXPECT_NE(c[i], roundToF16(c[i]));
  }
}

} // namespace

//===- Bf16ProductsTest.cpp - Products on operands rounded to bf16 --------===//
//
// roundToBf16 on the values where rounding decides (ties, the largest
// float, NaN), and strata_cpu_contract_f32 with STRATA_CONTRACT_BF16: its
// result is the exact product of the operands rounded to bf16 (up to f32
// accumulation), not the f32 product, for every transposition, accumulating
// or not, with B a weight (its rounded copy kept) or not. On a CPU without
// bf16 product kernels the products stay f32, and the test says so.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/Bf16Products.h"
#include "runtime/device/cpu/Contract.h"
#include "runtime/device/cpu/PackedProducts.h"
#include "test/runtime/device/cpu/MatrixProduct.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

using strata::cpu::roundToBf16;

float fromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

float widen(uint16_t bf16) { return fromBits(static_cast<uint32_t>(bf16) << 16); }

TEST(Bf16Products, RoundsToNearestTiesToEven) {
  EXPECT_EQ(roundToBf16(1.0f), 0x3f80);
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: to the even one, 1.
  EXPECT_EQ(roundToBf16(fromBits(0x3f808000)), 0x3f80);
  // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: up, to even.
  EXPECT_EQ(roundToBf16(fromBits(0x3f818000)), 0x3f82);
  // Just above and below a halfway point.
  EXPECT_EQ(roundToBf16(fromBits(0x3f808001)), 0x3f81);
  EXPECT_EQ(roundToBf16(fromBits(0x3f807fff)), 0x3f80);
  EXPECT_EQ(roundToBf16(-2.5f), 0xc020);
  EXPECT_EQ(roundToBf16(std::numeric_limits<float>::max()), 0x7f80); // to infinity
  EXPECT_EQ(roundToBf16(std::numeric_limits<float>::infinity()), 0x7f80);
  EXPECT_TRUE(std::isnan(widen(roundToBf16(std::numeric_limits<float>::quiet_NaN()))));
  // A NaN whose payload lies only in the low bits stays a NaN.
  EXPECT_TRUE(std::isnan(widen(roundToBf16(fromBits(0x7f800001)))));
}

struct Case {
  int64_t m, n, k;
  bool transA, transB, accumulate;
  int64_t flags;
  /// Whether the product rounds A too (not a few-row product on a weight).
  bool roundsA = true;
};

/// The case's product against double sums of the rounded operands and of
/// the f32 ones.
void check(const Case &t) {
  MatrixProduct p(t.m, t.n, t.k, t.transA, t.transB);
  const std::vector<float> &c = p.c;
  int64_t ldc = p.ldc();
  for (int call = 0; call < 2; ++call) {
    std::vector<float> out = c;
    strata_cpu_contract_f32(3, p.desc.data(), p.a.data(), p.b.data(), out.data(), t.accumulate,
                            t.flags | STRATA_CONTRACT_BF16);
    double tolerance = 2e-5 * t.k, offF32 = 0;
    for (int64_t i = 0; i < t.m; ++i)
      for (int64_t j = 0; j < t.n; ++j) {
        double rounded = t.accumulate ? c[i * ldc + j] : 0.0, exact = rounded;
        for (int64_t l = 0; l < t.k; ++l) {
          float x = t.roundsA ? widen(roundToBf16(p.at(i, l))) : p.at(i, l);
          rounded += static_cast<double>(x) * widen(roundToBf16(p.bt(l, j)));
          exact += static_cast<double>(p.at(i, l)) * p.bt(l, j);
        }
        ASSERT_NEAR(out[i * ldc + j], rounded, tolerance) << "row " << i << ", column " << j;
        offF32 = std::max(offF32, std::abs(out[i * ldc + j] - exact));
      }
    // The rounding shows (bf16 keeps 8 bits of mantissa): the f32 product
    // lies outside the tolerance somewhere.
    ASSERT_GT(offF32, tolerance);
    for (int64_t i = 0; i < t.m; ++i)
      for (int64_t j = t.n; j < ldc; ++j)
        ASSERT_EQ(out[i * ldc + j], c[i * ldc + j]) << "written outside C";
  }
  // The next case's B may reuse this one's address.
  strata::cpu::releasePackedProducts();
  strata::cpu::releaseBf16Products();
}

bool hasBf16Kernels() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16");
}

TEST(Bf16Products, ProductsReadRoundedOperands) {
  if (!hasBf16Kernels())
    GTEST_SKIP() << "this CPU has no bf16 product kernels: the products stay f32";
  ASSERT_GE(64.0 * 96 * 80, strata::cpu::kLeastBf16Product);
  for (bool transA : {false, true})
    for (bool transB : {false, true})
      for (bool accumulate : {false, true})
        for (int64_t flags : {0, STRATA_CONTRACT_CONSTANT_B})
          check({64, 96, 80, transA, transB, accumulate, flags});
  strata::cpu::releaseBf16Products();
}

TEST(Bf16Products, FewRowProductsStreamRoundedWeights) {
  // A decode step's products (one to four rows, B a weight) read the packed
  // weight rounded to bf16 and the rows as they are.
  if (!hasBf16Kernels())
    GTEST_SKIP() << "this CPU has no bf16 product kernels: the products stay f32";
  for (int64_t m : {1, 2, 4})
    for (bool transB : {false, true})
      check({m, 200, 96, false, transB, m == 2, STRATA_CONTRACT_CONSTANT_B, false});
  strata::cpu::releasePackedProducts();
}

} // namespace

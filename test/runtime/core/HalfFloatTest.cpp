//===- HalfFloatTest.cpp - f16 and bf16 scalars as floats -----------------===//
//
// widenHalf and narrowToHalf: every f16 value converts to float and back to
// itself; rounding to f16 and bf16 on ties, at the overflow threshold and in
// f16's subnormals; and the element accessors of each float dtype, which
// write no more than the element (a training program of f16 weights takes
// its learning rate as a 2-byte scalar).
//
//===----------------------------------------------------------------------===//

#include "runtime/core/HalfFloat.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace {

using strata::narrowToHalf;
using strata::widenHalf;

TEST(HalfFloat, EveryF16RoundTrips) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float value = widenHalf(static_cast<uint16_t>(h), STRATA_DTYPE_F16);
    if (std::isnan(value))
      continue;
    ASSERT_EQ(narrowToHalf(value, STRATA_DTYPE_F16), h) << "f16 bits " << h;
  }
  EXPECT_EQ(widenHalf(0x3c00, STRATA_DTYPE_F16), 1.0f);
  EXPECT_EQ(widenHalf(0x0001, STRATA_DTYPE_F16), 0x1p-24f);
  EXPECT_EQ(widenHalf(0x7bff, STRATA_DTYPE_F16), 65504.0f);
  EXPECT_EQ(widenHalf(0xc000, STRATA_DTYPE_F16), -2.0f);
}

TEST(HalfFloat, RoundsToNearestEven) {
  EXPECT_EQ(narrowToHalf(1.0f + 0x1p-11f, STRATA_DTYPE_F16), 0x3c00);
  EXPECT_EQ(narrowToHalf(1.0f + 3 * 0x1p-11f, STRATA_DTYPE_F16), 0x3c02);
  EXPECT_EQ(narrowToHalf(65519.0f, STRATA_DTYPE_F16), 0x7bff);
  EXPECT_EQ(narrowToHalf(65520.0f, STRATA_DTYPE_F16), 0x7c00);
  EXPECT_EQ(narrowToHalf(-1e9f, STRATA_DTYPE_F16), 0xfc00);
  EXPECT_EQ(narrowToHalf(0x1p-25f, STRATA_DTYPE_F16), 0x0000);
  EXPECT_EQ(narrowToHalf(1.5f * 0x1p-24f, STRATA_DTYPE_F16), 0x0002);
  EXPECT_EQ(narrowToHalf(1e-3f, STRATA_DTYPE_F16), 0x1419);
  EXPECT_TRUE(std::isnan(widenHalf(
      narrowToHalf(std::numeric_limits<float>::quiet_NaN(), STRATA_DTYPE_F16), STRATA_DTYPE_F16)));
  EXPECT_EQ(narrowToHalf(1.0f, STRATA_DTYPE_BF16), 0x3f80);
  EXPECT_EQ(narrowToHalf(1.0f + 0x1p-8f, STRATA_DTYPE_BF16), 0x3f80);
  EXPECT_EQ(narrowToHalf(1.0f + 3 * 0x1p-8f, STRATA_DTYPE_BF16), 0x3f82);
  EXPECT_EQ(widenHalf(0x3f82, STRATA_DTYPE_BF16), 1.0f + 0x1p-6f);
}

TEST(HalfFloat, ElementsOfEachFloatType) {
  for (strata_dtype dtype :
       {STRATA_DTYPE_F16, STRATA_DTYPE_BF16, STRATA_DTYPE_F32, STRATA_DTYPE_F64}) {
    unsigned char bytes[24];
    std::memset(bytes, 0xab, sizeof bytes);
    strata::setFloatElement(bytes, dtype, 1, 0.375);
    size_t size = strata_dtype_size(dtype);
    EXPECT_EQ(strata::floatElement(bytes, dtype, 1), 0.375) << strata_dtype_name(dtype);
    for (size_t i = 0; i < sizeof bytes; ++i)
      if (i < size || i >= 2 * size)
        ASSERT_EQ(bytes[i], 0xab) << strata_dtype_name(dtype) << " wrote byte " << i;
  }
}

} // namespace

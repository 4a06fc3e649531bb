//===- HalfFloat.cpp - f16 and bf16 scalars as floats ---------------------===//

#include "runtime/core/HalfFloat.h"

#include <cmath>
#include <cstring>

namespace strata {
namespace {

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float fromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

} // namespace

float widenHalf(uint16_t h, strata_dtype dtype) {
  if (dtype == STRATA_DTYPE_BF16)
    return fromBits(static_cast<uint32_t>(h) << 16);
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16, exponent = (h >> 10) & 0x1f,
           mantissa = h & 0x3ff;
  if (exponent == 0x1f)
    return fromBits(sign | 0x7f800000 | (mantissa << 13));
  if (exponent != 0)
    return fromBits(sign | ((exponent + 112) << 23) | (mantissa << 13));
  // Zero or a subnormal: mantissa * 2^-24.
  float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
  return sign ? -magnitude : magnitude;
}

uint16_t narrowToHalf(float value, strata_dtype dtype) {
  uint32_t bits = bitsOf(value), magnitude = bits & 0x7fffffffu;
  if (dtype == STRATA_DTYPE_BF16) {
    if (magnitude > 0x7f800000u)
      return static_cast<uint16_t>((bits >> 16) | 0x40u);
    return static_cast<uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
  }
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  if (magnitude > 0x7f800000u)
    return sign | 0x7e00u;
  // From 65520, halfway past the largest f16 (65504), to infinity.
  if (magnitude >= 0x477ff000u)
    return sign | 0x7c00u;
  // Below 2^-14: subnormals, 2^-24 apart (the largest rounds up to 2^-14).
  if (magnitude < 0x38800000u)
    return sign | static_cast<uint16_t>(std::nearbyint(fromBits(magnitude) * 0x1p24f));
  uint32_t rounded = magnitude + 0xfffu + ((magnitude >> 13) & 1u);
  return sign | static_cast<uint16_t>((rounded - 0x38000000u) >> 13);
}

double floatElement(const void *data, strata_dtype dtype, int64_t i) {
  switch (dtype) {
  case STRATA_DTYPE_F64:
    return static_cast<const double *>(data)[i];
  case STRATA_DTYPE_F16:
  case STRATA_DTYPE_BF16:
    return widenHalf(static_cast<const uint16_t *>(data)[i], dtype);
  default:
    return static_cast<const float *>(data)[i];
  }
}

void setFloatElement(void *data, strata_dtype dtype, int64_t i, double value) {
  switch (dtype) {
  case STRATA_DTYPE_F64:
    static_cast<double *>(data)[i] = value;
    return;
  case STRATA_DTYPE_F16:
  case STRATA_DTYPE_BF16:
    static_cast<uint16_t *>(data)[i] = narrowToHalf(static_cast<float>(value), dtype);
    return;
  default:
    static_cast<float *>(data)[i] = static_cast<float>(value);
  }
}

} // namespace strata

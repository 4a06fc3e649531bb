//===- HalfFloat.h - f16 and bf16 scalars as floats -------------*- C++ -*-===//
//
// The runtime's loops read and write single values of a model's 16-bit float
// tensors: logits (--generate), a loss, a learning rate and a step number (a
// training program of f16 or bf16 weights takes them in that type).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_HALFFLOAT_H
#define STRATA_RUNTIME_CORE_HALFFLOAT_H

#include "strata/runtime.h"

#include <cstdint>

namespace strata {

/// The float the f16 or bf16 (`dtype`) bits `bits` hold.
float widenHalf(uint16_t bits, strata_dtype dtype);

/// The f16 or bf16 (`dtype`) nearest `value` (ties to even; infinite past
/// the largest; NaN stays NaN), as its bits.
uint16_t narrowToHalf(float value, strata_dtype dtype);

/// Element `i` of `data`, of the float dtype `dtype` (f16, bf16, f32, f64).
double floatElement(const void *data, strata_dtype dtype, int64_t i);

/// Sets element `i` of `data` to `value`, rounded to `dtype` (as above).
void setFloatElement(void *data, strata_dtype dtype, int64_t i, double value);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_HALFFLOAT_H

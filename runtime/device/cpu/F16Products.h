//===- F16Products.h - Matrix products with f16 operands and results -*- C++ -*-===//
//
// With `stratac compile --matmul-precision=f16` a product reads its operands
// rounded to f16 (IEEE binary16: to nearest, ties to even, with its
// subnormals, and values from 65520 becoming infinite), accumulates in f32
// and rounds its results to f16: what a GPU's f16 products under
// torch.autocast(float16) compute, and why f16 training needs loss scaling
// (small gradients flush to zero, large ones overflow). This CPU has no
// f16-in, f32-accumulate product kernel, and oneDNN 2.6 has no f16 matmul
// on CPUs: the rounded operands are multiplied by the f32 routine, so the
// products cost what f32 ones do, plus the rounding.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_F16PRODUCTS_H
#define STRATA_RUNTIME_DEVICE_CPU_F16PRODUCTS_H

#include <cstdint>

namespace strata::cpu {

/// The f16 value nearest `value`, as a float (NaN stays NaN).
float roundToF16(float value);

/// Rounds `count` floats the same way, in place, with F16C's conversions
/// where the CPU has them.
void roundToF16(float *values, int64_t count);

/// strata_cpu_contract_f32 (Contract.h) on operands rounded to f16, with
/// the elements of C it writes rounded to f16 afterwards, for a product of
/// matrices (one with an m or n dimension); batches of dot products (the
/// sums of a loss, of softmax's and the norms' backward passes), which
/// torch.autocast leaves in f32, stay f32. The rounded operands are copies
/// in the calling thread's scratch, so no weight is kept re-laid out.
void contractF16(int64_t rank, const int64_t *desc, const float *a, const float *b, float *c,
                 int64_t accumulate, int64_t flags);

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_F16PRODUCTS_H

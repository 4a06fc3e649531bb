//===- Bf16Products.h - Matrix products on operands rounded to bf16 -*- C++ -*-===//
//
// With `stratac compile --matmul-precision=bf16` a product of two matrices
// reads its operands rounded to bf16 (to nearest, ties to even) and
// accumulates and writes in f32, on oneDNN's matmul: its AMX and AVX-512
// BF16 kernels ran 5 to 10 times the f32 kernels' rate on one core of this
// project's machine. A weight's rounded copy is made on first use and kept
// (as PackedProducts.h keeps packed ones); an activation is rounded at each
// call, into the calling thread's scratch. Where the CPU has no bf16 kernel,
// the products stay f32.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_BF16PRODUCTS_H
#define STRATA_RUNTIME_DEVICE_CPU_BF16PRODUCTS_H

#include "runtime/device/cpu/PackedProducts.h"

#include <cstdint>

namespace strata::cpu {

/// The multiply-adds below which a product stays f32: setting up the call
/// costs more than bf16 saves.
constexpr double kLeastBf16Product = 1 << 18;

/// Runs `p` on operands rounded to bf16; `constantB`: B is a weight whose
/// rounded copy may be kept. Returns false when the product is too small, the
/// CPU has no bf16 kernel for it, or oneDNN fails: the caller then runs it in
/// f32. Safe to call from several threads at once.
bool runBf16(const PackedProduct &p, const float *a, const float *b, float *c, float beta,
             bool constantB);

/// The bf16 value nearest `value` (ties to even; NaN stays NaN), as its bits.
uint16_t roundToBf16(float value);

/// Rounds `count` floats the same way, with AVX-512 BF16's conversion where
/// the CPU has it.
void roundToBf16(const float *from, int64_t count, uint16_t *to);

/// Frees the rounded copies of the weight at `b`, before its memory goes.
void forgetBf16Weight(const float *b);

/// Frees every rounded weight and primitive.
void releaseBf16Products();

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_BF16PRODUCTS_H

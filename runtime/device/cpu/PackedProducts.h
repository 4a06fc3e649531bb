//===- PackedProducts.h - Products with a weight, on pre-packed weights -*- C++ -*-===//
//
// A matrix product whose B operand is a weight (constant for the program's
// life: stratac says so in the call) runs on oneDNN's matmul with B re-laid
// out once, on first use, into the blocked layout oneDNN's kernel reads, and
// kept: OpenBLAS's sgemm repacks B on every call, which cost a sixth of a
// GPT-2 prefill, and its sgemv reads the row-major weight at a fraction of
// the bandwidth a blocked kernel reaches. The layout is the one oneDNN picks
// for a 128-row product, so that every row count (a prefill, a decode step)
// reads the same packed copy; the original weight's pages are then handed
// back to the kernel (MADV_PAGEOUT keeps their contents), so resident memory
// holds one copy of each weight. Primitives are kept per shape, not per
// weight: the layers of a model share them. A product of a few rows (a
// decode step's) reads the packed copy in one pass instead (StreamedRows.h).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_PACKEDPRODUCTS_H
#define STRATA_RUNTIME_DEVICE_CPU_PACKEDPRODUCTS_H

#include <cstdint>

namespace strata::cpu {

/// C = A B (beta 0) or C += A B (beta 1) for row-major A (m x k, or k x m
/// when `transA`), constant B (k x n, or n x k when `transB`) and C (m x n).
struct PackedProduct {
  bool transA, transB;
  int64_t m, n, k, lda, ldb, ldc;
};

/// Runs `p` on the packed copy of `b`, packing it on first use; with `bf16`,
/// a product of at most kMaxStreamedRows rows reads that copy rounded to
/// bf16 (made on first use and kept beside it: half the bytes a decode step
/// streams). Returns false when oneDNN cannot take the product (no memory for
/// the packed copy, a layout it has no kernel for): the caller then runs it
/// another way.
bool runPacked(const PackedProduct &p, const float *a, const float *b, float *c, float beta,
               bool bf16 = false);

/// Runs `p` with B not a weight (a product of two activations, as a training
/// step's weight gradients are) on oneDNN's sgemm when the product has at
/// least kLeastOneDnnProduct multiply-adds: on these shapes oneDNN's kernels
/// beat OpenBLAS's on one thread too (a GPT-2 124M gradient step on one
/// thread: 982 ms on OpenBLAS, 805 on oneDNN). Called on one thread of the
/// team, the product is shared among the team's threads; called by a thread
/// in a shared region (a batch of products shared out), it runs on that
/// thread. Returns false otherwise, or when oneDNN fails: the caller then
/// runs it on OpenBLAS, on the calling thread.
bool runOnOneDnn(const PackedProduct &p, const float *a, const float *b, float *c, float beta);

/// The multiply-adds below which a product of two activations stays on
/// OpenBLAS: oneDNN's kernels are faster from about here on (attention's
/// per-head products of a training step, 256 x 256 x 32, included).
constexpr double kLeastOneDnnProduct = 1 << 20;

/// The multiply-adds from which one product of two activations is shared
/// among the team's threads; smaller ones in a batch (attention's per-head
/// products) run one per thread, the batch shared out (Contract.h).
constexpr double kLeastTeamProduct = 1 << 22;

/// The weights packed so far (for tests and reports).
uint64_t packedWeightCount();

/// Frees the packed copies of the weight at `b`, before its memory goes.
void forgetPackedWeight(const float *b);

/// Frees every packed weight and primitive.
void releasePackedProducts();

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_PACKEDPRODUCTS_H

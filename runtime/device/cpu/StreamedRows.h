//===- StreamedRows.h - Few-row products in one pass over a packed weight -*- C++ -*-===//
//
// A decode step multiplies one row (a few with a batch) by every weight of
// the model: the time is the time to read the weights from memory. oneDNN's
// matmul on a packed weight reaches about two thirds of that bound for one
// row (GPT-2 124M: 31 ms for 494 MB on one core that streams 23 GB/s), so
// products of at most kMaxStreamedRows rows read the packed weight
// themselves: each block of columns is read once, front to back, into
// accumulators held in registers, and the blocks are shared out among the
// threads. The weight is in the blocked layout PackedProducts made; any
// other layout is left to oneDNN.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_STREAMEDROWS_H
#define STRATA_RUNTIME_DEVICE_CPU_STREAMEDROWS_H

#include "runtime/device/cpu/PackedProducts.h"

#include <cstdint>

namespace strata::cpu {

/// The most rows a streamed product takes.
constexpr int64_t kMaxStreamedRows = 4;

/// A k x n weight blocked as oneDNN's BA{kBlock}a{nBlock}b: element (i, j)
/// is at (i / kBlock) * kStride + (j / nBlock) * nStride + (i % kBlock) *
/// nBlock + j % nBlock; the padding up to whole blocks holds zeros.
/// `rounded`, when set, holds the same elements rounded to bf16 (their bits),
/// in the same layout: products read it instead of `data`
/// (--matmul-precision=bf16), half the bytes.
struct BlockedWeight {
  const float *data;
  int64_t kBlock, nBlock, kStride, nStride;
  const uint16_t *rounded = nullptr;
};

/// Whether streamRows can take a product of `m` rows on `w`.
bool canStreamRows(int64_t m, const BlockedWeight &w);

/// C = A B (beta 0) or C += A B (beta 1) for the product `p` (whose ldb and
/// transB describe the weight's original layout and are not read) on `w`,
/// its column blocks shared out among the device's team (Team.h).
void streamRows(const PackedProduct &p, const float *a, const BlockedWeight &w, float *c,
                float beta);

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_STREAMEDROWS_H

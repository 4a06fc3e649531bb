//===- F16Products.cpp - Matrix products with f16 operands and results ---===//
//
// An operand is copied whole, from the first element to the last the
// product reads (from the descriptor's sizes and strides), so the copy keeps
// the operand's strides; C is rounded only where the product
// writes, since its view may share rows with other tensors.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/F16Products.h"

#include "runtime/core/HalfFloat.h"
#include "runtime/device/cpu/Contract.h"

#include <immintrin.h>

#include <vector>

namespace strata::cpu {
namespace {

/// Rounds `count` floats with F16C's conversions, which round as roundToF16.
[[gnu::target("avx,f16c")]] void roundRowF16c(float *values, int64_t count) {
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    __m128i half = _mm256_cvtps_ph(_mm256_loadu_ps(values + i), _MM_FROUND_TO_NEAREST_INT);
    _mm256_storeu_ps(values + i, _mm256_cvtph_ps(half));
  }
  for (; i < count; ++i)
    values[i] = roundToF16(values[i]);
}

void roundRow(float *values, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    values[i] = roundToF16(values[i]);
}

using RoundRow = void (*)(float *, int64_t);

RoundRow pickRoundRow() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("f16c") ? roundRowF16c : roundRow;
}

/// Copies into `scratch`, rounded, the elements of an operand from the
/// first to the last the product reads (given its stride in each dimension,
/// word 1 + `operand` of each, of either sign), and returns where the
/// operand's element 0 lies in the copy.
const float *roundedCopy(int64_t rank, const int64_t *desc, int operand, const float *from,
                         std::vector<float> &scratch) {
  int64_t lowest = 0, highest = 0;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t *w = desc + STRATA_CONTRACT_WORDS * d;
    int64_t reach = (w[0] - 1) * w[1 + operand];
    (reach < 0 ? lowest : highest) += reach;
  }
  scratch.assign(from + lowest, from + highest + 1);
  roundToF16(scratch.data(), static_cast<int64_t>(scratch.size()));
  return scratch.data() - lowest;
}

/// Rounds the elements of C the product writes: dimension `d` onwards,
/// from `c`.
void roundWritten(int64_t rank, const int64_t *desc, int64_t d, float *c, RoundRow round) {
  while (d < rank && desc[STRATA_CONTRACT_WORDS * d + 4] == STRATA_CONTRACT_K)
    ++d;
  if (d == rank) {
    *c = roundToF16(*c);
    return;
  }
  const int64_t *w = desc + STRATA_CONTRACT_WORDS * d;
  bool innermost = true;
  for (int64_t e = d + 1; e < rank; ++e)
    innermost &= desc[STRATA_CONTRACT_WORDS * e + 4] == STRATA_CONTRACT_K ||
                 desc[STRATA_CONTRACT_WORDS * e] == 1;
  if (innermost && w[3] == 1) {
    round(c, w[0]);
    return;
  }
  for (int64_t i = 0; i < w[0]; ++i)
    roundWritten(rank, desc, d + 1, c + i * w[3], round);
}

} // namespace

float roundToF16(float value) {
  return widenHalf(narrowToHalf(value, STRATA_DTYPE_F16), STRATA_DTYPE_F16);
}

void roundToF16(float *values, int64_t count) {
  static const RoundRow round = pickRoundRow();
  round(values, count);
}

void contractF16(int64_t rank, const int64_t *desc, const float *a, const float *b, float *c,
                 int64_t accumulate, int64_t flags) {
  int64_t unrounded = flags & ~(STRATA_CONTRACT_F16 | STRATA_CONTRACT_BF16 |
                                STRATA_CONTRACT_CONSTANT_A | STRATA_CONTRACT_CONSTANT_B);
  bool matrices = false;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t *w = desc + STRATA_CONTRACT_WORDS * d;
    if (w[0] == 0)
      return strata_cpu_contract_f32(rank, desc, a, b, c, accumulate, unrounded);
    matrices |= w[0] > 1 && (w[4] == STRATA_CONTRACT_M || w[4] == STRATA_CONTRACT_N);
  }
  if (!matrices)
    return strata_cpu_contract_f32(rank, desc, a, b, c, accumulate, flags & ~STRATA_CONTRACT_F16);
  thread_local std::vector<float> scratchA, scratchB;
  strata_cpu_contract_f32(rank, desc, roundedCopy(rank, desc, 0, a, scratchA),
                          roundedCopy(rank, desc, 1, b, scratchB), c, accumulate, unrounded);
  static const RoundRow round = pickRoundRow();
  roundWritten(rank, desc, 0, c, round);
}

} // namespace strata::cpu

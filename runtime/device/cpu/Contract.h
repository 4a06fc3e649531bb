/*===- contract.h - The CPU device's matrix-product entry point ----------===*
 *
 * The call that stratac's strata-cpu-contractions-to-blas pass emits for an
 * f32 contraction and the descriptor it passes: for each loop dimension, in
 * loop order, STRATA_CONTRACT_WORDS 64-bit words: size, stride in A, stride in
 * B, stride in C (elements; 0 where the operand lacks the dimension), role.
 *
 *===----------------------------------------------------------------------===*/

#ifndef STRATA_CONTRACT_H
#define STRATA_CONTRACT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Words per loop dimension in the descriptor.
#define STRATA_CONTRACT_WORDS 5

/// What a loop dimension is to the product C[...] (+)= A[...] * B[...].
typedef enum strata_contract_role {
  STRATA_CONTRACT_BATCH = 0, ///< in A, B and C
  STRATA_CONTRACT_M = 1,     ///< in A and C
  STRATA_CONTRACT_N = 2,     ///< in B and C
  STRATA_CONTRACT_K = 3,     ///< in A and B: summed over
} strata_contract_role;

/// Bits of the call's `flags`: which operands are weights, unchanged for the
/// program's life (the runtime may keep them re-laid out), whether the
/// products may read their operands rounded to bf16 (accumulating in f32;
/// stratac compile --matmul-precision=bf16), and whether they read them
/// rounded to f16 and round their results to f16 (--matmul-precision=f16,
/// F16Products.h).
#define STRATA_CONTRACT_CONSTANT_A 1
#define STRATA_CONTRACT_CONSTANT_B 2
#define STRATA_CONTRACT_BF16 4
#define STRATA_CONTRACT_F16 8

/// Runs the product over `rank` loop dimensions described by `desc`; adds to
/// C when `accumulate` is non-zero, else overwrites it.
void strata_cpu_contract_f32(int64_t rank, const int64_t *desc, const float *a, const float *b,
                             float *c, int64_t accumulate, int64_t flags);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* STRATA_CONTRACT_H */

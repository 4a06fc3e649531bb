//===- StreamedRows.cpp - Few-row products in one pass over a packed weight -===//
//
// One kernel, written once with GCC's vector extensions (16 floats a vector)
// and compiled three times: for AVX-512, for AVX2 with FMA, and for the
// baseline x86-64 the runtime is built for; the first the CPU supports runs.
// A thread takes a contiguous range of column blocks and, for each, keeps
// rows x (nBlock / 16) accumulators while it walks the block's k rows: the
// weight is read once, in address order, and nothing is written until the
// block's sums are complete.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/StreamedRows.h"

#include <algorithm>
#include <cstring>

namespace strata::cpu {
namespace {

using Vec = float __attribute__((vector_size(64)));
constexpr int64_t kLanes = 16;
/// The widest column block: four vectors, with four rows sixteen
/// accumulators, which stay in AVX-512's registers.
constexpr int64_t kMaxVectors = 4;

struct Job {
  const PackedProduct *p;
  const float *a;
  const BlockedWeight *w;
  float *c;
  float beta;
};

/// Column block `block` of C, for ROWS rows of A and a block VECTORS vectors
/// wide.
template <int ROWS, int VECTORS>
[[gnu::always_inline]] inline void columnBlock(const Job &job, int64_t block) {
  const PackedProduct &p = *job.p;
  const BlockedWeight &w = *job.w;
  Vec acc[ROWS][VECTORS];
  for (int r = 0; r < ROWS; ++r)
    for (int v = 0; v < VECTORS; ++v)
      acc[r][v] = Vec{};
  int64_t rowStep = p.transA ? 1 : p.lda, kStep = p.transA ? p.lda : 1;
  const float *column = w.data + block * w.nStride;
  for (int64_t k0 = 0; k0 < p.k; k0 += w.kBlock) {
    const float *tile = column + (k0 / w.kBlock) * w.kStride;
    int64_t depth = std::min(w.kBlock, p.k - k0);
    for (int64_t i = 0; i < depth; ++i) {
      Vec weights[VECTORS];
      for (int v = 0; v < VECTORS; ++v)
        std::memcpy(&weights[v], tile + i * w.nBlock + v * kLanes, sizeof(Vec));
      const float *x = job.a + (k0 + i) * kStep;
      for (int r = 0; r < ROWS; ++r) {
        float xr = x[r * rowStep];
        for (int v = 0; v < VECTORS; ++v)
          acc[r][v] += xr * weights[v];
      }
    }
  }
  int64_t first = block * w.nBlock;
  int64_t width = std::min(w.nBlock, p.n - first);
  for (int r = 0; r < ROWS; ++r) {
    float sums[VECTORS * kLanes];
    std::memcpy(sums, acc[r], sizeof(sums));
    float *out = job.c + r * p.ldc + first;
    if (job.beta != 0.0f)
      for (int64_t j = 0; j < width; ++j)
        out[j] += sums[j];
    else
      for (int64_t j = 0; j < width; ++j)
        out[j] = sums[j];
  }
}

template <int ROWS, int VECTORS>
[[gnu::always_inline]] inline void columnBlocks(const Job &job, int64_t begin, int64_t end) {
  for (int64_t block = begin; block < end; ++block)
    columnBlock<ROWS, VECTORS>(job, block);
}

template <int VECTORS>
[[gnu::always_inline]] inline void byRows(const Job &job, int64_t begin, int64_t end) {
  switch (job.p->m) {
  case 1:
    return columnBlocks<1, VECTORS>(job, begin, end);
  case 2:
    return columnBlocks<2, VECTORS>(job, begin, end);
  case 3:
    return columnBlocks<3, VECTORS>(job, begin, end);
  default:
    return columnBlocks<4, VECTORS>(job, begin, end);
  }
}

[[gnu::always_inline]] inline void dispatch(const Job &job, int64_t begin, int64_t end) {
  switch (job.w->nBlock / kLanes) {
  case 1:
    return byRows<1>(job, begin, end);
  case 2:
    return byRows<2>(job, begin, end);
  case 3:
    return byRows<3>(job, begin, end);
  default:
    return byRows<4>(job, begin, end);
  }
}

[[gnu::target("avx512f")]] void blocksAvx512(const Job &job, int64_t begin, int64_t end) {
  dispatch(job, begin, end);
}

[[gnu::target("avx2,fma")]] void blocksAvx2(const Job &job, int64_t begin, int64_t end) {
  dispatch(job, begin, end);
}

void blocksBaseline(const Job &job, int64_t begin, int64_t end) { dispatch(job, begin, end); }

using Blocks = void (*)(const Job &, int64_t, int64_t);

Blocks pickBlocks() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return blocksAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return blocksAvx2;
  return blocksBaseline;
}

} // namespace

bool canStreamRows(int64_t m, const BlockedWeight &w) {
  return m >= 1 && m <= kMaxStreamedRows && w.kBlock >= 1 && w.nBlock % kLanes == 0 &&
         w.nBlock >= kLanes && w.nBlock <= kMaxVectors * kLanes;
}

void streamRows(const PackedProduct &p, const float *a, const BlockedWeight &w, float *c,
                float beta, int threads) {
  static const Blocks blocks = pickBlocks();
  Job job{&p, a, &w, c, beta};
  int64_t count = (p.n + w.nBlock - 1) / w.nBlock;
  int64_t teams = std::clamp<int64_t>(threads, 1, count);
  if (teams == 1)
    return blocks(job, 0, count);
#ifdef _OPENMP
#pragma omp parallel for num_threads(teams) schedule(static)
#endif
  for (int64_t t = 0; t < teams; ++t)
    blocks(job, count * t / teams, count * (t + 1) / teams);
}

} // namespace strata::cpu

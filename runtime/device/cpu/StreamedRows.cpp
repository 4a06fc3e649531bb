//===- StreamedRows.cpp - Few-row products in one pass over a packed weight -===//
//
// One kernel, written once with GCC's vector extensions (16 floats a vector)
// and compiled three times: for AVX-512, for AVX2 with FMA, and for the
// baseline x86-64 the runtime is built for; the first the CPU supports runs.
// The team shares the column blocks out (Team.h's shareBalanced: each thread
// walks its own contiguous share, then helps with the others'); for each
// block a thread keeps rows x (nBlock / 16) accumulators while it walks the
// block's k rows: the weight is read once, in address order, and nothing is
// written until the block's sums are complete.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/StreamedRows.h"
#include "runtime/device/cpu/Team.h"

#include <algorithm>
#include <cstring>

namespace strata::cpu {
namespace {

using Vec = float __attribute__((vector_size(64)));
constexpr int64_t kLanes = 16;
/// The widest column block: four vectors, with four rows sixteen
/// accumulators, which stay in AVX-512's registers.
constexpr int64_t kMaxVectors = 4;
/// How far ahead of the weights being read each thread asks for the ones it
/// reads next (prefetchnta: the weights are read once a step, and need not
/// push the activations out of the caches). On GPT-2's decode step, two
/// threads, this took a median 3 % off the products' time, more when the
/// machine's bandwidth is low (design.md, "Few-row products stream the
/// packed weight").
constexpr uintptr_t kPrefetchBytes = 8192;
constexpr uintptr_t kLineBytes = 64;

template <typename T> const T *elements(const BlockedWeight &w);
template <> const float *elements<float>(const BlockedWeight &w) { return w.data; }
template <> const uint16_t *elements<uint16_t>(const BlockedWeight &w) { return w.rounded; }

struct Job {
  const PackedProduct *p;
  const float *a;
  const BlockedWeight *w;
  float *c;
  float beta;
};

/// Sixteen weights as floats into `v`: read as they are, or widened from
/// bf16 (its bits are a float's upper half). Written to a reference, not
/// returned: a 64-byte vector returned by value has no ABI without AVX-512,
/// and the baseline build's copy of these helpers has none.
[[gnu::always_inline]] inline void load(const float *from, Vec &v) {
  std::memcpy(&v, from, sizeof(Vec));
}
[[gnu::always_inline]] inline void load(const uint16_t *from, Vec &v) {
  using Half = uint16_t __attribute__((vector_size(32)));
  using Wide = uint32_t __attribute__((vector_size(64)));
  Half half;
  std::memcpy(&half, from, sizeof(Half));
  Wide wide = __builtin_convertvector(half, Wide) << 16;
  std::memcpy(&v, &wide, sizeof(Vec));
}

/// Column block `block` of C, for ROWS rows of A and a block VECTORS vectors
/// wide, on weights stored as T (float, or bf16 bits).
template <typename T, int ROWS, int VECTORS>
[[gnu::always_inline]] inline void columnBlock(const Job &job, int64_t block) {
  const PackedProduct &p = *job.p;
  const BlockedWeight &w = *job.w;
  Vec acc[ROWS][VECTORS];
  for (int r = 0; r < ROWS; ++r)
    for (int v = 0; v < VECTORS; ++v)
      acc[r][v] = Vec{};
  int64_t rowStep = p.transA ? 1 : p.lda, kStep = p.transA ? p.lda : 1;
  const T *column = elements<T>(w) + block * w.nStride;
  for (int64_t k0 = 0; k0 < p.k; k0 += w.kBlock) {
    const T *tile = column + (k0 / w.kBlock) * w.kStride;
    int64_t depth = std::min(w.kBlock, p.k - k0);
    for (int64_t i = 0; i < depth; ++i) {
      uintptr_t ahead = reinterpret_cast<uintptr_t>(tile + i * w.nBlock) + kPrefetchBytes;
      for (uintptr_t line = 0; line < VECTORS * kLanes * sizeof(T); line += kLineBytes)
        __builtin_prefetch(reinterpret_cast<const void *>(ahead + line), 0, 0);
      Vec weights[VECTORS];
      for (int v = 0; v < VECTORS; ++v)
        load(tile + i * w.nBlock + v * kLanes, weights[v]);
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

template <typename T, int ROWS, int VECTORS>
[[gnu::always_inline]] inline void columnBlocks(const Job &job, int64_t begin, int64_t end) {
  for (int64_t block = begin; block < end; ++block)
    columnBlock<T, ROWS, VECTORS>(job, block);
}

template <typename T, int VECTORS>
[[gnu::always_inline]] inline void byRows(const Job &job, int64_t begin, int64_t end) {
  switch (job.p->m) {
  case 1:
    return columnBlocks<T, 1, VECTORS>(job, begin, end);
  case 2:
    return columnBlocks<T, 2, VECTORS>(job, begin, end);
  case 3:
    return columnBlocks<T, 3, VECTORS>(job, begin, end);
  default:
    return columnBlocks<T, 4, VECTORS>(job, begin, end);
  }
}

template <typename T>
[[gnu::always_inline]] inline void dispatch(const Job &job, int64_t begin, int64_t end) {
  switch (job.w->nBlock / kLanes) {
  case 1:
    return byRows<T, 1>(job, begin, end);
  case 2:
    return byRows<T, 2>(job, begin, end);
  case 3:
    return byRows<T, 3>(job, begin, end);
  default:
    return byRows<T, 4>(job, begin, end);
  }
}

template <typename T>
[[gnu::target("avx512f")]] void blocksAvx512(const Job &job, int64_t begin, int64_t end) {
  dispatch<T>(job, begin, end);
}

template <typename T>
[[gnu::target("avx2,fma")]] void blocksAvx2(const Job &job, int64_t begin, int64_t end) {
  dispatch<T>(job, begin, end);
}

template <typename T> void blocksBaseline(const Job &job, int64_t begin, int64_t end) {
  dispatch<T>(job, begin, end);
}

using Blocks = void (*)(const Job &, int64_t, int64_t);

template <typename T> Blocks pickBlocks() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return blocksAvx512<T>;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return blocksAvx2<T>;
  return blocksBaseline<T>;
}

} // namespace

bool canStreamRows(int64_t m, const BlockedWeight &w) {
  return m >= 1 && m <= kMaxStreamedRows && w.kBlock >= 1 && w.nBlock % kLanes == 0 &&
         w.nBlock >= kLanes && w.nBlock <= kMaxVectors * kLanes;
}

void streamRows(const PackedProduct &p, const float *a, const BlockedWeight &w, float *c,
                float beta) {
  static const Blocks floatBlocks = pickBlocks<float>(), bf16Blocks = pickBlocks<uint16_t>();
  struct Range {
    Blocks blocks;
    Job job;
    int64_t count;
  } range{
      w.rounded ? bf16Blocks : floatBlocks, {&p, a, &w, c, beta}, (p.n + w.nBlock - 1) / w.nBlock};
  shareBalanced(
      range.count,
      [](void *context, int64_t block) {
        const Range &r = *static_cast<const Range *>(context);
        r.blocks(r.job, block, block + 1);
      },
      &range);
}

} // namespace strata::cpu

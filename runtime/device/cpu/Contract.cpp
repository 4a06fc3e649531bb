//===- Contract.cpp - Strided batched matrix products through BLAS --------===//
//
// `strata_cpu_contract_f32` runs a contraction that stratac's
// strata-cpu-contractions-to-blas pass found: C[...] (+)= A[...] * B[...] over
// loop dimensions described by (size, stride in A, B, C, role). Dimensions of
// size 1 are dropped and neighbouring dimensions of one role merged where the
// strides allow; one m, one n and one k dimension then form a cblas_sgemm
// call (cblas_sgemv when m or n is 1; vectorised dot products when both
// are), and the rest become loops around it; when B is a weight, that call
// runs on its pre-packed copy instead (PackedProducts.h), and a product of
// two activations of at least kLeastOneDnnProduct multiply-adds (a training
// step's) on oneDNN's sgemm. A layout no sgemm call can take (no unit stride
// where one is needed) runs as plain loops. The loops around products too
// small to share each are shared out among the device's team (Team.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/Contract.h"
#include "runtime/device/cpu/Bf16Products.h"
#include "runtime/device/cpu/F16Products.h"
#include "runtime/device/cpu/PackedProducts.h"
#include "runtime/device/cpu/Team.h"

#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace {

constexpr int64_t Batch = STRATA_CONTRACT_BATCH, M = STRATA_CONTRACT_M, N = STRATA_CONTRACT_N,
                  K = STRATA_CONTRACT_K;

struct Dim {
  int64_t size;
  int64_t stride[3]; // A, B, C
  int64_t role;
};

/// Merges `inner` into `outer` when walking both in order is one walk with
/// `inner`'s strides.
bool merge(Dim &outer, const Dim &inner) {
  if (outer.role != inner.role)
    return false;
  for (int i = 0; i < 3; ++i)
    if (outer.stride[i] != inner.stride[i] * inner.size)
      return false;
  outer.size *= inner.size;
  for (int i = 0; i < 3; ++i)
    outer.stride[i] = inner.stride[i];
  return true;
}

/// Row-major operand `x` of an sgemm: `rows` x `cols` with the given strides.
/// Returns false if neither stride is 1.
bool layout(int64_t rows, int64_t cols, int64_t rowStride, int64_t colStride,
            CBLAS_TRANSPOSE &trans, int64_t &ld) {
  if (colStride == 1 || cols == 1) {
    trans = CblasNoTrans;
    ld = rows == 1 ? cols : rowStride;
    return ld >= cols;
  }
  if (rowStride == 1 || rows == 1) {
    trans = CblasTrans;
    ld = cols == 1 ? rows : colStride;
    return ld >= rows;
  }
  return false;
}

struct Gemm {
  CBLAS_TRANSPOSE transA, transB;
  int64_t m, n, k, lda, ldb, ldc;
};

/// Plans one sgemm over dims[mi], dims[ni], dims[ki] (C's n stride is 1).
bool planGemm(const Dim &dm, const Dim &dn, const Dim &dk, Gemm &g) {
  g.m = dm.size;
  g.n = dn.size;
  g.k = dk.size;
  if (dn.stride[2] != 1 && g.n != 1)
    return false;
  g.ldc = g.m == 1 ? g.n : dm.stride[2];
  if (g.ldc < g.n)
    return false;
  return layout(g.m, g.k, dm.stride[0], dk.stride[0], g.transA, g.lda) &&
         layout(g.k, g.n, dk.stride[1], dn.stride[1], g.transB, g.ldb);
}

/// Runs `g` on one set of operands. A product with one row or one column is
/// a matrix-vector product, run by sgemv: Debian's OpenBLAS (0.3.21) packs
/// the whole matrix in sgemm even for one row, which made a decode step (one
/// token: every product has m = 1) read each weight twice.
void run(const Gemm &g, const float *a, const float *b, float *c, float beta, bool constantB,
         bool bf16) {
  strata::cpu::PackedProduct product{
      g.transA == CblasTrans, g.transB == CblasTrans, g.m, g.n, g.k, g.lda, g.ldb, g.ldc};
  if (bf16 && g.m > 1 && g.n > 1 && strata::cpu::runBf16(product, a, b, c, beta, constantB))
    return;
  if (constantB && strata::cpu::runPacked(product, a, b, c, beta, bf16))
    return;
  if (g.m == 1 && g.n > 1) {
    // c[n] = a[k] B: B is k x n, or n x k when transposed.
    int64_t incA = g.transA == CblasNoTrans ? 1 : g.lda;
    if (g.transB == CblasNoTrans)
      cblas_sgemv(CblasRowMajor, CblasTrans, g.k, g.n, 1.0f, b, g.ldb, a, incA, beta, c, 1);
    else
      cblas_sgemv(CblasRowMajor, CblasNoTrans, g.n, g.k, 1.0f, b, g.ldb, a, incA, beta, c, 1);
    return;
  }
  if (g.n == 1 && g.m > 1) {
    // c[m] = A b[k]: A is m x k, or k x m when transposed; b is a column.
    if (g.transA == CblasNoTrans)
      cblas_sgemv(CblasRowMajor, CblasNoTrans, g.m, g.k, 1.0f, a, g.lda, b, g.ldb, beta, c, g.ldc);
    else
      cblas_sgemv(CblasRowMajor, CblasTrans, g.k, g.m, 1.0f, a, g.lda, b, g.ldb, beta, c, g.ldc);
    return;
  }
  if (strata::cpu::runOnOneDnn(product, a, b, c, beta))
    return;
  cblas_sgemm(CblasRowMajor, g.transA, g.transB, g.m, g.n, g.k, 1.0f, a, g.lda, b, g.ldb, beta, c,
              g.ldc);
}

/// sum_i a[i * strideA] * b[i * strideB] over `count` elements, in sixteen
/// partial sums when both are contiguous (so that the loop vectorises).
float dot(const float *a, int64_t strideA, const float *b, int64_t strideB, int64_t count) {
  float sum = 0.0f;
  int64_t i = 0;
  if (strideA == 1 && strideB == 1) {
    float partial[16] = {};
    for (; i + 16 <= count; i += 16)
      for (int l = 0; l < 16; ++l)
        partial[l] += a[i + l] * b[i + l];
    for (float p : partial)
      sum += p;
  }
  for (; i < count; ++i)
    sum += a[i * strideA] * b[i * strideB];
  return sum;
}

/// c[j] (+)= sum_k a[k, j] b[k, j] for the `row.size` dots of a row that is
/// contiguous in A, B and C (a norm's scale gradient: sums down columns),
/// row by row of k so that the loop over j vectorises.
void rowOfDots(const Dim &row, const Dim &dk, const float *a, const float *b, float *c,
               float beta) {
  if (beta == 0.0f)
    std::fill(c, c + row.size, 0.0f);
  for (int64_t k = 0; k < dk.size; ++k) {
    const float *ak = a + k * dk.stride[0], *bk = b + k * dk.stride[1];
    for (int64_t j = 0; j < row.size; ++j)
      c[j] += ak[j] * bk[j];
  }
}

/// Calls `body(offA, offB, offC)` for every index of `loops`.
template <typename F>
void forEach(const std::vector<Dim> &loops, size_t level, int64_t a, int64_t b, int64_t c,
             F &&body) {
  if (level == loops.size())
    return body(a, b, c);
  const Dim &d = loops[level];
  for (int64_t i = 0; i < d.size; ++i)
    forEach(loops, level + 1, a + i * d.stride[0], b + i * d.stride[1], c + i * d.stride[2], body);
}

int64_t loopCount(const std::vector<Dim> &loops) {
  int64_t count = 1;
  for (const Dim &d : loops)
    count *= d.size;
  return count;
}

/// forEach over `loops`, their indices shared out in contiguous ranges among
/// the CPU device's team, each thread's share at least kLeastSharedElements
/// of `work` (the multiply-adds of all indices).
template <typename F> void forEachShared(const std::vector<Dim> &loops, double work, F &body) {
  struct Work {
    const std::vector<Dim> *loops;
    F *body;
    int64_t count;
  } shared{&loops, &body, loopCount(loops)};
  strata::cpu::shareOut(
      std::min<double>(shared.count, work / strata::cpu::kLeastSharedElements),
      [](void *context, int64_t part, int64_t parts) {
        const Work &w = *static_cast<const Work *>(context);
        for (int64_t i = w.count * part / parts, end = w.count * (part + 1) / parts; i < end; ++i) {
          int64_t offsets[3] = {0, 0, 0};
          for (int64_t level = static_cast<int64_t>(w.loops->size()) - 1, rest = i; level >= 0;
               --level) {
            const Dim &d = (*w.loops)[level];
            int64_t index = rest % d.size;
            rest /= d.size;
            for (int o = 0; o < 3; ++o)
              offsets[o] += index * d.stride[o];
          }
          (*w.body)(offsets[0], offsets[1], offsets[2]);
        }
      },
      &shared);
}

} // namespace

void strata_cpu_contract_f32(int64_t rank, const int64_t *desc, const float *a, const float *b,
                             float *c, int64_t accumulate, int64_t flags) {
  if (flags & STRATA_CONTRACT_F16)
    return strata::cpu::contractF16(rank, desc, a, b, c, accumulate, flags);
  std::vector<Dim> dims;
  bool emptyReduction = false;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t *w = desc + STRATA_CONTRACT_WORDS * d;
    if (w[0] == 0 && w[4] != K)
      return; // C is empty
    emptyReduction |= w[0] == 0;
    if (w[0] <= 1)
      continue;
    Dim dim{w[0], {w[1], w[2], w[3]}, w[4]};
    if (!dims.empty() && merge(dims.back(), dim))
      continue;
    dims.push_back(dim);
  }
  // C's unit-stride dimension must be an n dimension; if it is an m one,
  // compute the transposed product (swap A and B).
  auto unitInC = [&](int64_t role) {
    for (size_t i = 0; i < dims.size(); ++i)
      if (dims[i].role == role && dims[i].stride[2] == 1)
        return static_cast<int>(i);
    return -1;
  };
  bool constantB = flags & STRATA_CONTRACT_CONSTANT_B;
  bool bf16 = flags & STRATA_CONTRACT_BF16;
  if (unitInC(N) < 0 && unitInC(M) >= 0) {
    std::swap(a, b);
    constantB = flags & STRATA_CONTRACT_CONSTANT_A;
    for (Dim &d : dims) {
      std::swap(d.stride[0], d.stride[1]);
      d.role = d.role == M ? N : d.role == N ? M : d.role;
    }
  }
  // The largest dimension of each role becomes the sgemm's; the rest loop.
  int pick[4] = {-1, -1, -1, -1};
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t r = dims[i].role;
    bool better = pick[r] < 0 || dims[i].size > dims[pick[r]].size;
    if (r == N)
      better = dims[i].stride[2] == 1 || (pick[N] < 0);
    if (r != Batch && better)
      pick[r] = static_cast<int>(i);
  }
  Dim unit{1, {0, 0, 0}, 0};
  const Dim &dm = pick[M] >= 0 ? dims[pick[M]] : unit;
  const Dim &dn = pick[N] >= 0 ? dims[pick[N]] : unit;
  const Dim &dk = pick[K] >= 0 ? dims[pick[K]] : unit;
  Gemm g;
  std::vector<Dim> loops;
  bool planned = planGemm(dm, dn, dk, g);
  bool loopedK = false;
  for (size_t i = 0; i < dims.size(); ++i)
    if (!planned || (static_cast<int>(i) != pick[M] && static_cast<int>(i) != pick[N] &&
                     static_cast<int>(i) != pick[K])) {
      loops.push_back(dims[i]);
      loopedK |= dims[i].role == K;
    }
  // Overwriting: each sgemm call can do it (beta = 0) unless reduction
  // dimensions are looped over (or the reduction is empty, or plain loops
  // run); then C is zeroed first.
  float beta = accumulate ? 1.0f : 0.0f;
  if (!accumulate && (loopedK || emptyReduction || !planned)) {
    std::vector<Dim> cDims;
    for (const Dim &d : dims)
      if (d.role != K)
        cDims.push_back(d);
    forEach(cDims, 0, 0, 0, 0, [&](int64_t, int64_t, int64_t oc) { c[oc] = 0; });
    beta = 1.0f;
  }
  if (emptyReduction)
    return;
  // Loops around products too small to share each are shared out among the
  // team, unless a reduction dimension is looped over: its products add into
  // the same C. `work` is the multiply-adds of all of them.
  auto around = [&](double work, auto &body) {
    if (loopedK)
      forEach(loops, 0, 0, 0, 0, body);
    else
      forEachShared(loops, work, body);
  };
  if (planned && g.m == 1 && g.n == 1) {
    // A batch of dot products (a softmax's or a norm's backward sums): one
    // sgemm call each cost more than the dot.
    auto contiguous = [](const Dim &d) {
      return d.role == Batch && d.stride[0] == 1 && d.stride[1] == 1 && d.stride[2] == 1;
    };
    auto row = std::find_if(loops.begin(), loops.end(), contiguous);
    if (row != loops.end()) {
      Dim r = *row;
      loops.erase(row);
      auto rowBody = [&](int64_t oa, int64_t ob, int64_t oc) {
        rowOfDots(r, dk, a + oa, b + ob, c + oc, beta);
      };
      return around(static_cast<double>(loopCount(loops)) * r.size * dk.size, rowBody);
    }
    auto dotBody = [&](int64_t oa, int64_t ob, int64_t oc) {
      float sum = dot(a + oa, dk.stride[0], b + ob, dk.stride[1], dk.size);
      c[oc] = beta != 0.0f ? c[oc] + sum : sum;
    };
    return around(static_cast<double>(loopCount(loops)) * dk.size, dotBody);
  }
  if (planned) {
    auto call = [&](int64_t oa, int64_t ob, int64_t oc) {
      run(g, a + oa, b + ob, c + oc, beta, constantB, bf16);
    };
    // Attention's per-head products run a product per thread; those with a
    // weight (one packed copy, one lock) or large enough to share each
    // (kLeastTeamProduct) run one after the other.
    double product = static_cast<double>(g.m) * g.n * g.k;
    if (!constantB && product < strata::cpu::kLeastTeamProduct)
      return around(loopCount(loops) * product, call);
    forEach(loops, 0, 0, 0, 0, call);
    return;
  }
  forEach(dims, 0, 0, 0, 0, [&](int64_t oa, int64_t ob, int64_t oc) { c[oc] += a[oa] * b[ob]; });
}

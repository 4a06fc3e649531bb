//===- ContractTest.cpp - The CPU runtime's strided matrix products ------===//
//
// strata_cpu_contract_f32 against a plain loop nest over the same
// descriptor: plain, transposed and batched products, broadcast batches,
// dimensions that merge, an m-major output, matrix-vector products (sgemv),
// layouts no sgemm call can take, and empty dimensions; each also with B
// flagged constant (a weight), which runs on oneDNN with B packed on the
// first call and read packed on the second; and a product of two
// activations large enough to share among threads.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/Contract.h"
#include "runtime/device/cpu/PackedProducts.h"
#include "runtime/device/cpu/Team.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace {

enum Role : int64_t {
  Batch = STRATA_CONTRACT_BATCH,
  M = STRATA_CONTRACT_M,
  N = STRATA_CONTRACT_N,
  K = STRATA_CONTRACT_K
};

/// One loop dimension: its size, role and the operand dimension it is in A, B
/// and C (-1 when absent); strides follow from row-major operand shapes.
struct LoopDim {
  int64_t size;
  Role role;
  int posA, posB, posC;
};

struct Operand {
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;
  std::vector<float> data;
};

/// A row-major operand whose dimension i is the loop dimension order[i].
Operand makeOperand(const std::vector<LoopDim> &dims, int which, std::mt19937 &rng) {
  Operand op;
  std::vector<std::pair<int, int64_t>> byPos;
  for (const LoopDim &d : dims) {
    int pos = which == 0 ? d.posA : which == 1 ? d.posB : d.posC;
    if (pos >= 0)
      byPos.push_back({pos, d.size});
  }
  std::sort(byPos.begin(), byPos.end());
  int64_t count = 1;
  for (auto &[pos, size] : byPos) {
    op.shape.push_back(size);
    count *= size;
  }
  op.strides.assign(op.shape.size(), 1);
  for (int i = static_cast<int>(op.shape.size()) - 2; i >= 0; --i)
    op.strides[i] = op.strides[i + 1] * op.shape[i + 1];
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t i = 0; i < count; ++i)
    op.data.push_back(u(rng));
  return op;
}

/// Runs the contraction through the runtime and through loops; expects equal
/// results. C starts non-zero, and is added to when `accumulate`, replaced
/// otherwise.
void check(const std::vector<LoopDim> &dims, bool accumulate) {
  std::mt19937 rng(7);
  Operand a = makeOperand(dims, 0, rng), b = makeOperand(dims, 1, rng),
          c = makeOperand(dims, 2, rng);
  std::vector<int64_t> desc;
  for (const LoopDim &d : dims) {
    desc.push_back(d.size);
    desc.push_back(d.posA >= 0 ? a.strides[d.posA] : 0);
    desc.push_back(d.posB >= 0 ? b.strides[d.posB] : 0);
    desc.push_back(d.posC >= 0 ? c.strides[d.posC] : 0);
    desc.push_back(d.role);
  }
  std::vector<double> expected(c.data.size(), 0.0);
  if (accumulate)
    expected.assign(c.data.begin(), c.data.end());
  std::vector<int64_t> index(dims.size(), 0);
  bool empty = false;
  for (const LoopDim &d : dims)
    empty |= d.size == 0;
  while (!empty) {
    int64_t oa = 0, ob = 0, oc = 0;
    for (size_t i = 0; i < dims.size(); ++i) {
      oa += index[i] * desc[5 * i + 1];
      ob += index[i] * desc[5 * i + 2];
      oc += index[i] * desc[5 * i + 3];
    }
    expected[oc] += static_cast<double>(a.data[oa]) * b.data[ob];
    size_t i = dims.size();
    while (i > 0 && ++index[i - 1] == dims[i - 1].size)
      index[--i] = 0;
    if (i == 0)
      break;
  }
  for (int64_t constants : {0, STRATA_CONTRACT_CONSTANT_B}) {
    for (int call = 0; call < (constants ? 2 : 1); ++call) {
      std::vector<float> out = c.data;
      strata_cpu_contract_f32(static_cast<int64_t>(dims.size()), desc.data(), a.data.data(),
                              b.data.data(), out.data(), accumulate, constants);
      for (size_t i = 0; i < expected.size(); ++i)
        ASSERT_NEAR(out[i], expected[i], 1e-4)
            << "element " << i << ", constants " << constants << ", call " << call;
    }
  }
  // The next test's B may reuse this one's address.
  strata::cpu::releasePackedProducts();
}

/// Both modes.
void check(const std::vector<LoopDim> &dims) {
  check(dims, true);
  check(dims, false);
}

TEST(Contract, PlainMatmul) { check({{5, M, 0, -1, 0}, {7, N, -1, 1, 1}, {3, K, 1, 0, -1}}); }

TEST(Contract, TransposedOperands) {
  // A is [k, m], B is [n, k].
  check({{6, M, 1, -1, 0}, {4, N, -1, 0, 1}, {9, K, 0, 1, -1}});
}

TEST(Contract, MMajorOutputSwapsOperands) {
  // C is [n, m]: the runtime computes the transposed product.
  check({{6, M, 0, -1, 1}, {5, N, -1, 1, 0}, {3, K, 1, 0, -1}});
}

TEST(Contract, BatchedWithBroadcastWeights) {
  // x[b, s, k] @ w[k, n]: two m-like dimensions that merge into one.
  check({{2, M, 0, -1, 0}, {8, M, 1, -1, 1}, {5, N, -1, 1, 2}, {4, K, 2, 0, -1}});
}

TEST(Contract, AttentionScores) {
  // q[b, h, s, d] @ k[b, h, t, d]^T -> [b, h, s, t].
  check({{2, Batch, 0, 0, 0},
         {3, Batch, 1, 1, 1},
         {4, M, 2, -1, 2},
         {5, N, -1, 2, 3},
         {8, K, 3, 3, -1}});
}

TEST(Contract, BatchLoopsAreSharedAmongThreads) {
  // Attention's per-head products: a batch too small to wake the team for
  // (on OpenBLAS, on the calling thread) and one shared out a product per
  // thread (from kLeastOneDnnProduct multiply-adds, on oneDNN); and a looped
  // reduction, whose products add into one C and so stay on one thread; on
  // teams of 1 to 3 threads.
  ASSERT_GE(128.0 * 128 * 64, strata::cpu::kLeastOneDnnProduct);
  ASSERT_LT(128.0 * 128 * 64, strata::cpu::kLeastTeamProduct);
  for (int threads : {1, 2, 3}) {
    strata::cpu::setTeamSize(threads);
    check({{3, Batch, 0, 0, 0},
           {5, Batch, 1, 1, 1},
           {6, M, 2, -1, 2},
           {4, N, -1, 2, 3},
           {8, K, 3, 3, -1}});
    check({{3, Batch, 0, 0, 0}, {128, M, 1, -1, 1}, {128, N, -1, 1, 2}, {64, K, 2, 2, -1}});
    check({{3, M, 0, -1, 0}, {2, K, 1, 2, -1}, {4, N, -1, 1, 1}, {5, K, 2, 0, -1}});
  }
}

TEST(Contract, BatchesOfDotProducts) {
  // Products with neither an m nor an n dimension: a softmax's backward sums
  // (dots along contiguous rows), a norm's scale gradient (dots down
  // columns, contiguous across them), strided dots, two reduction dimensions
  // in different orders (one looped), and a batch large enough to share.
  for (int threads : {1, 2}) {
    strata::cpu::setTeamSize(threads);
    check({{40, Batch, 0, 0, 0}, {37, K, 1, 1, -1}});
    check({{24, Batch, 1, 1, 0}, {50, K, 0, 0, -1}});
    check({{9, Batch, 1, 0, 0}, {11, K, 0, 1, -1}});
    check({{6, Batch, 0, 0, 0}, {5, K, 1, 2, -1}, {7, K, 2, 1, -1}});
    check({{4096, Batch, 0, 0, 0}, {64, K, 1, 1, -1}});
  }
}

TEST(Contract, MatrixVector) { check({{6, M, 0, -1, 0}, {7, K, 1, 0, -1}}); }

TEST(Contract, TransposedMatrixVector) {
  // A is [k, m], b is [k]: c = A^T b.
  check({{6, M, 1, -1, 0}, {7, K, 0, 0, -1}});
}

TEST(Contract, ColumnOfB) {
  // b is a column of a [k, 3] matrix (stride 3): c[m] = A b.
  check({{6, M, 0, -1, 0}, {7, K, 1, 0, -1}, {3, Batch, -1, 1, 1}});
}

TEST(Contract, RowVectorTimesMatrix) {
  // One token's activations times a weight: a[k] @ w[k, n].
  check({{9, N, -1, 1, 0}, {5, K, 0, 0, -1}});
}

TEST(Contract, RowVectorTimesTransposedMatrix) {
  // a[k] @ w[n, k]^T: a tied language-model head.
  check({{9, N, -1, 0, 0}, {5, K, 0, 1, -1}});
}

TEST(Contract, StridedRowVector) {
  // a is a column of a [k, 2] matrix (stride 2), batched over it.
  check({{2, Batch, 1, -1, 0}, {9, N, -1, 1, 1}, {5, K, 0, 0, -1}});
}

TEST(Contract, OuterProduct) { check({{3, M, 0, -1, 0}, {4, N, -1, 0, 1}}); }

TEST(Contract, SplitReductionDimensions) {
  // Two k dimensions that are not adjacent in B: one goes to sgemm, one loops.
  check({{3, M, 0, -1, 0}, {2, K, 1, 2, -1}, {4, N, -1, 1, 1}, {5, K, 2, 0, -1}});
}

TEST(Contract, NoUnitStrideFallsBackToLoops) {
  // C = [n, b, m] with batch between: no C dimension of role n or m has
  // stride 1 only when b > 1 sits innermost, so put the batch last in C.
  check({{3, M, 0, -1, 1}, {4, N, -1, 1, 0}, {2, Batch, 2, 2, 2}, {5, K, 1, 0, -1}});
}

TEST(Contract, EmptyDimensionLeavesOutputAlone) {
  check({{4, M, 0, -1, 0}, {3, N, -1, 1, 1}, {0, K, 1, 0, -1}});
}

TEST(Contract, ModelSizedWeight) {
  // x[40, 96] @ w[96, 200]: oneDNN's blocked kernel with its tails.
  check({{40, M, 0, -1, 0}, {200, N, -1, 1, 1}, {96, K, 1, 0, -1}});
}

TEST(Contract, WeightReadAtTwoRowCounts) {
  // One weight, packed for a prefill, then read by a decode step (m = 1).
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  const int64_t k = 48, n = 70;
  std::vector<float> w(k * n), x(5 * k);
  for (float &v : w)
    v = u(rng);
  for (float &v : x)
    v = u(rng);
  for (int64_t m : {5, 1}) {
    int64_t desc[] = {m, k, 0, n, M, n, 0, 1, 1, N, k, 1, n, 0, K};
    std::vector<float> y(m * n, 0.0f);
    strata_cpu_contract_f32(3, desc, x.data(), w.data(), y.data(), 0, STRATA_CONTRACT_CONSTANT_B);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0;
        for (int64_t l = 0; l < k; ++l)
          sum += static_cast<double>(x[i * k + l]) * w[l * n + j];
        ASSERT_NEAR(y[i * n + j], sum, 1e-4) << "m " << m << ", row " << i << ", column " << j;
      }
    EXPECT_EQ(strata::cpu::packedWeightCount(), 1u) << "m " << m;
  }
  strata::cpu::releasePackedProducts();
  EXPECT_EQ(strata::cpu::packedWeightCount(), 0u);
}

TEST(Contract, LargeActivationProductsRunOnOneDnn) {
  // A weight gradient's product, x^T g with x [k, m] and g [k, n] (both
  // transposed reads), above kLeastOneDnnProduct: it runs on oneDNN's sgemm,
  // shared among two threads or on one; both give the loop nest's result.
  std::vector<LoopDim> dims = {{160, M, 1, -1, 0}, {192, N, -1, 1, 1}, {144, K, 0, 0, -1}};
  ASSERT_GE(160.0 * 192 * 144, strata::cpu::kLeastOneDnnProduct);
  for (int threads : {2, 1}) {
    strata::cpu::setTeamSize(threads);
    check(dims);
  }
}

TEST(Contract, UnitDimensionsAreDropped) {
  check({{1, Batch, 0, 0, 0}, {1, M, 1, -1, 1}, {6, N, -1, 2, 2}, {4, K, 2, 1, -1}});
}

} // namespace

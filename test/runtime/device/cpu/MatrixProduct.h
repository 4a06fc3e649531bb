//===- MatrixProduct.h - A product case of the product tests ----*- C++ -*-===//
//
// C (m x n, row stride n + 3) from A (m x k) and B (k x n), each stored
// transposed or not, filled with uniform values in [-1, 1), and the
// descriptor strata_cpu_contract_f32 takes for it.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TEST_RUNTIME_DEVICE_CPU_MATRIXPRODUCT_H
#define STRATA_TEST_RUNTIME_DEVICE_CPU_MATRIXPRODUCT_H

#include "runtime/device/cpu/Contract.h"

#include <cstdint>
#include <random>
#include <vector>

struct MatrixProduct {
  int64_t m, n, k;
  bool transA, transB;
  std::vector<float> a, b, c;
  /// The m, n and k loop dimensions with each operand's strides.
  std::vector<int64_t> desc;

  MatrixProduct(int64_t m, int64_t n, int64_t k, bool transA, bool transB)
      : m(m), n(n), k(k), transA(transA), transB(transB), a(m * k), b(k * n), c(m * (n + 3)),
        desc({m, transA ? 1 : k, 0, ldc(), STRATA_CONTRACT_M, n, 0, transB ? k : 1, 1,
              STRATA_CONTRACT_N, k, transA ? m : 1, transB ? 1 : n, 0, STRATA_CONTRACT_K}) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-1, 1);
    for (auto *v : {&a, &b, &c})
      for (float &x : *v)
        x = u(rng);
  }

  int64_t ldc() const { return n + 3; }
  /// A[i, l] and B[l, j], wherever they are stored.
  float at(int64_t i, int64_t l) const { return transA ? a[l * m + i] : a[i * k + l]; }
  float bt(int64_t l, int64_t j) const { return transB ? b[j * k + l] : b[l * n + j]; }
};

#endif // STRATA_TEST_RUNTIME_DEVICE_CPU_MATRIXPRODUCT_H

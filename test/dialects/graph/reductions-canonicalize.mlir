// RUN: strata-opt %s --canonicalize --split-input-file | FileCheck %s

// The ops in ReductionOps.td have no folders: canonicalisation keeps them as they
// are, even on constant operands, and erases them only when unused (they are pure).

// CHECK-LABEL: func.func @unused_reductions_are_erased
func.func @unused_reductions_are_erased(%x: tensor<2x8xf32>, %k: tensor<1xi64>) {
  // CHECK-NEXT: return
  %r = graph.reduce sum %x {axes = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %a = graph.arg_reduce max %x {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xi64>
  %v, %i = graph.top_k %x, %k {axis = 1 : i64}
      : (tensor<2x8xf32>, tensor<1xi64>) -> (tensor<2x?xf32>, tensor<2x?xi64>)
  %p = graph.softmax %x {axis = 1 : i64} : tensor<2x8xf32>
  %l = graph.log_softmax %x {axis = 1 : i64} : tensor<2x8xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reductions_of_constants_are_kept
func.func @reductions_of_constants_are_kept() -> (tensor<1xi64>, tensor<i64>, tensor<2xf32>) {
  // CHECK-DAG: %[[C:.+]] = graph.constant dense<[3, 1, 2]> : tensor<3xi64>
  // CHECK-DAG: %[[F:.+]] = graph.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  // CHECK: %[[SUM:.+]] = graph.reduce sum %[[C]] {axes = array<i64: 0>} : (tensor<3xi64>) -> tensor<1xi64>
  // CHECK: %[[ARG:.+]] = graph.arg_reduce min %[[C]] {axis = 0 : i64, keep_dims = false} : (tensor<3xi64>) -> tensor<i64>
  // CHECK: %[[P:.+]] = graph.softmax %[[F]] {axis = 0 : i64} : tensor<2xf32>
  %c = graph.constant dense<[3, 1, 2]> : tensor<3xi64>
  %sum = graph.reduce sum %c {axes = array<i64: 0>} : (tensor<3xi64>) -> tensor<1xi64>
  %arg = graph.arg_reduce min %c {axis = 0 : i64, keep_dims = false} : (tensor<3xi64>) -> tensor<i64>
  %f = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %p = graph.softmax %f {axis = 0 : i64} : tensor<2xf32>
  // CHECK: return %[[SUM]], %[[ARG]], %[[P]]
  return %sum, %arg, %p : tensor<1xi64>, tensor<i64>, tensor<2xf32>
}

// RUN: strata-opt %s | strata-opt | FileCheck %s
// RUN: strata-opt %s --mlir-print-op-generic | strata-opt | FileCheck %s

// Round trip of every op in ReductionOps.td through the custom assembly format,
// and once through the generic form.

// CHECK-LABEL: func.func @reduce
// CHECK-SAME: (%[[X:.+]]: tensor<1x128x768xf32>, %[[I:.+]]: tensor<?x8xi64>)
func.func @reduce(%x: tensor<1x128x768xf32>, %i: tensor<?x8xi64>) -> tensor<1x128x1xf32> {
  // CHECK: %[[MEAN:.+]] = graph.reduce mean %[[X]] {axes = array<i64: 2>}
  // CHECK-SAME: : (tensor<1x128x768xf32>) -> tensor<1x128x1xf32>
  %mean = graph.reduce mean %x {axes = array<i64: 2>, keep_dims = true}
      : (tensor<1x128x768xf32>) -> tensor<1x128x1xf32>
  // CHECK: graph.reduce sum %[[X]] {axes = array<i64: 0, 2>, keep_dims = false}
  // CHECK-SAME: : (tensor<1x128x768xf32>) -> tensor<128xf32>
  %sum = graph.reduce sum %x {axes = array<i64: 0, 2>, keep_dims = false}
      : (tensor<1x128x768xf32>) -> tensor<128xf32>
  // CHECK: graph.reduce max %[[I]] {axes = array<i64: 1>, keep_dims = false} : (tensor<?x8xi64>) -> tensor<?xi64>
  %max = graph.reduce max %i {axes = array<i64: 1>, keep_dims = false} : (tensor<?x8xi64>) -> tensor<?xi64>
  // CHECK: graph.reduce min %[[I]] {axes = array<i64: 0>} : (tensor<?x8xi64>) -> tensor<1x8xi64>
  %min = graph.reduce min %i {axes = array<i64: 0>} : (tensor<?x8xi64>) -> tensor<1x8xi64>
  // CHECK: graph.reduce prod %[[I]] {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<?x8xi64>) -> tensor<i64>
  %prod = graph.reduce prod %i {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<?x8xi64>) -> tensor<i64>
  // CHECK: graph.reduce l1 %[[X]] {axes = array<i64: 2>}
  %l1 = graph.reduce l1 %x {axes = array<i64: 2>} : (tensor<1x128x768xf32>) -> tensor<1x128x1xf32>
  // CHECK: graph.reduce l2 %[[X]] {axes = array<i64: 2>}
  %l2 = graph.reduce l2 %x {axes = array<i64: 2>} : (tensor<1x128x768xf32>) -> tensor<1x128x1xf32>
  // CHECK: graph.reduce log_sum %[[X]] {axes = array<i64: 2>}
  %ls = graph.reduce log_sum %x {axes = array<i64: 2>} : (tensor<1x128x768xf32>) -> tensor<1x128x1xf32>
  // CHECK: graph.reduce log_sum_exp %[[X]] {axes = array<i64: 2>}
  %lse = graph.reduce log_sum_exp %x {axes = array<i64: 2>} : (tensor<1x128x768xf32>) -> tensor<1x128x1xf32>
  // CHECK: graph.reduce sum_square %[[X]] {axes = array<i64: 2>}
  %ss = graph.reduce sum_square %x {axes = array<i64: 2>} : (tensor<1x128x768xf32>) -> tensor<1x128x1xf32>
  // An empty axes list reduces nothing.
  // CHECK: graph.reduce sum %[[X]] {axes = array<i64>} : (tensor<1x128x768xf32>) -> tensor<1x128x768xf32>
  %none = graph.reduce sum %x {axes = array<i64>} : (tensor<1x128x768xf32>) -> tensor<1x128x768xf32>
  // CHECK: return %[[MEAN]]
  return %mean : tensor<1x128x1xf32>
}

// CHECK-LABEL: func.func @reduce_runtime_axes
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>, %[[A:.+]]: tensor<?xi64>)
func.func @reduce_runtime_axes(%x: tensor<2x3x4xf32>, %axes: tensor<?xi64>) {
  // CHECK: graph.reduce sum %[[X]], %[[A]] {axes = array<i64>}
  // CHECK-SAME: : (tensor<2x3x4xf32>, tensor<?xi64>) -> tensor<?x?x?xf32>
  %y = graph.reduce sum %x, %axes {axes = array<i64>}
      : (tensor<2x3x4xf32>, tensor<?xi64>) -> tensor<?x?x?xf32>
  return
}

// CHECK-LABEL: func.func @arg_reduce
// CHECK-SAME: (%[[L:.+]]: tensor<1x1x256xf32>, %[[I:.+]]: tensor<?x4xi32>)
func.func @arg_reduce(%logits: tensor<1x1x256xf32>, %i: tensor<?x4xi32>) {
  // CHECK: graph.arg_reduce max %[[L]] {axis = 2 : i64, keep_dims = false}
  // CHECK-SAME: : (tensor<1x1x256xf32>) -> tensor<1x1xi64>
  %a = graph.arg_reduce max %logits {axis = 2 : i64, keep_dims = false}
      : (tensor<1x1x256xf32>) -> tensor<1x1xi64>
  // CHECK: graph.arg_reduce min %[[I]] {axis = 0 : i64, select_last_index = true}
  // CHECK-SAME: : (tensor<?x4xi32>) -> tensor<1x4xi64>
  %b = graph.arg_reduce min %i {axis = 0 : i64, select_last_index = true}
      : (tensor<?x4xi32>) -> tensor<1x4xi64>
  return
}

// CHECK-LABEL: func.func @top_k
// CHECK-SAME: (%[[L:.+]]: tensor<1x256xf32>, %[[K:.+]]: tensor<1xi64>)
func.func @top_k(%logits: tensor<1x256xf32>, %k: tensor<1xi64>)
    -> (tensor<1x5xf32>, tensor<1x5xi64>) {
  // CHECK: %[[V:.+]], %[[I:.+]] = graph.top_k %[[L]], %[[K]] {axis = 1 : i64}
  // CHECK-SAME: : (tensor<1x256xf32>, tensor<1xi64>) -> (tensor<1x5xf32>, tensor<1x5xi64>)
  %v, %i = graph.top_k %logits, %k {axis = 1 : i64}
      : (tensor<1x256xf32>, tensor<1xi64>) -> (tensor<1x5xf32>, tensor<1x5xi64>)
  // CHECK: graph.top_k %[[L]], %[[K]] {axis = 1 : i64, largest = false, sorted = false}
  // CHECK-SAME: : (tensor<1x256xf32>, tensor<1xi64>) -> (tensor<1x?xf32>, tensor<1x?xi64>)
  %sv, %si = graph.top_k %logits, %k {axis = 1 : i64, largest = false, sorted = false}
      : (tensor<1x256xf32>, tensor<1xi64>) -> (tensor<1x?xf32>, tensor<1x?xi64>)
  // CHECK: return %[[V]], %[[I]]
  return %v, %i : tensor<1x5xf32>, tensor<1x5xi64>
}

// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.+]]: tensor<1x12x128x128xf32>, %[[H:.+]]: tensor<?x32xf16>)
func.func @softmax(%x: tensor<1x12x128x128xf32>, %h: tensor<?x32xf16>) {
  // CHECK: graph.softmax %[[X]] {axis = 3 : i64} : tensor<1x12x128x128xf32>
  %p = graph.softmax %x {axis = 3 : i64} : tensor<1x12x128x128xf32>
  // CHECK: graph.softmax %[[H]] {axis = 0 : i64} : tensor<?x32xf16>
  %q = graph.softmax %h {axis = 0 : i64} : tensor<?x32xf16>
  // CHECK: graph.log_softmax %[[X]] {axis = 3 : i64} : tensor<1x12x128x128xf32>
  %l = graph.log_softmax %x {axis = 3 : i64} : tensor<1x12x128x128xf32>
  return
}

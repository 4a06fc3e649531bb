// RUN: strata-opt %s --pass-pipeline='builtin.module(func.func(strata-refine-shapes))' --split-input-file | FileCheck %s

// The example of the pass description: the relu and the add read the static
// value through the cast and get static types; the reduce, which does not infer
// its type, and the return keep the old type through a cast back.
// CHECK-LABEL: func.func @refine_through_cast
// CHECK-SAME: (%[[X:.+]]: tensor<1x8xf32>) -> (tensor<?x8xf32>, tensor<?x1xf32>)
func.func @refine_through_cast(%x: tensor<1x8xf32>) -> (tensor<?x8xf32>, tensor<?x1xf32>) {
  // CHECK: %[[Y:.+]] = graph.relu %[[X]] : tensor<1x8xf32>
  // CHECK: %[[Z:.+]] = graph.add %[[Y]], %[[X]] : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK: %[[BACK:.+]] = tensor.cast %[[Z]] : tensor<1x8xf32> to tensor<?x8xf32>
  // CHECK: %[[R:.+]] = graph.reduce sum %[[BACK]] {axes = array<i64: 1>} : (tensor<?x8xf32>) -> tensor<?x1xf32>
  %s = tensor.cast %x : tensor<1x8xf32> to tensor<?x8xf32>
  %y = graph.relu %s : tensor<?x8xf32>
  %z = graph.add %y, %s : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %r = graph.reduce sum %z {axes = array<i64: 1>} : (tensor<?x8xf32>) -> tensor<?x1xf32>
  // CHECK: return %[[BACK]], %[[R]]
  return %z, %r : tensor<?x8xf32>, tensor<?x1xf32>
}

// -----

// Refined types propagate along a chain of inferring ops in one walk, including
// ops with several results.
// CHECK-LABEL: func.func @refine_chain
// CHECK-SAME: (%[[X:.+]]: tensor<2x4x6xf32>, %[[W:.+]]: tensor<6x6xf32>)
func.func @refine_chain(%x: tensor<2x4x6xf32>, %w: tensor<6x6xf32>) -> tensor<4x?x?xf32> {
  // CHECK: %[[M:.+]] = graph.matmul %[[X]], %[[W]] : (tensor<2x4x6xf32>, tensor<6x6xf32>) -> tensor<2x4x6xf32>
  // CHECK: %[[P:.+]]:2 = graph.split %[[M]] {axis = 2 : i64, sizes = array<i64: 2, 4>} : (tensor<2x4x6xf32>) -> (tensor<2x4x2xf32>, tensor<2x4x4xf32>)
  // CHECK: %[[T:.+]] = graph.transpose %[[P]]#1 {permutation = array<i64: 2, 0, 1>} : (tensor<2x4x4xf32>) -> tensor<4x2x4xf32>
  // CHECK: %[[BACK:.+]] = tensor.cast %[[T]] : tensor<4x2x4xf32> to tensor<4x?x?xf32>
  %d = tensor.cast %x : tensor<2x4x6xf32> to tensor<?x?x6xf32>
  %m = graph.matmul %d, %w : (tensor<?x?x6xf32>, tensor<6x6xf32>) -> tensor<?x?x6xf32>
  %a, %b = graph.split %m {axis = 2 : i64, sizes = array<i64: 2, 4>}
      : (tensor<?x?x6xf32>) -> (tensor<?x?x2xf32>, tensor<?x?x4xf32>)
  %t = graph.transpose %b {permutation = array<i64: 2, 0, 1>} : (tensor<?x?x4xf32>) -> tensor<4x?x?xf32>
  // CHECK: return %[[BACK]]
  return %t : tensor<4x?x?xf32>
}

// -----

// A cast that makes a type more static is not lossy and is not looked through.
// CHECK-LABEL: func.func @keep_refining_cast
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
func.func @keep_refining_cast(%x: tensor<?x8xf32>) -> tensor<2x8xf32> {
  // CHECK: %[[C:.+]] = tensor.cast %[[X]] : tensor<?x8xf32> to tensor<2x8xf32>
  // CHECK: %[[Y:.+]] = graph.neg %[[C]] : tensor<2x8xf32>
  %c = tensor.cast %x : tensor<?x8xf32> to tensor<2x8xf32>
  %y = graph.neg %c : tensor<2x8xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<2x8xf32>
}

// -----

// Ops of other dialects are left alone, and graph ops that do not infer their
// result types keep them.
// CHECK-LABEL: func.func @non_inferring_users
// CHECK-SAME: (%[[X:.+]]: tensor<4xi64>, %[[S:.+]]: tensor<2xi64>)
func.func @non_inferring_users(%x: tensor<4xi64>, %s: tensor<2xi64>) -> (tensor<?x?xi64>, tensor<?xi64>) {
  // CHECK: %[[C:.+]] = tensor.cast %[[X]] : tensor<4xi64> to tensor<?xi64>
  // CHECK: %[[R:.+]] = graph.reshape %[[C]], %[[S]] : (tensor<?xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  // CHECK: %[[E:.+]] = tensor.cast %[[C]] : tensor<?xi64> to tensor<?xi64>
  %c = tensor.cast %x : tensor<4xi64> to tensor<?xi64>
  %r = graph.reshape %c, %s : (tensor<?xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %e = tensor.cast %c : tensor<?xi64> to tensor<?xi64>
  // CHECK: return %[[R]], %[[E]]
  return %r, %e : tensor<?x?xi64>, tensor<?xi64>
}

// -----

// A result type that is already as static as the inference is kept; the op reads
// the static operands.
// CHECK-LABEL: func.func @already_static_result
// CHECK-SAME: (%[[X:.+]]: tensor<3x8xf32>)
func.func @already_static_result(%x: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // CHECK: %[[Y:.+]] = graph.mul %[[X]], %[[X]] : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  // CHECK-NOT: tensor.cast
  %c = tensor.cast %x : tensor<3x8xf32> to tensor<?x8xf32>
  %y = graph.mul %c, %c : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<3x8xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<3x8xf32>
}

// -----

// Ops whose type follows their operand (the unary ops, softmax, trilu) refine too.
// CHECK-LABEL: func.func @refine_same_type_ops
// CHECK-SAME: (%[[X:.+]]: tensor<2x4x4xf32>)
func.func @refine_same_type_ops(%x: tensor<2x4x4xf32>) -> tensor<?x4x4xf32> {
  // CHECK: %[[E:.+]] = graph.exp %[[X]] : tensor<2x4x4xf32>
  // CHECK: %[[P:.+]] = graph.softmax %[[E]] {axis = 2 : i64} : tensor<2x4x4xf32>
  // CHECK: %[[T:.+]] = graph.trilu %[[P]] {upper = false} : tensor<2x4x4xf32>
  // CHECK: %[[BACK:.+]] = tensor.cast %[[T]] : tensor<2x4x4xf32> to tensor<?x4x4xf32>
  %c = tensor.cast %x : tensor<2x4x4xf32> to tensor<?x4x4xf32>
  %e = graph.exp %c : tensor<?x4x4xf32>
  %p = graph.softmax %e {axis = 2 : i64} : tensor<?x4x4xf32>
  %t = graph.trilu %p {upper = false} : tensor<?x4x4xf32>
  // CHECK: return %[[BACK]]
  return %t : tensor<?x4x4xf32>
}

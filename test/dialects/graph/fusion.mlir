// RUN: strata-opt %s | strata-opt | FileCheck %s
// RUN: strata-opt %s --mlir-print-op-generic | strata-opt | FileCheck %s

// Round trip of the ops in FusionOps.td through the custom assembly format, and
// once through the generic form.

// CHECK-LABEL: func.func @gemm_with_epilogue
func.func @gemm_with_epilogue(%x: tensor<128x768xf32>, %w: tensor<768x3072xf32>,
                              %b: tensor<3072xf32>) -> (tensor<128x3072xf32>, tensor<128x3072xf32>) {
  // CHECK: %[[G:.+]]:2 = graph.fusion_group contraction -> tensor<128x3072xf32>, tensor<128x3072xf32> {
  // CHECK-NEXT: %[[M:.+]] = graph.matmul
  // CHECK-NEXT: %[[A:.+]] = graph.add %[[M]]
  // CHECK-NEXT: %[[E:.+]] = graph.gelu %[[A]]
  // CHECK-NEXT: graph.yield %[[A]], %[[E]] : tensor<128x3072xf32>, tensor<128x3072xf32>
  // CHECK-NEXT: }
  %g:2 = graph.fusion_group contraction -> tensor<128x3072xf32>, tensor<128x3072xf32> {
    %m = graph.matmul %x, %w : (tensor<128x768xf32>, tensor<768x3072xf32>) -> tensor<128x3072xf32>
    %a = graph.add %m, %b : (tensor<128x3072xf32>, tensor<3072xf32>) -> tensor<128x3072xf32>
    %e = graph.gelu %a : tensor<128x3072xf32>
    graph.yield %a, %e : tensor<128x3072xf32>, tensor<128x3072xf32>
  }
  // CHECK: return %[[G]]#0, %[[G]]#1
  return %g#0, %g#1 : tensor<128x3072xf32>, tensor<128x3072xf32>
}

// A group whose results nobody needs yields nothing.
// CHECK-LABEL: func.func @every_kind
func.func @every_kind(%x: tensor<4x8xf32>) {
  // CHECK: graph.fusion_group elementwise {
  // CHECK-NEXT: graph.exp
  // CHECK-NEXT: graph.yield
  // CHECK-NEXT: }
  graph.fusion_group elementwise {
    %e = graph.exp %x : tensor<4x8xf32>
    graph.yield
  }
  // CHECK: graph.fusion_group reduction
  // CHECK: graph.fusion_group attention
  // CHECK: graph.fusion_group movement
  // CHECK: } {note = "kept"}
  %r = graph.fusion_group reduction -> tensor<4x8xf32> {
    %s = graph.softmax %x {axis = 1 : i64} : tensor<4x8xf32>
    graph.yield %s : tensor<4x8xf32>
  }
  %a = graph.fusion_group attention -> tensor<4x8xf32> {
    graph.yield %r : tensor<4x8xf32>
  }
  %t = graph.fusion_group movement -> tensor<8x4xf32> {
    %y = graph.transpose %a {permutation = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
    graph.yield %y : tensor<8x4xf32>
  } {note = "kept"}
  return
}

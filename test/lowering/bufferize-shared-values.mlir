// RUN: strata-opt %s --strata-bufferize | FileCheck %s

// One empty tensor (as CSE leaves it) written by two ops, and one weight read
// by two: each use gets its own copy before the analysis, so that no alias
// set grows with the graph. Each write gets its own buffer, each read its own
// load of the weight.
// CHECK-LABEL: func.func @shared
// CHECK: %[[W0:.+]] = memref.get_global @w
// CHECK: %[[B0:.+]] = memref.alloc() {{.*}} : memref<4xf32>
// CHECK: %[[W1:.+]] = memref.get_global @w
// CHECK: %[[B1:.+]] = memref.alloc() {{.*}} : memref<4xf32>
// CHECK-NOT: memref.copy
// CHECK: linalg.add ins(%{{.+}}, %[[W1]] {{.*}} outs(%[[B1]]
// CHECK: linalg.mul ins(%{{.+}}, %[[W0]] {{.*}} outs(%[[B0]]
ml_program.global private @w(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>) : tensor<4xf32>
func.func @shared(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %w = ml_program.global_load_const @w : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.add ins(%x, %w : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %m = linalg.mul ins(%x, %w : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %a, %m : tensor<4xf32>, tensor<4xf32>
}

// RUN: strata-opt %s --strata-autodiff="loss=cross_entropy:logits,input_ids,shift" | FileCheck %s

// A causal language model's labels are its input ids: a target that names
// an input reads it, and no input is added.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[IDS:[a-z0-9]+]]: tensor<2x5xi64> {program.value = #program.value<"input_ids", dims = ["batch", "sequence"]>})
// CHECK-SAME: -> (tensor<f32>
// CHECK: graph.slice %[[IDS]] {limit = array<i64: 2, 5>, start = array<i64: 0, 1>
ml_program.global private @e(dense<0.5> : tensor<7x4xf32>) : tensor<7x4xf32>
ml_program.global private @w(dense<0.5> : tensor<4x7xf32>) : tensor<4x7xf32>
func.func @main(%ids: tensor<2x5xi64> {program.value = #program.value<"input_ids", dims = ["batch", "sequence"]>})
    -> (tensor<2x5x7xf32> {program.value = #program.value<"logits", dims = ["batch", "sequence", ""]>})
    attributes {program.entry} {
  %e = ml_program.global_load_const @e : tensor<7x4xf32>
  %w = ml_program.global_load_const @w : tensor<4x7xf32>
  %x = graph.gather %e, %ids {axis = 0 : i64} : (tensor<7x4xf32>, tensor<2x5xi64>) -> tensor<2x5x4xf32>
  %y = graph.matmul %x, %w : (tensor<2x5x4xf32>, tensor<4x7xf32>) -> tensor<2x5x7xf32>
  return %y : tensor<2x5x7xf32>
}

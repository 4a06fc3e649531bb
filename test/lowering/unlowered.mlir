// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file --verify-diagnostics

// An op without a lowering stops the pass with an error at the op, so that the
// user learns which ONNX node cannot be compiled yet (instead of a failure in a
// later, unrelated pass).
func.func @rotary_not_lowered(%x: tensor<1x2x4x8xf32>, %c: tensor<1x4x4xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{no lowering to linalg for 'graph.rotary' in this form yet}}
  %0 = graph.rotary %x, %c, %c : (tensor<1x2x4x8xf32>, tensor<1x4x4xf32>, tensor<1x4x4xf32>) -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

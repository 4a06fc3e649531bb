// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file --verify-diagnostics

// An op without a lowering stops the pass with an error at the op, so that the
// user learns which ONNX node cannot be compiled yet (instead of a failure in a
// later, unrelated pass).
func.func @cumsum_not_lowered(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{no lowering to linalg for 'graph.cumsum' in this form yet}}
  %0 = graph.cumsum %x {axis = 1 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

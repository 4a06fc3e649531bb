// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file --verify-diagnostics

// An op without a lowering stops the pass with an error at the op, so that the
// user learns which ONNX node cannot be compiled yet (instead of a failure in a
// later, unrelated pass). Slice bounds of unknown length are such a form.
func.func @dynamic_slice_not_lowered(%x: tensor<8xf32>, %b: tensor<?xi64>) -> tensor<?xf32> {
  // expected-error @+1 {{no lowering to linalg for 'graph.dynamic_slice' in this form yet}}
  %0 = graph.dynamic_slice %x, %b, %b : (tensor<8xf32>, tensor<?xi64>, tensor<?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// The lowering reads signedness from op attributes only: an integer type that
// still has signedness means strata-convert-to-signless has not run.
func.func @unsigned_type_not_converted(%x: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error @+1 {{the element type of 'tensor<4xui8>' has signedness; run strata-convert-to-signless before the lowering}}
  %0 = graph.relu %x : tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// A composite op that the target keeps whole (strata-decompose's `keep`) has
// no lowering to linalg.
func.func @composite_kept(%x: tensor<1x2x4x8xf32>, %c: tensor<1x4x2xf32>, %s: tensor<1x4x2xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{no lowering to linalg for 'graph.rotary' in this form yet}}
  %0 = graph.rotary %x, %c, %s : (tensor<1x2x4x8xf32>, tensor<1x4x2xf32>, tensor<1x4x2xf32>) -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

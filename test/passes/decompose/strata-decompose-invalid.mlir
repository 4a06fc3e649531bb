// RUN: strata-opt %s --strata-decompose --split-input-file --verify-diagnostics
// RUN: not strata-opt %s --strata-decompose="keep=graph.add" 2>&1 | FileCheck %s --check-prefix=NOT-COMPOSITE

// A composite op that cannot be decomposed in its form stops the pass with an
// error at the op that names it and says why.

func.func @dynamic_heads(%q: tensor<1x?x3x8xf32>, %k: tensor<1x2x3x8xf32>, %v: tensor<1x2x3x8xf32>) -> tensor<1x?x3x8xf32> {
  // expected-error @+1 {{cannot decompose 'graph.attention': dynamic head counts}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v {scale = 0.5 : f32} : (tensor<1x?x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> (tensor<1x?x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x?x3x3xf32>)
  return %y : tensor<1x?x3x8xf32>
}

// -----

func.func @rotary_dynamic_head(%x: tensor<1x2x3x?xf32>, %c: tensor<1x3x2xf32>, %s: tensor<1x3x2xf32>) -> tensor<1x2x3x?xf32> {
  // expected-error @+1 {{cannot decompose 'graph.rotary': a dynamic head size or rotary dimension}}
  %0 = graph.rotary %x, %c, %s : (tensor<1x2x3x?xf32>, tensor<1x3x2xf32>, tensor<1x3x2xf32>) -> tensor<1x2x3x?xf32>
  return %0 : tensor<1x2x3x?xf32>
}

// A name in `keep` must be a composite graph op.
// NOT-COMPOSITE: error: strata-decompose: 'graph.add' in 'keep' is not a composite graph op

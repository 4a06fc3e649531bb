// RUN: strata-opt %s --strata-decompose --split-input-file --verify-diagnostics
// RUN: not strata-opt %s --strata-decompose="keep=graph.add" 2>&1 | FileCheck %s --check-prefix=NOT-COMPOSITE

// A composite op that cannot be decomposed in its form stops the pass with an
// error at the op that names it and says why.

func.func @gqa_dynamic(%q: tensor<1x4x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32> {
  // expected-error @+1 {{cannot decompose 'graph.attention': grouped-query heads with dynamic shapes}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v {scale = 0.5 : f32} : (tensor<1x4x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> (tensor<1x4x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x4x?x?xf32>)
  return %y : tensor<1x4x?x8xf32>
}

// -----

func.func @causal_dynamic(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  // expected-error @+1 {{cannot decompose 'graph.attention': causal mask over dynamic sequence lengths}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v {scale = 0.5 : f32, causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x?xf32>)
  return %y : tensor<1x2x?x8xf32>
}

// -----

func.func @rotary_dynamic(%x: tensor<1x2x?x8xf32>, %c: tensor<1x?x2xf32>, %s: tensor<1x?x2xf32>) -> tensor<1x2x?x8xf32> {
  // expected-error @+1 {{cannot decompose 'graph.rotary': dynamic shapes of the input or the tables}}
  %0 = graph.rotary %x, %c, %s : (tensor<1x2x?x8xf32>, tensor<1x?x2xf32>, tensor<1x?x2xf32>) -> tensor<1x2x?x8xf32>
  return %0 : tensor<1x2x?x8xf32>
}

// A name in `keep` must be a composite graph op.
// NOT-COMPOSITE: error: strata-decompose: 'graph.add' in 'keep' is not a composite graph op

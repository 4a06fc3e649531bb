// RUN: strata-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the ops in FusionOps.td that a user can violate.

func.func @yield_count_differs(%x: tensor<4xf32>) {
  // expected-error @+1 {{yields 0 value(s) of types  but has results of types 'tensor<4xf32>'}}
  %g = graph.fusion_group elementwise -> tensor<4xf32> {
    %e = graph.exp %x : tensor<4xf32>
    graph.yield
  }
  return
}

// -----

func.func @yield_type_differs(%x: tensor<4xf32>) {
  // expected-error @+1 {{yields 1 value(s) of types 'tensor<4xf32>' but has results of types 'tensor<4xf16>'}}
  %g = graph.fusion_group elementwise -> tensor<4xf16> {
    %e = graph.exp %x : tensor<4xf32>
    graph.yield %e : tensor<4xf32>
  }
  return
}

// -----

func.func @no_yield(%x: tensor<4xf32>) {
  // expected-error @+1 {{region must end in 'graph.yield'}}
  graph.fusion_group elementwise {
    %e = graph.exp %x : tensor<4xf32>
  }
  return
}

// -----

func.func @region_with_arguments(%x: tensor<4xf32>) {
  // expected-error @+1 {{region must have no arguments}}
  graph.fusion_group elementwise {
  ^bb0(%a: tensor<4xf32>):
    graph.yield
  }
  return
}

// -----

func.func @unknown_kind(%x: tensor<4xf32>) {
  // expected-error @+1 {{enum values for attribute 'kind' [elementwise, reduction, contraction, attention, movement]}}
  graph.fusion_group pointwise {
    graph.yield
  }
  return
}

// -----

func.func @yield_outside_group(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects parent op 'graph.fusion_group'}}
  graph.yield %x : tensor<4xf32>
}

// RUN: strata-opt %s --strata-test-print-cost --verify-diagnostics

// Without sizes for dynamic dimensions, only ops with static types have a cost.
//   relu [3,5] f32: flops 15, read 60, written 60
func.func @static_types_only(%x: tensor<3x5xf32>, %y: tensor<?x5xf32>) -> (tensor<3x5xf32>, tensor<?x5xf32>) {
  // expected-remark @+1 {{flops 15, bytes read 60, bytes written 60}}
  %0 = graph.relu %x : tensor<3x5xf32>
  // expected-remark @+1 {{no static cost: a dimension is dynamic}}
  %1 = graph.relu %y : tensor<?x5xf32>
  return %0, %1 : tensor<3x5xf32>, tensor<?x5xf32>
}

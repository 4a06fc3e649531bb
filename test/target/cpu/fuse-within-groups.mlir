// RUN: strata-opt %s --split-input-file --strata-linalg-pipeline | FileCheck %s
// RUN: strata-opt %s --split-input-file --strata-decompose --strata-convert-to-signless --strata-lower-graph-to-linalg | FileCheck %s --check-prefix=REGION

// Ops fuse only within a fusion group: the add and the exp in one group
// become one loop nest, the neg in a group of its own stays one; no group is
// left after the target's tensor passes.
// CHECK-LABEL: func.func @two_groups
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK-NEXT: math.exp
// CHECK-NEXT: linalg.yield
// CHECK: linalg.generic
// CHECK: arith.negf
// CHECK-NOT: linalg.generic
// CHECK-NOT: scf.execute_region
// The lowering keeps each group as an execute_region that stays whole.
// REGION-LABEL: func.func @two_groups
// REGION: scf.execute_region -> tensor<4x8xf32> no_inline {
// REGION: arith.addf
// REGION: math.exp
// REGION: scf.yield
// REGION: scf.execute_region -> tensor<4x8xf32> no_inline {
// REGION: arith.negf
func.func @two_groups(%x: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %g = graph.fusion_group elementwise -> tensor<4x8xf32> {
    %a = graph.add %x, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %e = graph.exp %a : tensor<4x8xf32>
    graph.yield %e : tensor<4x8xf32>
  }
  %n = graph.fusion_group elementwise -> tensor<4x8xf32> {
    %y = graph.neg %g : tensor<4x8xf32>
    graph.yield %y : tensor<4x8xf32>
  }
  return %n : tensor<4x8xf32>
}

// RUN: strata-opt %s --strata-autodiff="loss=mse:y,target loss-scale=1024" --strata-optimizer="optimizer=sgd loss-scale-interval=5" --canonicalize | FileCheck %s
// RUN: strata-opt %s --strata-autodiff="loss=mse:y,target" --strata-optimizer="optimizer=sgd" | FileCheck %s --check-prefix=NONE

// Dynamic loss scaling: the backward pass starts from the global loss_scale
// (1024 at first) instead of 1; the gradients are divided by it; every update
// keeps the old weight unless every gradient element is finite; the
// scale halves after such a step and doubles after 5 finite ones in a row,
// counted in loss_scale.good_steps. Both globals are optimizer state, and
// the step returns whether it was skipped.
// CHECK: ml_program.global private mutable @loss_scale(dense<1.024000e+03> : tensor<f32>)
// CHECK-NEXT: ml_program.global private mutable @loss_scale.good_steps(dense<0.000000e+00> : tensor<f32>)
// CHECK-LABEL: func.func @main
// CHECK-SAME: -> (tensor<f32> {program.value = #program.value<"loss", dims = []>}, tensor<f32> {program.value = #program.value<"skipped_step", dims = []>})
// CHECK-SAME: loss_scale = "loss_scale"
// CHECK-SAME: state = ["loss_scale", "loss_scale.good_steps"]
// CHECK-DAG: %[[HALF:.*]] = graph.constant dense<5.000000e-01> : tensor<f32>
// CHECK-DAG: %[[TWO:.*]] = graph.constant dense<2.000000e+00> : tensor<f32>
// CHECK-DAG: %[[INTERVAL:.*]] = graph.constant dense<5.000000e+00> : tensor<f32>
// CHECK-DAG: %[[ZERO:.*]] = graph.constant dense<0.000000e+00> : tensor<f32>
// CHECK-DAG: %[[INF:.*]] = graph.constant dense<0x7F800000> : tensor<f32>
// CHECK-DAG: %[[ONE:.*]] = graph.constant dense<1.000000e+00> : tensor<f32>
// The loss's gradient, 2 (y - target) / 6, times the scale.
// CHECK: %[[SEED:.*]] = ml_program.global_load @loss_scale
// CHECK: graph.div %[[SEED]],
// CHECK: %[[G2:.*]] = graph.matmul %{{.*}} {transpose_lhs = true} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
// CHECK: %[[G1:.*]] = graph.matmul %arg0, %{{.*}} {transpose_lhs = true}
// CHECK: %[[SCALE:.*]] = ml_program.global_load @loss_scale
// CHECK: %[[INVERSE:.*]] = graph.reciprocal %[[SCALE]]
// CHECK: %[[U1:.*]] = graph.mul %[[G1]], %[[INVERSE]]
// CHECK: %[[U2:.*]] = graph.mul %[[G2]], %[[INVERSE]]
// Every element times zero sums to zero unless one is infinite or NaN.
// CHECK: %[[Z1:.*]] = graph.mul %[[U1]], %[[ZERO]]
// CHECK: %[[S1:.*]] = graph.reduce sum %[[Z1]]
// CHECK: %[[Z2:.*]] = graph.mul %[[U2]], %[[ZERO]]
// CHECK: %[[S2:.*]] = graph.reduce sum %[[Z2]]
// CHECK: %[[TOTAL:.*]] = graph.add %[[S1]], %[[S2]]
// CHECK: %[[FINITE:.*]] = graph.compare eq, %[[TOTAL]], %[[ZERO]]
// CHECK: %[[W2:.*]] = ml_program.global_load @w2
// CHECK: %[[STEP2:.*]] = graph.mul %arg2, %[[U2]]
// CHECK: %[[NEW2:.*]] = graph.sub %[[W2]], %[[STEP2]]
// CHECK: %[[KEPT2:.*]] = graph.where %[[FINITE]], %[[NEW2]], %[[W2]]
// CHECK: ml_program.global_store @w2 = %[[KEPT2]]
// CHECK: ml_program.global_store @w1 =
// CHECK: %[[GOOD:.*]] = ml_program.global_load @loss_scale.good_steps
// CHECK: %[[PLUS:.*]] = graph.add %[[GOOD]], %[[ONE]]
// CHECK: %[[COUNTED:.*]] = graph.where %[[FINITE]], %[[PLUS]], %[[ZERO]]
// CHECK: %[[GROW:.*]] = graph.compare ge, %[[COUNTED]], %[[INTERVAL]]
// It grows only to a finite value.
// CHECK: %[[DOUBLE:.*]] = graph.mul %[[SCALE]], %[[TWO]]
// CHECK: %[[FITS:.*]] = graph.compare lt, %[[DOUBLE]], %[[INF]]
// CHECK: %[[BOUNDED:.*]] = graph.where %[[FITS]], %[[DOUBLE]], %[[SCALE]]
// CHECK: %[[GROWN:.*]] = graph.where %[[GROW]], %[[BOUNDED]], %[[SCALE]]
// CHECK: %[[HALVED:.*]] = graph.mul %[[SCALE]], %[[HALF]]
// CHECK: %[[NEXT:.*]] = graph.where %[[FINITE]], %[[GROWN]], %[[HALVED]]
// CHECK: ml_program.global_store @loss_scale = %[[NEXT]]
// CHECK: %[[RESTART:.*]] = graph.where %[[GROW]], %[[ZERO]], %[[COUNTED]]
// CHECK: ml_program.global_store @loss_scale.good_steps = %[[RESTART]]
// CHECK: %[[SKIPPED:.*]] = graph.where %[[FINITE]], %[[ZERO]], %[[ONE]]
// CHECK: return %{{.*}}, %[[SKIPPED]]

// Without a scale, none of it.
// NONE-NOT: loss_scale
// NONE-NOT: skipped_step

ml_program.global private @w1(dense<1.0> : tensor<4x3xf32>) : tensor<4x3xf32>
ml_program.global private @w2(dense<0.5> : tensor<3x3xf32>) : tensor<3x3xf32>
func.func @main(%x: tensor<2x4xf32> {program.value = #program.value<"x", dims = ["", ""]>})
    -> (tensor<2x3xf32> {program.value = #program.value<"y", dims = ["", ""]>})
    attributes {program.entry} {
  %w1 = ml_program.global_load_const @w1 : tensor<4x3xf32>
  %a = graph.matmul %x, %w1 : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %t = graph.tanh %a : tensor<2x3xf32>
  %w2 = ml_program.global_load_const @w2 : tensor<3x3xf32>
  %y = graph.matmul %t, %w2 : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

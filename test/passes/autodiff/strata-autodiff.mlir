// RUN: strata-opt %s --split-input-file --strata-autodiff="loss=mse:y,target" | FileCheck %s

// A product and a tanh under the mean squared error: the target becomes an
// input, the function returns the loss and the weight's gradient, and the
// chain rule runs back through the tanh (1 - y^2) and the product (x^T g).
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[X:.*]]: tensor<2x4xf32> {program.value = #program.value<"x", dims = ["", ""]>}
// CHECK-SAME: %[[T:.*]]: tensor<2x3xf32> {program.value = #program.value<"target", dims = ["", ""]>}
// CHECK-SAME: -> (tensor<f32> {program.value = #program.value<"loss", dims = []>}, tensor<4x3xf32> {program.value = #program.value<"w.grad", dims = ["", ""]>})
// CHECK: %[[W:.*]] = ml_program.global_load_const @w
// CHECK: %[[Y:.*]] = graph.tanh
// CHECK: %[[D:.*]] = graph.sub %[[Y]], %[[T]]
// CHECK: %[[SQ:.*]] = graph.mul %[[D]], %[[D]]
// CHECK: %[[SUM:.*]] = graph.reduce sum %[[SQ]] {axes = array<i64: 0, 1>, keep_dims = false}
// CHECK: %[[LOSS:.*]] = graph.div %[[SUM]]
// CHECK: %[[YY:.*]] = graph.mul %[[Y]], %[[Y]]
// CHECK: %[[DT:.*]] = graph.sub %{{.*}}, %[[YY]]
// CHECK: %[[GA:.*]] = graph.mul %{{.*}}, %[[DT]]
// CHECK: %[[GW:.*]] = graph.matmul %[[X]], %[[GA]] {transpose_lhs = true}
// CHECK: return %[[LOSS]], %[[GW]]
ml_program.global private @w(dense<1.0> : tensor<4x3xf32>) : tensor<4x3xf32>
func.func @main(%x: tensor<2x4xf32> {program.value = #program.value<"x", dims = ["", ""]>})
    -> (tensor<2x3xf32> {program.value = #program.value<"y", dims = ["", ""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4x3xf32>
  %a = graph.matmul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %y = graph.tanh %a : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A weight read twice (a tied embedding) gets the sum of both uses'
// gradients; a weight the loss does not read gets zeros; integer weights are
// not trained; the model's other outputs are no longer returned.
// CHECK-LABEL: func.func @main
// CHECK-SAME: -> (tensor<f32> {{.*}}"loss"{{.*}}, tensor<3x3xf32> {{.*}}"e.grad"{{.*}}, tensor<3xf32> {{.*}}"unused.grad"{{.*}})
// CHECK: %[[A:.*]] = graph.mul %arg0, %e
// CHECK: %[[GE2:.*]] = graph.mul %[[GY:.*]], %[[A]] :
// CHECK: %[[GA:.*]] = graph.mul %[[GY]], %e
// CHECK: %[[GE1:.*]] = graph.mul %[[GA]], %arg0
// CHECK: %[[TIED:.*]] = graph.add %[[GE2]], %[[GE1]]
// CHECK: %[[ZEROS:.*]] = graph.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK: return %{{.*}}, %[[TIED]], %[[ZEROS]]
ml_program.global private @e(dense<2.0> : tensor<3x3xf32>) : tensor<3x3xf32>
ml_program.global private @unused(dense<2.0> : tensor<3xf32>) : tensor<3xf32>
ml_program.global private @ids(dense<1> : tensor<3xi64>) : tensor<3xi64>
func.func @main(%x: tensor<3x3xf32> {program.value = #program.value<"x", dims = ["", ""]>})
    -> (tensor<3x3xf32> {program.value = #program.value<"y", dims = ["", ""]>},
        tensor<3xf32> {program.value = #program.value<"other", dims = [""]>})
    attributes {program.entry} {
  %e = ml_program.global_load_const @e : tensor<3x3xf32>
  %u = ml_program.global_load_const @unused : tensor<3xf32>
  %i = ml_program.global_load_const @ids : tensor<3xi64>
  %a = graph.mul %x, %e : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
  %y = graph.mul %a, %e : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
  return %y, %u : tensor<3x3xf32>, tensor<3xf32>
}

// -----

// An embedding's gradient adds each position's gradient into the row its
// token names: a scatter-add of the flattened positions.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[IDS:[a-z0-9]+]]: tensor<2x3xi64>
// CHECK: %[[FLAT:.*]] = graph.reshape %[[IDS]] : (tensor<2x3xi64>) -> tensor<6xi64>
// CHECK: %[[ROWS:.*]] = graph.reshape %{{.*}} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
// CHECK: %[[G:.*]] = graph.scatter_add %[[ROWS]], %[[FLAT]] {rows = 10 : i64} : (tensor<6x4xf32>, tensor<6xi64>) -> tensor<10x4xf32>
// CHECK: return %{{.*}}, %[[G]]
ml_program.global private @table(dense<1.0> : tensor<10x4xf32>) : tensor<10x4xf32>
func.func @main(%ids: tensor<2x3xi64> {program.value = #program.value<"ids", dims = ["", ""]>})
    -> (tensor<2x3x4xf32> {program.value = #program.value<"y", dims = ["", "", ""]>})
    attributes {program.entry} {
  %t = ml_program.global_load_const @table : tensor<10x4xf32>
  %y = graph.gather %t, %ids {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// Dropout in training: the gradient of a kept element is scaled as the
// element was (1 / (1 - ratio)), a dropped one takes none.
// CHECK-LABEL: func.func @main
// CHECK: %[[Y:.*]], %[[MASK:.*]] = graph.dropout %{{.*}} {ratio = 1.000000e-01 : f32, training = true}
// CHECK: %[[KEEP:.*]] = graph.constant dense<0.899999976> : tensor<f32>
// CHECK: %[[SCALED:.*]] = graph.div %{{.*}}, %[[KEEP]]
// CHECK: %[[G:.*]] = graph.where %[[MASK]], %[[SCALED]], %{{.*}}
// CHECK: graph.mul %[[G]], %arg0
ml_program.global private @w(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
func.func @main(%x: tensor<4xf32> {program.value = #program.value<"x", dims = [""]>})
    -> (tensor<4xf32> {program.value = #program.value<"y", dims = [""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4xf32>
  %a = graph.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y, %mask = graph.dropout %a {ratio = 1.000000e-01 : f32, training = true}
      : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>)
  return %y : tensor<4xf32>
}

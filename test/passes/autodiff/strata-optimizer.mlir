// RUN: strata-opt %s --strata-autodiff="loss=mse:y,target" --strata-optimizer="optimizer=adamw:weight_decay=0.1" | FileCheck %s
// RUN: strata-opt %s --strata-autodiff="loss=mse:y,target" --strata-optimizer="optimizer=sgd:momentum=0.9,clip=1" --canonicalize | FileCheck %s --check-prefix=SGD

// AdamW: each weight with a gradient becomes mutable with two zero moments;
// a weight the loss does not read stays a constant. The step takes `lr` and
// `step`, returns only the loss, and records the optimizer and the names of
// the weights it trains and of their state.
// CHECK: ml_program.global private mutable @w1(dense<1.000000e+00>
// CHECK-NEXT: ml_program.global private mutable @w1.exp_avg(dense<0.000000e+00> : tensor<4x3xf32>)
// CHECK-NEXT: ml_program.global private mutable @w1.exp_avg_sq(dense<0.000000e+00> : tensor<4x3xf32>)
// CHECK-NEXT: ml_program.global private mutable @w2(
// CHECK: ml_program.global private @unused(
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[LR:arg2]]: tensor<f32> {program.value = #program.value<"lr", dims = []>}
// CHECK-SAME: %[[STEP:arg3]]: tensor<f32> {program.value = #program.value<"step", dims = []>}
// CHECK-SAME: -> (tensor<f32> {program.value = #program.value<"loss", dims = []>})
// CHECK-SAME: program.training = {loss = "mse:y,target", optimizer = "adamw:beta1=9.000000e-01,beta2=9.990000e-01,eps=1.000000e-08,weight_decay=1.000000e-01,clip=0.000000e+00", parameters = ["w1", "w2"], shift = false, state = ["w1.exp_avg", "w1.exp_avg_sq", "w2.exp_avg", "w2.exp_avg_sq"], target = "target"}
// The step's scalars come first: 1 - lr wd, lr / (1 - beta1^t), sqrt(1 - beta2^t).
// CHECK: %[[DECAYED:.*]] = graph.mul %[[LR]],
// CHECK: %[[DECAY:.*]] = graph.sub %{{.*}}, %[[DECAYED]]
// CHECK: graph.pow %{{.*}}, %[[STEP]]
// CHECK: %[[STEPSIZE:.*]] = graph.div %[[LR]],
// CHECK: graph.pow %{{.*}}, %[[STEP]]
// CHECK: %[[CORRECTION:.*]] = graph.sqrt
// Every read of a weight is a load of the mutable global.
// CHECK: %[[W1:.*]] = ml_program.global_load @w1
// CHECK: %[[W2:.*]] = ml_program.global_load @w2
// CHECK: ml_program.global_load_const @unused
// w2's update comes right after its last reader, the product that carries
// the gradient back to w1's layer, and before w1's gradient.
// CHECK: graph.matmul %{{.*}}, %[[W2]] {transpose_rhs = true}
// CHECK: %[[G2:.*]] = graph.matmul %{{.*}} {transpose_lhs = true} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
// CHECK: %[[W2NOW:.*]] = ml_program.global_load @w2 :
// CHECK: %[[M:.*]] = ml_program.global_load @w2.exp_avg :
// CHECK: %[[V:.*]] = ml_program.global_load @w2.exp_avg_sq :
// CHECK: %[[GM:.*]] = graph.mul %[[G2]], %{{.*}} : (tensor<3x3xf32>, tensor<f32>)
// CHECK: %[[MB:.*]] = graph.mul %[[M]], %{{.*}} : (tensor<3x3xf32>, tensor<f32>)
// CHECK: %[[M2:.*]] = graph.add %[[MB]], %[[GM]]
// CHECK: %[[GG:.*]] = graph.mul %[[G2]], %[[G2]]
// CHECK: %[[V2:.*]] = graph.add
// CHECK: %[[ROOT:.*]] = graph.sqrt %[[V2]]
// CHECK: %[[UNBIASED:.*]] = graph.div %[[ROOT]], %[[CORRECTION]]
// CHECK: %[[DEN:.*]] = graph.add %[[UNBIASED]]
// CHECK: %[[RATIO:.*]] = graph.div %[[M2]], %[[DEN]]
// CHECK: %[[STEPPED:.*]] = graph.mul %[[STEPSIZE]], %[[RATIO]]
// CHECK: %[[SHRUNK:.*]] = graph.mul %[[W2NOW]], %[[DECAY]]
// CHECK: %[[NEW:.*]] = graph.sub %[[SHRUNK]], %[[STEPPED]]
// CHECK: ml_program.global_store @w2 = %[[NEW]]
// CHECK: ml_program.global_store @w2.exp_avg = %[[M2]]
// CHECK: ml_program.global_store @w2.exp_avg_sq = %[[V2]]
// CHECK: graph.matmul %{{.*}}, %[[W1]] {transpose_rhs = true}
// CHECK: ml_program.global_store @w1 =
// CHECK-NOT: global_store @unused

// SGD with momentum and clipping: the gradients' global norm first, then
// each weight's momentum buffer and update with the clipped gradient.
// SGD: ml_program.global private mutable @w1.momentum_buffer(dense<0.000000e+00> : tensor<4x3xf32>)
// SGD-NOT: exp_avg
// SGD-LABEL: func.func @main
// SGD-SAME: -> (tensor<f32> {program.value = #program.value<"loss", dims = []>}, tensor<f32> {program.value = #program.value<"grad_norm", dims = []>})
// SGD: %[[SQ1:.*]] = graph.reduce sum_square %[[G1:.*]] {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<4x3xf32>) -> tensor<f32>
// SGD: %[[SQ2:.*]] = graph.reduce sum_square %[[G2:.*]] {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<3x3xf32>) -> tensor<f32>
// SGD: %[[NORM:.*]] = graph.sqrt
// SGD: %[[FACTOR:.*]] = graph.min
// SGD: %[[C1:.*]] = graph.mul %[[G1]], %[[FACTOR]]
// SGD: %[[B:.*]] = ml_program.global_load @w1.momentum_buffer
// SGD: %[[BM:.*]] = graph.mul %[[B]],
// SGD: %[[B2:.*]] = graph.add %[[BM]], %[[C1]]
// SGD: %[[STEP:.*]] = graph.mul %arg2, %[[B2]]
// SGD: %[[NEW:.*]] = graph.sub %{{.*}}, %[[STEP]]
// SGD: ml_program.global_store @w1 = %[[NEW]]
// SGD: ml_program.global_store @w1.momentum_buffer = %[[B2]]
// SGD: return %{{.*}}, %[[NORM]]

ml_program.global private @w1(dense<1.0> : tensor<4x3xf32>) : tensor<4x3xf32>
ml_program.global private @w2(dense<0.5> : tensor<3x3xf32>) : tensor<3x3xf32>
ml_program.global private @unused(dense<2.0> : tensor<3xf32>) : tensor<3xf32>
func.func @main(%x: tensor<2x4xf32> {program.value = #program.value<"x", dims = ["", ""]>})
    -> (tensor<2x3xf32> {program.value = #program.value<"y", dims = ["", ""]>},
        tensor<3xf32> {program.value = #program.value<"u", dims = [""]>})
    attributes {program.entry} {
  %w1 = ml_program.global_load_const @w1 : tensor<4x3xf32>
  %a = graph.matmul %x, %w1 : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %t = graph.tanh %a : tensor<2x3xf32>
  %w2 = ml_program.global_load_const @w2 : tensor<3x3xf32>
  %y = graph.matmul %t, %w2 : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  %u = ml_program.global_load_const @unused : tensor<3xf32>
  return %y, %u : tensor<2x3xf32>, tensor<3xf32>
}

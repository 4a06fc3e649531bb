// RUN: strata-opt %s --strata-autodiff="loss=cross_entropy:logits,labels" | FileCheck %s
// RUN: strata-opt %s --strata-autodiff="loss=cross_entropy:logits,labels,shift" | FileCheck %s --check-prefix=SHIFT

// Cross entropy: the labels are an i64 input of the logits' shape less the
// class dimension; the loss gathers each position's log-probability of its
// label (an ignored position reads class 0, another negative label becomes
// the class count, which the gather's range check refuses), leaves out the
// positions labelled -100 and divides by the positions left (at least one);
// its gradient runs back through the gather (the gradient placed where the
// label points) and the log-softmax (g - exp(y) sum(g)).
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[LABELS:[a-z0-9]+]]: tensor<2x5xi64> {program.value = #program.value<"labels", dims = ["batch", "sequence"]>}
// CHECK: %[[LP:.*]] = graph.log_softmax %{{.*}} {axis = 2 : i64}
// CHECK: %[[IGNORED:.*]] = graph.compare eq, %[[LABELS]], %{{.*}} : (tensor<2x5xi64>, tensor<i64>)
// CHECK: %[[NEGATIVE:.*]] = graph.compare lt, %[[LABELS]]
// CHECK: %[[SEVEN:.*]] = graph.constant dense<7> : tensor<i64>
// CHECK: %[[VALID:.*]] = graph.where %[[NEGATIVE]], %[[SEVEN]], %[[LABELS]]
// CHECK: %[[INDEX:.*]] = graph.where %[[IGNORED]], %{{.*}}, %[[VALID]]
// CHECK: %[[COLUMN:.*]] = graph.reshape %[[INDEX]] : (tensor<2x5xi64>) -> tensor<2x5x1xi64>
// CHECK: graph.gather_elements %[[LP]], %[[COLUMN]] {axis = 2 : i64}
// CHECK: graph.not %[[IGNORED]]
// CHECK: graph.max
// CHECK: graph.compare eq, %{{.*}}, %{{.*}} : (tensor<2x5x1x1xi64>, tensor<1x1x1x7xi64>)
// CHECK: %[[P:.*]] = graph.exp %[[LP]]
// CHECK: graph.mul %[[P]]
// CHECK: return
// With shift, the logits less the last position meet the labels less the
// first.
// SHIFT-LABEL: func.func @main
// SHIFT-SAME: %[[LABELS:[a-z0-9]+]]: tensor<2x5xi64> {program.value = #program.value<"labels"
// SHIFT: %[[LOGITS:.*]] = graph.matmul
// SHIFT: graph.slice %[[LOGITS]] {limit = array<i64: 2, 4, 7>, start = array<i64: 0, 0, 0>, stride = array<i64: 1, 1, 1>} : (tensor<2x5x7xf32>) -> tensor<2x4x7xf32>
// SHIFT: graph.slice %[[LABELS]] {limit = array<i64: 2, 5>, start = array<i64: 0, 1>, stride = array<i64: 1, 1>} : (tensor<2x5xi64>) -> tensor<2x4xi64>
ml_program.global private @w(dense<0.5> : tensor<4x7xf32>) : tensor<4x7xf32>
func.func @main(%x: tensor<2x5x4xf32> {program.value = #program.value<"x", dims = ["batch", "sequence", ""]>})
    -> (tensor<2x5x7xf32> {program.value = #program.value<"logits", dims = ["batch", "sequence", ""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4x7xf32>
  %y = graph.matmul %x, %w : (tensor<2x5x4xf32>, tensor<4x7xf32>) -> tensor<2x5x7xf32>
  return %y : tensor<2x5x7xf32>
}


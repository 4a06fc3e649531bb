// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file | FileCheck %s

// Inference-mode dropout is the identity with an all-true mask.
// CHECK-LABEL: func.func @dropout_inference
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>
// CHECK: %[[TRUE:.+]] = arith.constant true
// CHECK: %[[MASK:.+]] = linalg.fill ins(%[[TRUE]] : i1)
// CHECK: return %[[X]], %[[MASK]]
func.func @dropout_inference(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %0, %1 = graph.dropout %x : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi1>
}

// -----

// With the mode read at run time the ratio applies only in training; each
// element draws from the seed and its row-major position, is kept where the
// draw is at least the ratio and then scaled by 1 / (1 - ratio).
// CHECK-LABEL: func.func @dropout_runtime_training
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>, %[[R:[^:]+]]: tensor<f32>, %[[T:[^:]+]]: tensor<i1>
// CHECK-DAG: %[[SEED:.+]] = arith.constant 7 : i64
// CHECK-DAG: %[[SHIFT:.+]] = arith.constant 40 : i64
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[RATIO:.+]] = tensor.extract %[[R]][] : tensor<f32>
// CHECK: %[[TRAINING:.+]] = tensor.extract %[[T]][] : tensor<i1>
// CHECK: %[[P:.+]] = arith.select %[[TRAINING]], %[[RATIO]], %[[ZERO]] : f32
// CHECK: %[[KEPT:.+]] = arith.subf %[[ONE]], %[[P]] : f32
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<2x3xf32>) outs(%{{.+}}, %{{.+}} : tensor<2x3xf32>, tensor<2x3xi1>)
// CHECK: ^bb0(%[[E:[^:]+]]: f32,
// CHECK: %[[ROW:.+]] = linalg.index 0
// CHECK: %[[COL:.+]] = linalg.index 1
// CHECK: %[[SCALED:.+]] = arith.muli %[[ROW]], %{{.+}} : index
// CHECK: %[[POS:.+]] = arith.addi %[[SCALED]], %[[COL]] : index
// CHECK: arith.index_cast %[[POS]] : index to i64
// CHECK: arith.addi %{{.+}}, %[[SEED]] : i64
// CHECK: %[[BITS:.+]] = arith.shrui %{{.+}}, %[[SHIFT]] : i64
// CHECK: %[[F:.+]] = arith.uitofp %[[BITS]] : i64 to f32
// CHECK: %[[U:.+]] = arith.mulf %[[F]], %{{.+}} : f32
// CHECK: %[[KEEP:.+]] = arith.cmpf oge, %[[U]], %[[P]] : f32
// CHECK: %[[Y:.+]] = arith.divf %[[E]], %[[KEPT]] : f32
// CHECK: %[[OUT:.+]] = arith.select %[[KEEP]], %[[Y]], %[[ZERO]] : f32
// CHECK: linalg.yield %[[OUT]], %[[KEEP]] : f32, i1
func.func @dropout_runtime_training(%x: tensor<2x3xf32>, %r: tensor<f32>, %t: tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %y, %m = graph.dropout %x ratio %r training %t {seed = 7 : i64} : (tensor<2x3xf32>, tensor<f32>, tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %y, %m : tensor<2x3xf32>, tensor<2x3xi1>
}

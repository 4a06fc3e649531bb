// RUN: strata-opt %s --strata-lower-graph-to-linalg | FileCheck %s

// A zero result, then an scf.for over the indices: each step reads its index
// (wrapped when negative, checked against the row count), adds the update's
// row to the result's row and writes it back into the carried result.
// CHECK-LABEL: func.func @scatter_add
// CHECK-SAME: %[[U:[^:]+]]: tensor<3x4xf32>, %[[I:[^:]+]]: tensor<3xi64>
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<5x4xf32>)
// CHECK: %[[R:.+]] = scf.for %[[N:.+]] = %[[C0]] to %[[C3]] step %[[C1]] iter_args(%[[ACC:.+]] = %[[INIT]])
// CHECK: tensor.extract %[[I]][%[[N]]] : tensor<3xi64>
// CHECK: cf.assert %{{.+}}, "an op at {{.+}}: an index lies outside [-5, 4], the range of axis 0 of the data"
// CHECK: %[[ROW:.+]] = tensor.extract_slice %[[ACC]][%[[AT:.+]], 0] [1, 4] [1, 1] : tensor<5x4xf32> to tensor<4xf32>
// CHECK: %[[UPD:.+]] = tensor.extract_slice %[[U]][%[[N]], 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<4xf32>
// CHECK: %[[SUM:.+]] = linalg.add ins(%[[ROW]], %[[UPD]] : tensor<4xf32>, tensor<4xf32>) outs(%[[ROW]] : tensor<4xf32>)
// CHECK: %[[W:.+]] = tensor.insert_slice %[[SUM]] into %[[ACC]][%[[AT]], 0] [1, 4] [1, 1]
// CHECK: scf.yield %[[W]]
// CHECK: return %[[R]]
func.func @scatter_add(%u: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<5x4xf32> {
  %0 = graph.scatter_add %u, %i {rows = 5 : i64} : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file | FileCheck %s

// An scf.for along the axis carries the running sum (the shape without the
// axis) and inserts it at each position.
// CHECK-LABEL: func.func @cumsum
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK: %[[SUM0:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2xf32>)
// CHECK: %[[OUT0:.+]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[R:.+]]:2 = scf.for %[[I:.+]] = %[[C0]] to %[[C3]] step %[[C1]] iter_args(%[[OUT:.+]] = %[[OUT0]], %[[SUM:.+]] = %[[SUM0]])
// CHECK: %[[COL:.+]] = tensor.extract_slice %[[X]][0, %[[I]]] [2, 1] [1, 1] : tensor<2x3xf32> to tensor<2xf32>
// CHECK: %[[NEXT:.+]] = linalg.add ins(%[[SUM]], %[[COL]] : tensor<2xf32>, tensor<2xf32>) outs(%[[SUM]] : tensor<2xf32>)
// CHECK: %[[W:.+]] = tensor.insert_slice %[[NEXT]] into %[[OUT]][0, %[[I]]] [2, 1] [1, 1]
// CHECK: scf.yield %[[W]], %[[NEXT]]
// CHECK: return %[[R]]#0
func.func @cumsum(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.cumsum %x {axis = 1 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Exclusive sums are written before the element is added; reverse walks from
// the end.
// CHECK-LABEL: func.func @cumsum_exclusive_reverse
// CHECK-SAME: %[[X:[^:]+]]: tensor<?xi32>
// CHECK: tensor.empty(%{{.+}}) : tensor<?xi32>
// CHECK: %[[N:.+]] = tensor.dim %[[X]]
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %[[N]] step %[[C1:[^ ]+]] iter_args(%[[OUT:.+]] = %{{.+}}, %[[SUM:.+]] = %{{.+}})
// CHECK: %[[LAST:.+]] = arith.subi %[[N]], %[[C1]] : index
// CHECK: %[[AT:.+]] = arith.subi %[[LAST]], %[[I]] : index
// CHECK: %[[W:.+]] = tensor.insert_slice %[[SUM]] into %[[OUT]][%[[AT]]] [1] [1] : tensor<i32> into tensor<?xi32>
// CHECK: %[[E:.+]] = tensor.extract_slice %[[X]][%[[AT]]] [1] [1] : tensor<?xi32> to tensor<i32>
// CHECK: %[[NEXT:.+]] = linalg.add ins(%[[SUM]], %[[E]] : tensor<i32>, tensor<i32>) outs(%[[SUM]] : tensor<i32>)
// CHECK: scf.yield %[[W]], %[[NEXT]]
func.func @cumsum_exclusive_reverse(%x: tensor<?xi32>) -> tensor<?xi32> {
  %0 = graph.cumsum %x {axis = 0 : i64, exclusive = true, reverse = true} : tensor<?xi32>
  return %0 : tensor<?xi32>
}

// -----

// An axis read at run time is checked and picks one loop per dimension; the
// last dimension is the default case.
// CHECK-LABEL: func.func @cumsum_runtime_axis
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf64>, %[[A:[^:]+]]: tensor<i32>
// CHECK: %[[RAW:.+]] = tensor.extract %[[A]][] : tensor<i32>
// CHECK: arith.index_cast %[[RAW]] : i32 to index
// CHECK: cf.assert %{{.+}}, "an op at {{.+}}: an axis read at run time lies outside [-2, 1]"
// CHECK: %[[AXIS:.+]] = arith.select
// CHECK: %[[R:.+]] = scf.index_switch %[[AXIS]] -> tensor<2x3xf64>
// CHECK: case 0 {
// CHECK: tensor.extract_slice %[[X]][%{{.+}}, 0] [1, 3] [1, 1] : tensor<2x3xf64> to tensor<3xf64>
// CHECK: default {
// CHECK: tensor.extract_slice %[[X]][0, %{{.+}}] [2, 1] [1, 1] : tensor<2x3xf64> to tensor<2xf64>
// CHECK: return %[[R]]
func.func @cumsum_runtime_axis(%x: tensor<2x3xf64>, %a: tensor<i32>) -> tensor<2x3xf64> {
  %0 = graph.cumsum %x, %a : tensor<i32> : tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

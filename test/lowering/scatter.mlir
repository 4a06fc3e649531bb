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

// A KV cache's per-entry writes: checks that the new positions fit, that
// there is one length per entry and that the new positions have the cache's
// entries; a first scf.for checks every entry's length (unsigned, so a
// negative one fails) before anything is written; then an scf.for over the
// entries carrying the cache: each inserts its new positions at its length
// and fills the slice after them with zeros where it lies (no new tensor).
// CHECK-LABEL: func.func @cache_write
// CHECK-SAME: %[[C:[^:]+]]: tensor<?x2x?x4xf32>, %[[N:[^:]+]]: tensor<?x2x?x4xf32>, %[[L:[^:]+]]: tensor<?xi32>
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK: %[[SIZE:.+]] = tensor.dim %[[C]], %[[C2]]
// CHECK: %[[COUNT:.+]] = tensor.dim %[[N]], %[[C2]]
// CHECK: cf.assert %{{.+}}, "an op at {{.+}}: more new positions than the cache holds along axis 2"
// CHECK: %[[ROOM:.+]] = arith.subi %[[SIZE]], %[[COUNT]]
// CHECK: cf.assert %{{.+}}, "an op at {{.+}}: the lengths of filled positions are not one per entry of the cache"
// CHECK: cf.assert %{{.+}}, "an op at {{.+}}: the new positions' dimension 0 differs from the cache's"
// CHECK-NOT: dimension 1 differs
// CHECK: scf.for %[[E:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: %[[RAW0:.+]] = tensor.extract %[[L]][%[[E]]] : tensor<?xi32>
// CHECK: %[[LEN0:.+]] = arith.index_cast %[[RAW0]] : i32 to index
// CHECK: %[[FITS:.+]] = arith.cmpi ule, %[[LEN0]], %[[ROOM]] : index
// CHECK: cf.assert %[[FITS]], "an op at {{.+}}: an entry's length of filled positions leaves no room for the new ones in the cache (axis 2)"
// CHECK: %[[R:.+]] = scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[C]])
// CHECK: %[[RAW:.+]] = tensor.extract %[[L]][%[[B]]] : tensor<?xi32>
// CHECK: %[[LEN:.+]] = arith.index_cast %[[RAW]] : i32 to index
// CHECK-NOT: cf.assert
// CHECK: %[[ROW:.+]] = tensor.extract_slice %[[N]][%[[B]], 0, 0, 0] [1, 2, %{{.+}}, 4]
// CHECK: %[[WRITTEN:.+]] = tensor.insert_slice %[[ROW]] into %[[ACC]][%[[B]], 0, %[[LEN]], 0] [1, 2, %{{.+}}, 4]
// CHECK: %[[END:.+]] = arith.addi %[[LEN]], %[[COUNT]]
// CHECK: %[[TAIL:.+]] = arith.subi %[[SIZE]], %[[END]]
// CHECK: %[[SLICE:.+]] = tensor.extract_slice %[[WRITTEN]][%[[B]], 0, %[[END]], 0] [1, 2, %[[TAIL]], 4]
// CHECK-NOT: tensor.empty
// CHECK: %[[ZEROS:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[SLICE]] : tensor<1x2x?x4xf32>)
// CHECK: %[[DONE:.+]] = tensor.insert_slice %[[ZEROS]] into %[[WRITTEN]][%[[B]], 0, %[[END]], 0] [1, 2, %[[TAIL]], 4]
// CHECK: scf.yield %[[DONE]]
// CHECK: return %[[R]]
func.func @cache_write(%c: tensor<?x2x?x4xf32>, %n: tensor<?x2x?x4xf32>, %l: tensor<?xi32>) -> tensor<?x2x?x4xf32> {
  %0 = graph.cache_write %c, %n, %l {axis = 2 : i64} : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?xi32>) -> tensor<?x2x?x4xf32>
  return %0 : tensor<?x2x?x4xf32>
}

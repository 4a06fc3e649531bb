// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file | FileCheck %s

// k selection passes: pass p reduces each row into position p of the outputs
// and takes an element when it comes after the one pass p - 1 wrote (or p is
// 0) and before the best so far. Smallest first here, equal values by lower
// index.
// CHECK-DAG: #[[ALL:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @top_k_smallest
// CHECK-SAME: %[[X:[^:]+]]: tensor<3x4xf32>
// CHECK-DAG: %[[LAST:.+]] = arith.constant 9223372036854775807 : i64
// CHECK-DAG: %[[INF:.+]] = arith.constant 0x7F800000 : f32
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[K:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[V:.+]] = tensor.empty() : tensor<3x2xf32>
// CHECK-DAG: %[[I:.+]] = tensor.empty() : tensor<3x2xi64>
// CHECK: %[[R:.+]]:2 = scf.for %[[P:.+]] = %[[C0]] to %[[K]] step %[[C1]] iter_args(%[[VS:.+]] = %[[V]], %[[IS:.+]] = %[[I]])
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %[[P]], %[[C0]] : index
// CHECK: %[[BEFORE:.+]] = arith.maxsi
// CHECK: %[[PREV:.+]] = tensor.extract_slice %[[VS]][0, %[[BEFORE]]] [3, 1] [1, 1] : tensor<3x2xf32> to tensor<3xf32>
// CHECK: %[[PREVI:.+]] = tensor.extract_slice %[[IS]][0, %[[BEFORE]]] [3, 1] [1, 1] : tensor<3x2xi64> to tensor<3xi64>
// CHECK: %[[SLOT:.+]] = tensor.extract_slice %[[VS]][0, %[[P]]] [3, 1] [1, 1]
// CHECK: %[[BEST:.+]] = linalg.fill ins(%[[INF]] : f32) outs(%[[SLOT]] : tensor<3xf32>)
// CHECK: %[[SLOTI:.+]] = tensor.extract_slice %[[IS]][0, %[[P]]] [3, 1] [1, 1]
// CHECK: %[[BESTI:.+]] = linalg.fill ins(%[[LAST]] : i64) outs(%[[SLOTI]] : tensor<3xi64>)
// CHECK: %[[PASS:.+]]:2 = linalg.generic {indexing_maps = [#[[ALL]], #[[ROW]], #[[ROW]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[PREV]], %[[PREVI]] : {{.*}}) outs(%[[BEST]], %[[BESTI]] : {{.*}})
// CHECK: ^bb0(%[[E:[^:]+]]: f32, %[[PE:[^:]+]]: f32, %[[PEI:[^:]+]]: i64, %[[B:[^:]+]]: f32, %[[BI:[^:]+]]: i64):
// CHECK: %[[J:.+]] = arith.index_cast %{{.+}} : index to i64
// CHECK: arith.cmpf olt, %[[PE]], %[[E]] : f32
// CHECK: %[[AFTER:.+]] = arith.ori %[[FIRST]],
// CHECK: arith.cmpf olt, %[[E]], %[[B]] : f32
// CHECK: arith.cmpi slt, %[[J]], %[[BI]] : i64
// CHECK: %[[TAKE:.+]] = arith.andi %[[AFTER]],
// CHECK: arith.select %[[TAKE]], %[[E]], %[[B]] : f32
// CHECK: arith.select %[[TAKE]], %[[J]], %[[BI]] : i64
// CHECK: tensor.insert_slice %[[PASS]]#0 into %[[VS]][0, %[[P]]] [3, 1] [1, 1]
// CHECK: tensor.insert_slice %[[PASS]]#1 into %[[IS]][0, %[[P]]] [3, 1] [1, 1]
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @top_k_smallest(%x: tensor<3x4xf32>, %k: tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %v, %i = graph.top_k %x, %k {axis = 1 : i64, largest = false} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %v, %i : tensor<3x2xf32>, tensor<3x2xi64>
}

// -----

// A dynamic k is read from the operand; unsigned values compare unsigned and
// the best-so-far starts from the type's lowest value.
// CHECK-LABEL: func.func @top_k_runtime_k
// CHECK-SAME: %{{[^:]+}}: tensor<?x4xi8>, %[[K:[^:]+]]: tensor<1xi64>
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i8
// CHECK: %[[KV:.+]] = tensor.extract %[[K]]
// CHECK: %[[N:.+]] = arith.index_cast %[[KV]] : i64 to index
// CHECK: tensor.empty(%{{.+}}, %[[N]]) : tensor<?x?xi8>
// CHECK: scf.for %{{.+}} = %{{.+}} to %[[N]]
// CHECK: linalg.fill ins(%[[ZERO]] : i8)
// CHECK: arith.cmpi ugt
func.func @top_k_runtime_k(%x: tensor<?x4xi8>, %k: tensor<1xi64>) -> (tensor<?x?xi8>, tensor<?x?xi64>) {
  %v, %i = graph.top_k %x, %k {axis = 1 : i64, is_unsigned} : (tensor<?x4xi8>, tensor<1xi64>) -> (tensor<?x?xi8>, tensor<?x?xi64>)
  return %v, %i : tensor<?x?xi8>, tensor<?x?xi64>
}

// RUN: strata-opt %s --strata-lower-graph-to-linalg | FileCheck %s

// An scf.for over the values: each step reads one, widens it to i64 and
// checks that it is at least 0 and below the limit (signed: a limit of 0 or
// less fails every value), with the op's message; the values themselves
// replace the op's result.
// CHECK-LABEL: func.func @check_range
// CHECK-SAME: %[[V:[^:]+]]: tensor<?xi32>, %[[L:[^:]+]]: tensor<i64>
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK-DAG: %[[LIMIT:.+]] = tensor.extract %[[L]][] : tensor<i64>
// CHECK: %[[N:.+]] = tensor.dim %[[V]], %[[C0]]
// CHECK: scf.for %[[I:.+]] = %[[C0]] to %[[N]] step %[[C1]] {
// CHECK:   %[[E:.+]] = tensor.extract %[[V]][%[[I]]] : tensor<?xi32>
// CHECK:   %[[W:.+]] = arith.extsi %[[E]] : i32 to i64
// CHECK-DAG:   %[[LOW:.+]] = arith.cmpi sge, %[[W]], %[[ZERO]] : i64
// CHECK-DAG:   %[[HIGH:.+]] = arith.cmpi slt, %[[W]], %[[LIMIT]] : i64
// CHECK:   %[[OK:.+]] = arith.andi %[[LOW]], %[[HIGH]] : i1
// CHECK:   cf.assert %[[OK]], "{{.*}}: seqlens_k holds a value outside [0, total_sequence_length)"
// CHECK: }
// CHECK: return %[[V]] : tensor<?xi32>
func.func @check_range(%v: tensor<?xi32>, %l: tensor<i64>) -> tensor<?xi32> {
  %y = graph.check_range %v, %l {message = "seqlens_k holds a value outside [0, total_sequence_length)"} : (tensor<?xi32>, tensor<i64>) -> tensor<?xi32>
  return %y : tensor<?xi32>
}

// An i32 limit is widened too; i64 values are read as they are.
// CHECK-LABEL: func.func @check_range_i64
// CHECK-SAME: %[[V:[^:]+]]: tensor<4xi64>, %[[L:[^:]+]]: tensor<1xi32>
// CHECK: %[[E:.+]] = tensor.extract %[[L]]
// CHECK: %[[LIMIT:.+]] = arith.extsi %[[E]] : i32 to i64
// CHECK: scf.for
// CHECK:   %[[X:.+]] = tensor.extract %[[V]]
// CHECK-NOT: arith.extsi
// CHECK:   arith.cmpi slt, %[[X]], %[[LIMIT]] : i64
// CHECK: return %[[V]]
func.func @check_range_i64(%v: tensor<4xi64>, %l: tensor<1xi32>) -> tensor<4xi64> {
  %y = graph.check_range %v, %l {message = "x"} : (tensor<4xi64>, tensor<1xi32>) -> tensor<4xi64>
  return %y : tensor<4xi64>
}

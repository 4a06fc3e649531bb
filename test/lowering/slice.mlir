// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file | FileCheck %s

// Positive strides slice in place; a negative stride reads backwards.
// CHECK-DAG: #[[REV:.+]] = affine_map<(d0, d1, d2) -> (d0, -d1 + 2, d2)>
// CHECK-LABEL: func.func @slices
// CHECK: tensor.extract_slice %{{.+}}[0, 1, 0] [2, 1, 4] [1, 1, 1] : tensor<2x3x4xf32> to tensor<2x1x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[REV]], #{{.+}}]
func.func @slices(%x: tensor<2x3x4xf32>) -> (tensor<2x1x4xf32>, tensor<2x3x4xf32>) {
  %0 = graph.slice %x {start = array<i64: 0, 1, 0>, limit = array<i64: 2, 2, 4>, stride = array<i64: 1, 1, 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %1 = graph.slice %x {start = array<i64: 0, 2, 0>, limit = array<i64: 2, -1, 4>, stride = array<i64: 1, -1, 1>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0, %1 : tensor<2x1x4xf32>, tensor<2x3x4xf32>
}

// -----

// Constant bounds fold to a static extract_slice.
// CHECK-LABEL: func.func @dynamic_slice_constant_bounds
// CHECK-SAME: %[[X:[^:]+]]: tensor<20x10xf32>
// CHECK-NEXT: %[[S:.+]] = tensor.extract_slice %[[X]][0, 0] [3, 10] [1, 1] : tensor<20x10xf32> to tensor<3x10xf32>
// CHECK-NEXT: return %[[S]]
func.func @dynamic_slice_constant_bounds(%x: tensor<20x10xf32>) -> tensor<3x10xf32> {
  %s = graph.constant dense<[0, 0]> : tensor<2xi64>
  %e = graph.constant dense<[3, 10]> : tensor<2xi64>
  %a = graph.constant dense<[0, -1]> : tensor<2xi64>
  %0 = graph.dynamic_slice %x, %s, %e, %a : (tensor<20x10xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<3x10xf32>
  return %0 : tensor<3x10xf32>
}

// -----

// A step read at run time may be negative: the clamps depend on its sign, and
// the slice reads the input at start + i * step.
// CHECK-LABEL: func.func @dynamic_slice_runtime_step
// CHECK-SAME: %[[X:[^:]+]]: tensor<20x10xf32>, %[[ST:[^:]+]]: tensor<1xi64>, %[[EN:[^:]+]]: tensor<1xi64>, %[[STEPS:[^:]+]]: tensor<1xi64>
// CHECK-DAG: %[[MINUS1:.+]] = arith.constant -1 : index
// CHECK-DAG: %[[C9:.+]] = arith.constant 9 : index
// CHECK-DAG: %[[C10:.+]] = arith.constant 10 : index
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK: arith.index_cast %{{.+}} : i64 to index
// CHECK: arith.index_cast %{{.+}} : i64 to index
// CHECK: %[[STEP:.+]] = arith.index_cast %{{.+}} : i64 to index
// CHECK: %[[FORWARD:.+]] = arith.cmpi sgt, %[[STEP]], %[[C0]] : index
// CHECK: %[[HI:.+]] = arith.select %[[FORWARD]], %[[C10]], %[[C9]] : index
// CHECK: %[[START:.+]] = arith.minsi %{{.+}}, %[[HI]] : index
// CHECK: %[[LO:.+]] = arith.select %[[FORWARD]], %[[C0]], %[[MINUS1]] : index
// CHECK: %[[ABOVE:.+]] = arith.maxsi %{{.+}}, %[[LO]] : index
// CHECK: %[[END:.+]] = arith.minsi %[[ABOVE]], %[[HI]] : index
// CHECK: %[[SPAN:.+]] = arith.subi %[[END]], %[[START]] : index
// CHECK: %[[COUNT:.+]] = arith.ceildivsi %[[SPAN]], %[[STEP]] : index
// CHECK: %[[SIZE:.+]] = arith.maxsi %[[COUNT]], %[[C0]] : index
// CHECK: %[[E:.+]] = tensor.empty(%[[SIZE]]) : tensor<20x?xf32>
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<20x?xf32>)
// CHECK: %[[I:.+]] = linalg.index 0 : index
// CHECK: %[[J:.+]] = linalg.index 1 : index
// CHECK: %[[OFFSET:.+]] = arith.muli %[[J]], %[[STEP]] : index
// CHECK: %[[AT:.+]] = arith.addi %[[START]], %[[OFFSET]] : index
// CHECK: tensor.extract %[[X]][%[[I]], %[[AT]]] : tensor<20x10xf32>
func.func @dynamic_slice_runtime_step(%x: tensor<20x10xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %st: tensor<1xi64>) -> tensor<20x?xf32> {
  %a = graph.constant dense<[-1]> : tensor<1xi64>
  %0 = graph.dynamic_slice %x, %s, %e, %a steps %st : (tensor<20x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<20x?xf32>
  return %0 : tensor<20x?xf32>
}

// -----

// An axis read at run time is checked, then selects the window of the
// dimension it names; unit steps still give an extract_slice.
// CHECK-LABEL: func.func @dynamic_slice_runtime_axis
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x5xf32>
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C5:.+]] = arith.constant 5 : index
// CHECK: cf.assert %{{.+}}, "an op at {{.+}}: an axis read at run time lies outside [-2, 1]"
// CHECK: %[[AXIS:.+]] = arith.select
// CHECK: %[[ROWS:.+]] = arith.cmpi eq, %[[AXIS]], %[[C0]] : index
// CHECK: %[[R0:.+]] = arith.select %[[ROWS]], %{{.+}}, %[[C0]] : index
// CHECK: %[[RN:.+]] = arith.select %[[ROWS]], %{{.+}}, %[[C4]] : index
// CHECK: %[[COLS:.+]] = arith.cmpi eq, %[[AXIS]], %[[C1]] : index
// CHECK: %[[C0S:.+]] = arith.select %[[COLS]], %{{.+}}, %[[C0]] : index
// CHECK: %[[CN:.+]] = arith.select %[[COLS]], %{{.+}}, %[[C5]] : index
// CHECK: tensor.extract_slice %[[X]][%[[R0]], %[[C0S]]] [%[[RN]], %[[CN]]] [1, 1] : tensor<4x5xf32> to tensor<?x?xf32>
func.func @dynamic_slice_runtime_axis(%x: tensor<4x5xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %a: tensor<1xi64>) -> tensor<?x?xf32> {
  %0 = graph.dynamic_slice %x, %s, %e, %a : (tensor<4x5xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

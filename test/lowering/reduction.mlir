// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file | FileCheck %s

// mean: a sum over the reduced dim into the kept dims, divided by the (dynamic)
// count, then the reduced dim is re-inserted for keep_dims.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEPT:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @mean_keep_dims
// CHECK-SAME: %[[X:.+]]: tensor<2x?x4xf32>
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[KEPT]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK: arith.addf
// CHECK: %[[N:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<2x?x4xf32>
// CHECK: %[[NI:.+]] = arith.index_cast %[[N]] : index to i64
// CHECK: %[[NF:.+]] = arith.sitofp %[[NI]] : i64 to f32
// CHECK: %[[MEAN:.+]] = linalg.generic
// CHECK: arith.divf %{{.+}}, %[[NF]] : f32
// CHECK: %[[R:.+]] = tensor.expand_shape %[[MEAN]] {{\[}}[0], [1, 2]] output_shape [2, 1, 4] : tensor<2x4xf32> into tensor<2x1x4xf32>
// CHECK: return %[[R]]
func.func @mean_keep_dims(%x: tensor<2x?x4xf32>) -> tensor<2x1x4xf32> {
  %0 = graph.reduce mean %x {axes = array<i64: 1>} : (tensor<2x?x4xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// -----

// log_sum_exp subtracts the maximum before exponentiating and adds it back.
// CHECK-LABEL: func.func @log_sum_exp
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: %[[MAX:.+]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %[[MAX]] :
// CHECK: %[[D:.+]] = arith.subf
// CHECK: math.exp %[[D]]
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[MAX]] :
// CHECK: %[[L:.+]] = math.log
// CHECK: arith.addf %[[L]]
func.func @log_sum_exp(%x: tensor<2x8xf32>) -> tensor<2xf32> {
  %0 = graph.reduce log_sum_exp %x {axes = array<i64: 1>, keep_dims = false} : (tensor<2x8xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Reducing every dim gives a rank-0 tensor; l2 takes the square root after.
// CHECK-DAG: #[[ALL:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @l2_all
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[ALL]]], iterator_types = ["reduction", "reduction"]}
// CHECK: arith.mulf
// CHECK: math.sqrt
// CHECK: tensor.expand_shape %{{.+}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @l2_all(%x: tensor<3x4xf32>) -> tensor<1x1xf32> {
  %0 = graph.reduce l2 %x {axes = array<i64: 0, 1>} : (tensor<3x4xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// Integer max starts from the type's lowest value; unsigned min uses minui.
// CHECK-LABEL: func.func @integer_extremes
// CHECK-DAG: arith.constant -2147483648 : i32
// CHECK-DAG: arith.constant -1 : i8
// CHECK: arith.maxsi
// CHECK: arith.minui
func.func @integer_extremes(%x: tensor<4xi32>, %u: tensor<4xi8>) -> (tensor<i32>, tensor<i8>) {
  %0 = graph.reduce max %x {axes = array<i64: 0>, keep_dims = false} : (tensor<4xi32>) -> tensor<i32>
  %1 = graph.reduce min %u {axes = array<i64: 0>, keep_dims = false, is_unsigned} : (tensor<4xi8>) -> tensor<i8>
  return %0, %1 : tensor<i32>, tensor<i8>
}

// -----

// softmax: max, sum of shifted exponentials, then exp(x - max) / sum, with the
// statistics read broadcast along the axis.
// CHECK-DAG: #[[STAT:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK: %[[MAX:.+]] = linalg.generic
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[STAT]], #[[STAT]], #{{.+}}], iterator_types = ["parallel", "parallel"]} ins(%{{.+}}, %[[MAX]], %[[SUM]] :
// CHECK: %[[SH:.+]] = arith.subf
// CHECK: %[[E:.+]] = math.exp %[[SH]]
// CHECK: arith.divf %[[E]]
func.func @softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// log_softmax: (x - max) - log(sum).
// CHECK-LABEL: func.func @log_softmax
// CHECK: %[[SH:.+]] = arith.subf
// CHECK: %[[L:.+]] = math.log
// CHECK: arith.subf %[[SH]], %[[L]]
func.func @log_softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = graph.log_softmax %x {axis = 1 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// arg_reduce keeps the best value and its index; the first element always
// wins, later ones only when strictly better (ties keep the first index).
// CHECK-LABEL: func.func @argmax
// CHECK: %[[R:.+]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: %[[I:.+]] = linalg.index 1 : index
// CHECK: %[[I64:.+]] = arith.index_cast %[[I]] : index to i64
// CHECK: %[[GT:.+]] = arith.cmpf ogt
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %[[I64]]
// CHECK: %[[TAKE:.+]] = arith.ori %[[GT]], %[[FIRST]] : i1
// CHECK: arith.select %[[TAKE]], %[[I64]]
// CHECK: tensor.expand_shape %[[R]]#1
func.func @argmax(%x: tensor<2x8xf32>) -> tensor<2x1xi64> {
  %0 = graph.arg_reduce max %x {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// Axes read at run time: a loop over them flags each reduced dimension (all of
// them when there are none), then a loop nest over the input adds each element
// into the output element at its index with the flagged coordinates set to 0.
// CHECK-LABEL: func.func @sum_runtime_axes
// CHECK-SAME: %[[X:[^:]+]]: tensor<3x2xf32>, %[[A:[^:]+]]: tensor<?xi64>
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK: %[[LEN:.+]] = tensor.dim %[[A]], %[[C0]]
// CHECK: %[[FLAGS:.+]]:2 = scf.for %[[N:.+]] = %[[C0]] to %[[LEN]]
// CHECK: tensor.extract %[[A]][%[[N]]]
// CHECK: cf.assert
// CHECK: %[[NONE:.+]] = arith.cmpi eq, %[[LEN]], %[[C0]] : index
// CHECK: %[[R0:.+]] = arith.ori %[[FLAGS]]#0, %[[NONE]] : i1
// CHECK: %[[R1:.+]] = arith.ori %[[FLAGS]]#1, %[[NONE]] : i1
// CHECK: %[[S0:.+]] = arith.select %[[R0]], %[[C1]], %[[C3]] : index
// CHECK: %[[S1:.+]] = arith.select %[[R1]], %[[C1]], %[[C2]] : index
// CHECK: %[[E:.+]] = tensor.empty(%[[S0]], %[[S1]]) : tensor<?x?xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<?x?xf32>)
// CHECK: %[[SUM:.+]] = scf.for %[[I:.+]] = %[[C0]] to %[[C3]] step %[[C1]] iter_args(%[[ACC0:.+]] = %[[INIT]])
// CHECK: scf.for %[[J:.+]] = %[[C0]] to %[[C2]] step %[[C1]] iter_args(%[[ACC:.+]] = %[[ACC0]])
// CHECK: %[[OI:.+]] = arith.select %[[R0]], %[[C0]], %[[I]] : index
// CHECK: %[[OJ:.+]] = arith.select %[[R1]], %[[C0]], %[[J]] : index
// CHECK: %[[V:.+]] = tensor.extract %[[X]][%[[I]], %[[J]]] : tensor<3x2xf32>
// CHECK: %[[OLD:.+]] = tensor.extract %[[ACC]][%[[OI]], %[[OJ]]] : tensor<?x?xf32>
// CHECK: %[[NEW:.+]] = arith.addf %[[OLD]], %[[V]] : f32
// CHECK: tensor.insert %[[NEW]] into %[[ACC]][%[[OI]], %[[OJ]]] : tensor<?x?xf32>
// CHECK: %[[R:.+]] = tensor.cast %[[SUM]] : tensor<?x?xf32> to tensor<3x1xf32>
// CHECK: return %[[R]]
func.func @sum_runtime_axes(%x: tensor<3x2xf32>, %a: tensor<?xi64>) -> tensor<3x1xf32> {
  %0 = graph.reduce sum %x, %a {axes = array<i64>} : (tensor<3x2xf32>, tensor<?xi64>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

// Without keep_dims the reduced dimensions are dropped by a reshape whose
// dynamic entries are the sizes of the kept dimensions in order; mean divides
// by the product of the reduced sizes.
// CHECK-LABEL: func.func @mean_runtime_axes_drop
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x4xf32>
// CHECK: %[[C4:.+]] = arith.constant 4 : index
// CHECK: %[[SUM:.+]] = scf.for
// CHECK: %[[CA:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : index
// CHECK: %[[CB:.+]] = arith.select %{{.+}}, %[[C4]], %{{.+}} : index
// CHECK: %[[COUNT:.+]] = arith.muli %{{.+}}, %[[CB]] : index
// CHECK: %[[COUNT64:.+]] = arith.index_cast %[[COUNT]] : index to i64
// CHECK: %[[COUNTF:.+]] = arith.sitofp %[[COUNT64]] : i64 to f32
// CHECK: %[[MEAN:.+]] = linalg.generic
// CHECK: arith.divf %{{.+}}, %[[COUNTF]] : f32
// CHECK: %[[SHAPE:.+]] = tensor.from_elements %{{.+}} : tensor<1xi64>
// CHECK: tensor.reshape %[[MEAN]](%[[SHAPE]]) : (tensor<?x?xf32>, tensor<1xi64>) -> tensor<?xf32>
func.func @mean_runtime_axes_drop(%x: tensor<?x4xf32>, %a: tensor<1xi64>) -> tensor<?xf32> {
  %0 = graph.reduce mean %x, %a {axes = array<i64>, keep_dims = false} : (tensor<?x4xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

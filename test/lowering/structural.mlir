// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @transpose
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: linalg.transpose ins(%{{.+}} : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = graph.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// A static reshape that merges adjacent dims is a collapse (a view); a run-time
// one resolves -1 from the element count before tensor.reshape.
// CHECK-LABEL: func.func @reshapes
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>, %[[D:[^:]+]]: tensor<?x4xf32>, %[[S:[^:]+]]: tensor<3xi64>
// CHECK-DAG: %[[MINUS1:.+]] = arith.constant -1 : i64
// CHECK: tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: %[[ROWS:.+]] = tensor.dim %[[D]]
// CHECK: %[[ROWS64:.+]] = arith.index_cast %[[ROWS]] : index to i64
// CHECK: %[[COUNT:.+]] = arith.muli %[[ROWS64]]
// CHECK: tensor.extract %[[S]]
// CHECK: arith.cmpi eq, %{{.+}}, %[[MINUS1]] : i64
// CHECK: %[[INFERRED:.+]] = arith.divui %[[COUNT]],
// CHECK: %[[DIMS:.+]] = tensor.from_elements {{.*}} : tensor<3xi64>
// CHECK: tensor.reshape %[[D]](%[[DIMS]]) : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x2x2xf32>
func.func @reshapes(%x: tensor<2x3x4xf32>, %d: tensor<?x4xf32>, %s: tensor<3xi64>) -> (tensor<6x4xf32>, tensor<?x2x2xf32>) {
  %0 = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %1 = graph.reshape %d, %s : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x2x2xf32>
  return %0, %1 : tensor<6x4xf32>, tensor<?x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @concat_split
// CHECK: tensor.concat dim(1)
// CHECK: tensor.extract_slice %{{.+}}[0, 0, 0] [2, 1, 4] [1, 1, 1]
// CHECK: tensor.extract_slice %{{.+}}[0, 1, 0] [2, 2, 4] [1, 1, 1]
func.func @concat_split(%x: tensor<2x3x4xf32>) -> (tensor<2x6x4xf32>, tensor<2x1x4xf32>, tensor<2x2x4xf32>) {
  %0 = graph.concat %x, %x {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x6x4xf32>
  %1:2 = graph.split %x {axis = 1 : i64, sizes = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> (tensor<2x1x4xf32>, tensor<2x2x4xf32>)
  return %0, %1#0, %1#1 : tensor<2x6x4xf32>, tensor<2x1x4xf32>, tensor<2x2x4xf32>
}

// -----

// Gather wraps negative indices by the axis size and extracts.
// CHECK-DAG: #[[IDX:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>, %[[I:[^:]+]]: tensor<2xi64>
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #{{.+}}]{{.*}} ins(%[[I]] : tensor<2xi64>)
// CHECK: %[[J:.+]] = arith.index_cast %{{.+}} : i64 to index
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[J]]
// CHECK: %[[WRAP:.+]] = arith.addi %[[J]]
// CHECK: %[[K:.+]] = arith.select %[[NEG]], %[[WRAP]], %[[J]]
// CHECK: %[[B:.+]] = linalg.index 0
// CHECK: %[[C:.+]] = linalg.index 2
// CHECK: tensor.extract %[[X]][%[[B]], %[[K]], %[[C]]]
func.func @gather(%x: tensor<2x3x4xf32>, %i: tensor<2xi64>) -> tensor<2x2x4xf32> {
  %0 = graph.gather %x, %i {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x2x4xf32>
  return %0 : tensor<2x2x4xf32>
}

// -----

// Broadcast copies through a map over the trailing dims; shape_of reads dims;
// fill sizes come from the shape tensor.
// CHECK-DAG: #[[TRAIL:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>
// CHECK-LABEL: func.func @broadcast_shape_fill
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>, %[[D:[^:]+]]: tensor<?x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[TRAIL]], #{{.+}}]
// CHECK: %[[ROWS:.+]] = tensor.dim %[[D]]
// CHECK: %[[ROWS64:.+]] = arith.index_cast %[[ROWS]] : index to i64
// CHECK: %[[SHAPE:.+]] = tensor.from_elements %[[ROWS64]], %{{.+}} : tensor<2xi64>
// CHECK: %[[E:.+]] = tensor.empty(%{{.+}}) : tensor<?x4xf32>
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[E]] : tensor<?x4xf32>)
func.func @broadcast_shape_fill(%x: tensor<2x3x4xf32>, %d: tensor<?x4xf32>) -> (tensor<5x2x3x4xf32>, tensor<2xi64>, tensor<?x4xf32>) {
  %0 = graph.broadcast %x : (tensor<2x3x4xf32>) -> tensor<5x2x3x4xf32>
  %1 = graph.shape_of %d : tensor<?x4xf32> -> tensor<2xi64>
  %2 = graph.fill %1 {value = dense<1.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x4xf32>
  return %0, %1, %2 : tensor<5x2x3x4xf32>, tensor<2xi64>, tensor<?x4xf32>
}

// -----

// A dynamic input dimension under a run-time shape may be 1 where the result's
// is not (an Expand of [1, ?] to [1, 7] with the ? 1 at run time): the input
// is read element by element, at index 0 where its size is 1, never past its
// end.
// CHECK-LABEL: func.func @broadcast_dynamic_to_shape
// CHECK: %[[D1:.+]] = tensor.dim %[[X:.+]], %c1
// CHECK: linalg.generic
// CHECK-SAME: outs(
// CHECK: %[[I:.+]] = linalg.index 1
// CHECK: %[[ONE:.+]] = arith.cmpi eq, %[[D1]], %c1
// CHECK: %[[AT:.+]] = arith.select %[[ONE]], %c0, %[[I]]
// CHECK: tensor.extract %[[X]][%c0, %[[AT]]]
func.func @broadcast_dynamic_to_shape(%x: tensor<1x?xf32>, %shape: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = graph.broadcast %x, %shape : (tensor<1x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A run-time range: length max(ceil((limit - start) / delta), 0), element
// start + i * delta.
// CHECK-LABEL: func.func @range
// CHECK: %[[DIFF:.+]] = arith.subi
// CHECK: %[[LEN:.+]] = arith.ceildivsi %[[DIFF]]
// CHECK: arith.maxsi %[[LEN]]
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: arith.muli
// CHECK: arith.addi
func.func @range(%s: tensor<i64>, %l: tensor<i64>, %d: tensor<i64>) -> tensor<?xi64> {
  %0 = graph.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

// Lower trilu keeps col - row <= k.
// CHECK-LABEL: func.func @trilu_lower
// CHECK: %[[K:.+]] = arith.constant 1 : i64
// CHECK: %[[DIFF:.+]] = arith.subi
// CHECK: arith.cmpi sle, %[[DIFF]], %[[K]] : i64
func.func @trilu_lower(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = graph.trilu %x {upper = false, k = 1 : i64} : tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// gather_elements replaces the axis coordinate by the (wrapped) index; tile
// reads the input at each index modulo its size.
// CHECK-LABEL: func.func @gather_elements_tile
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>, %[[I:[^:]+]]: tensor<2x2xi64>
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<2x2xi64>)
// CHECK: %[[K:.+]] = arith.select
// CHECK: %[[R:.+]] = linalg.index 0
// CHECK: tensor.extract %[[X]][%[[R]], %[[K]]]
// CHECK: linalg.generic {{.*}} outs(%{{.+}} : tensor<4x3xf32>)
// CHECK: %[[ROW:.+]] = linalg.index 0
// CHECK: %[[WRAP:.+]] = arith.remui %[[ROW]]
// CHECK: tensor.extract %[[X]][%[[WRAP]],
func.func @gather_elements_tile(%x: tensor<2x3xf32>, %i: tensor<2x2xi64>, %r: tensor<2xi64>)
    -> (tensor<2x2xf32>, tensor<4x3xf32>) {
  %0 = graph.gather_elements %x, %i {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  %1 = graph.tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
  return %0, %1 : tensor<2x2xf32>, tensor<4x3xf32>
}

// -----

// Empty pieces: a split piece of size 0 is a tensor.empty, and concat leaves
// statically empty operands out (neither may sit at the end of a dimension).
// CHECK-LABEL: func.func @empty_pieces
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x0xf32>
// CHECK-NOT: tensor.concat
// CHECK: return %[[X]], %[[E]], %[[X]]
func.func @empty_pieces(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x0xf32>, tensor<2x8xf32>) {
  %0:2 = graph.split %x {axis = 1 : i64, sizes = array<i64: 8, 0>} : (tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x0xf32>)
  %1 = graph.concat %0#0, %0#1 {axis = 1 : i64} : (tensor<2x8xf32>, tensor<2x0xf32>) -> tensor<2x8xf32>
  return %0#0, %0#1, %1 : tensor<2x8xf32>, tensor<2x0xf32>, tensor<2x8xf32>
}

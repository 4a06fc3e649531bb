// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file | FileCheck %s

// Broadcasting reads the smaller operand through a map that drops its leading
// dimension; the body is the scalar op.
// CHECK-DAG: #[[ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: %[[X:.+]]: tensor<2x8xf32>, %[[B:.+]]: tensor<8xf32>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x8xf32>
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[B]] : tensor<2x8xf32>, tensor<8xf32>) outs(%[[E]] : tensor<2x8xf32>)
// CHECK: ^bb0(%[[A:.+]]: f32, %[[C:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[S:.+]] = arith.addf %[[A]], %[[C]] : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @add_broadcast(%x: tensor<2x8xf32>, %b: tensor<8xf32>) -> tensor<2x8xf32> {
  %0 = graph.add %x, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// A size-1 dimension broadcast against a larger one reads index 0.
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @mul_size_one
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[COL]], #{{.+}}]
// CHECK: arith.muli
func.func @mul_size_one(%x: tensor<4x3xi32>, %y: tensor<4x1xi32>) -> tensor<4x3xi32> {
  %0 = graph.mul %x, %y : (tensor<4x3xi32>, tensor<4x1xi32>) -> tensor<4x3xi32>
  return %0 : tensor<4x3xi32>
}

// -----

// Dynamic result sizes come from the operand.
// CHECK-LABEL: func.func @dynamic_gelu
// CHECK-SAME: %[[X:.+]]: tensor<?x8xf32>
// CHECK: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[D:.+]] = tensor.dim %[[X]], %[[C0]] : tensor<?x8xf32>
// CHECK: tensor.empty(%[[D]]) : tensor<?x8xf32>
// CHECK: math.erf
func.func @dynamic_gelu(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = graph.gelu %x : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// An op that reads signedness takes it from its unsigned attribute: the
// integers stay signless and the body uses the unsigned variant.
// CHECK-LABEL: func.func @unsigned_max
// CHECK-SAME: (%[[U:[^:]+]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK: %[[G:.+]] = linalg.generic {{.*}} ins(%[[U]], %[[U]] : tensor<4xi8>, tensor<4xi8>)
// CHECK: arith.maxui
// CHECK: return %[[G]]
func.func @unsigned_max(%u: tensor<4xi8>) -> tensor<4xi8> {
  %0 = graph.max %u, %u {is_unsigned} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Casts follow the input's signedness; comparisons on floats are ordered except
// `ne`; floating-point max/min propagate NaN.
// CHECK-LABEL: func.func @casts_and_compares
// CHECK: arith.uitofp %{{.+}} : i8 to f32
// CHECK: arith.extsi %{{.+}} : i32 to i64
// CHECK: arith.fptosi %{{.+}} : f32 to i32
// CHECK: arith.cmpf une
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf une
// CHECK: arith.cmpi ult
// CHECK: arith.maximumf
func.func @casts_and_compares(%u: tensor<4xi8>, %i: tensor<4xi32>, %f: tensor<4xf32>, %v: tensor<4xi16>)
    -> (tensor<4xf32>, tensor<4xi64>, tensor<4xi32>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>) {
  %0 = graph.cast %u {input_unsigned} : tensor<4xi8> -> tensor<4xf32>
  %1 = graph.cast %i : tensor<4xi32> -> tensor<4xi64>
  %2 = graph.cast %f : tensor<4xf32> -> tensor<4xi32>
  %3 = graph.cast %f : tensor<4xf32> -> tensor<4xi1>
  %4 = graph.compare lt, %f, %f : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %5 = graph.compare ne, %f, %f : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %6 = graph.compare lt, %v, %v {is_unsigned} : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi1>
  %7 = graph.max %f, %f : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4xf32>, tensor<4xi64>, tensor<4xi32>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>
}

// -----

// Integer `mod` without fmod takes the divisor's sign: the remainder is corrected
// by adding the divisor when it is non-zero and the signs differ.
// CHECK-LABEL: func.func @floor_mod
// CHECK: %[[R:.+]] = arith.remsi %[[A:.+]], %[[D:.+]] : i64
// CHECK: %[[NZ:.+]] = arith.cmpi ne, %[[R]], %{{.+}} : i64
// CHECK: %[[RN:.+]] = arith.cmpi slt, %[[R]], %{{.+}} : i64
// CHECK: %[[DN:.+]] = arith.cmpi slt, %[[D]], %{{.+}} : i64
// CHECK: %[[DIFF:.+]] = arith.xori %[[RN]], %[[DN]] : i1
// CHECK: %[[FIX:.+]] = arith.andi %[[NZ]], %[[DIFF]] : i1
// CHECK: %[[SUM:.+]] = arith.addi %[[R]], %[[D]] : i64
// CHECK: arith.select %[[FIX]], %[[SUM]], %[[R]] : i64
func.func @floor_mod(%a: tensor<4xi64>, %d: tensor<4xi64>) -> tensor<4xi64> {
  %0 = graph.mod %a, %d : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// `where` selects after broadcasting all three operands; is_inf checks only the
// requested sign.
// CHECK-LABEL: func.func @where_and_is_inf
// CHECK: %[[PINF:.+]] = arith.constant 0x7F800000 : f32
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #{{.+}}, #{{.+}}]
// CHECK: arith.select
// CHECK: arith.cmpf oeq, %{{.+}}, %[[PINF]] : f32
// CHECK-NOT: arith.ori
func.func @where_and_is_inf(%c: tensor<2x4xi1>, %x: tensor<2x4xf32>, %y: tensor<f32>) -> (tensor<2x4xf32>, tensor<2x4xi1>) {
  %0 = graph.where %c, %x, %y : (tensor<2x4xi1>, tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %1 = graph.is_inf %x {detect_negative = false} : tensor<2x4xf32> -> tensor<2x4xi1>
  return %0, %1 : tensor<2x4xf32>, tensor<2x4xi1>
}

// -----

// With several operands, one whose dimensions are dynamic may be 1 at run time
// even when its type matches the result's: it is read element by element, each
// dynamic dimension clamped to index 0 when its size is 1, and every dynamic
// result size is the largest of the operands' sizes.
// CHECK-LABEL: func.func @runtime_broadcast
// CHECK-SAME: %[[A:[^:]+]]: tensor<?x4xf32>, %[[B:[^:]+]]: tensor<?x4xf32>
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[DA:.+]] = tensor.dim %[[A]], %[[C0]]
// CHECK: %[[N:.+]] = arith.maxui %{{.+}}, %{{.+}} : index
// CHECK: %[[E:.+]] = tensor.empty(%[[N]]) : tensor<?x4xf32>
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<?x4xf32>)
// CHECK: %[[I:.+]] = linalg.index 0 : index
// CHECK: %[[AONE:.+]] = arith.cmpi eq, %[[DA]], %[[C1]] : index
// CHECK: %[[AI:.+]] = arith.select %[[AONE]], %[[C0]], %[[I]] : index
// CHECK: tensor.extract %[[A]][%[[AI]], %{{.+}}]
// CHECK: tensor.extract %[[B]]
// CHECK: arith.addf
func.func @runtime_broadcast(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = graph.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

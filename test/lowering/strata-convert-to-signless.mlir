// RUN: strata-opt %s --strata-convert-to-signless --split-input-file | FileCheck %s
// RUN: strata-opt %s --strata-decompose --strata-convert-to-signless --strata-lower-graph-to-linalg --split-input-file | FileCheck %s --check-prefix=LOWER

// Every op that reads signedness records it before its integer types become
// signless; ops whose result does not depend on it get no attribute, and
// signed integers read as signed get none either.
// CHECK-LABEL: func.func @records_signedness
// CHECK-SAME: %[[U:[^:]+]]: tensor<4xi8>, %[[S:[^:]+]]: tensor<4xi8>, %[[F:[^:]+]]: tensor<4xf32>
// CHECK-SAME: -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi1>, tensor<4xi8>, tensor<4xi8>
// CHECK: graph.max %[[U]], %[[U]] {is_unsigned} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK: graph.div %[[U]], %[[U]] {is_unsigned} :
// CHECK: graph.mod %[[U]], %[[U]] {is_unsigned} :
// CHECK: graph.compare lt, %[[U]], %[[U]] {is_unsigned} :
// CHECK: graph.relu %[[U]] {is_unsigned} : tensor<4xi8>
// CHECK: graph.add %[[U]], %[[U]] : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK: graph.min %[[S]], %[[S]] : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK: graph.cast %[[U]] {input_unsigned} : tensor<4xi8> -> tensor<4xf32>
// CHECK: graph.cast %[[F]] {result_unsigned} : tensor<4xf32> -> tensor<4xi16>
// CHECK: graph.cast %[[U]] {input_unsigned, result_unsigned} : tensor<4xi8> -> tensor<4xi16>
// CHECK: graph.reduce min %[[U]] {{{.*}}is_unsigned{{.*}}} : (tensor<4xi8>) -> tensor<i8>
// CHECK: graph.arg_reduce max %[[U]] {{{.*}}is_unsigned{{.*}}} : (tensor<4xi8>) -> tensor<i64>
// LOWER-LABEL: func.func @records_signedness
// LOWER-NOT: tensor.bitcast
// LOWER: arith.maxui
// LOWER: arith.divui
// LOWER: arith.remui
// LOWER: arith.cmpi ult
// LOWER: arith.addi
// LOWER: arith.minsi
// LOWER: arith.uitofp %{{.+}} : i8 to f32
// LOWER: arith.fptoui %{{.+}} : f32 to i16
// LOWER: arith.extui %{{.+}} : i8 to i16
// LOWER: arith.minui
// LOWER: arith.cmpi ugt
// LOWER-NOT: tensor.bitcast
// LOWER: return
func.func @records_signedness(%u: tensor<4xui8>, %s: tensor<4xsi8>, %f: tensor<4xf32>)
    -> (tensor<4xui8>, tensor<4xui8>, tensor<4xui8>, tensor<4xi1>, tensor<4xui8>, tensor<4xui8>,
        tensor<4xsi8>, tensor<4xf32>, tensor<4xui16>, tensor<4xui16>, tensor<ui8>, tensor<i64>) {
  %0 = graph.max %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = graph.div %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %2 = graph.mod %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %3 = graph.compare lt, %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %4 = graph.relu %u : tensor<4xui8>
  %5 = graph.add %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %6 = graph.min %s, %s : (tensor<4xsi8>, tensor<4xsi8>) -> tensor<4xsi8>
  %7 = graph.cast %u : tensor<4xui8> -> tensor<4xf32>
  %8 = graph.cast %f : tensor<4xf32> -> tensor<4xui16>
  %9 = graph.cast %u : tensor<4xui8> -> tensor<4xui16>
  %10 = graph.reduce min %u {axes = array<i64: 0>, keep_dims = false} : (tensor<4xui8>) -> tensor<ui8>
  %11 = graph.arg_reduce max %u {axis = 0 : i64, keep_dims = false} : (tensor<4xui8>) -> tensor<i64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11
      : tensor<4xui8>, tensor<4xui8>, tensor<4xui8>, tensor<4xi1>, tensor<4xui8>, tensor<4xui8>,
        tensor<4xsi8>, tensor<4xf32>, tensor<4xui16>, tensor<4xui16>, tensor<ui8>, tensor<i64>
}

// -----

// Attributes keep their bits under the signless type: a ui8 constant of 200 is
// the i8 -56, a fill value likewise, and a blob is the same resource.
// CHECK-LABEL: func.func @attributes
// CHECK-DAG: graph.constant dense<-56> : tensor<2xi8>
// CHECK-DAG: graph.fill %{{.+}} {value = dense<-1> : tensor<1xi8>} : (tensor<1xi64>) -> tensor<?xi8>
// CHECK-DAG: graph.constant dense_resource<blob> : tensor<4xi8>
// LOWER-LABEL: func.func @attributes
// LOWER-NOT: tensor.bitcast
// LOWER-DAG: arith.constant dense<-56> : tensor<2xi8>
// LOWER-DAG: arith.constant -1 : i8
// LOWER-DAG: arith.constant dense_resource<blob> : tensor<4xi8>
// LOWER-NOT: tensor.bitcast
// LOWER: return
func.func @attributes(%shape: tensor<1xi64>) -> (tensor<2xui8>, tensor<?xui8>, tensor<4xui8>) {
  %0 = graph.constant dense<200> : tensor<2xui8>
  %1 = graph.fill %shape {value = dense<255> : tensor<1xui8>} : (tensor<1xi64>) -> tensor<?xui8>
  %2 = graph.constant dense_resource<blob> : tensor<4xui8>
  return %0, %1, %2 : tensor<2xui8>, tensor<?xui8>, tensor<4xui8>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x0400000001020304"
    }
  }
#-}

// -----

// Data movement does not depend on signedness: the moved tensors are signless
// from the function arguments on, and no tensor.bitcast (which does not
// bufferise) is left.
// CHECK-LABEL: func.func @data_movement
// CHECK: graph.reshape %{{.+}} : (tensor<3xi8>) -> tensor<3x1xi8>
// LOWER-LABEL: func.func @data_movement
// LOWER-SAME: %[[Z:[^:]+]]: tensor<3xi8>
// LOWER-NOT: tensor.bitcast
// LOWER: %[[E:.+]] = tensor.expand_shape %[[Z]] {{\[}}[0, 1]] output_shape [3, 1] : tensor<3xi8> into tensor<3x1xi8>
// LOWER: %[[T:.+]] = linalg.transpose ins(%[[E]] : tensor<3x1xi8>)
// LOWER-NOT: tensor.bitcast
// LOWER: return %[[E]], %[[T]] : tensor<3x1xi8>, tensor<1x3xi8>
func.func @data_movement(%z: tensor<3xui8>) -> (tensor<3x1xui8>, tensor<1x3xui8>) {
  %0 = graph.reshape %z : (tensor<3xui8>) -> tensor<3x1xui8>
  %1 = graph.transpose %0 {permutation = array<i64: 1, 0>} : (tensor<3x1xui8>) -> tensor<1x3xui8>
  return %0, %1 : tensor<3x1xui8>, tensor<1x3xui8>
}

// -----

// An unsigned range has no elements when the limit is below the start
// (compared unsigned) and otherwise ceil((limit - start) / delta), unsigned.
// CHECK-LABEL: func.func @unsigned_range
// CHECK: graph.range %{{.+}}, %{{.+}}, %{{.+}} {is_unsigned} : (tensor<i16>, tensor<i16>, tensor<i16>) -> tensor<?xi16>
// LOWER-LABEL: func.func @unsigned_range
// LOWER-SAME: %[[START:[^:]+]]: tensor<i16>, %[[LIMIT:[^:]+]]: tensor<i16>, %[[DELTA:[^:]+]]: tensor<i16>
// LOWER-DAG: %[[S:.+]] = tensor.extract %[[START]][] : tensor<i16>
// LOWER-DAG: %[[L:.+]] = tensor.extract %[[LIMIT]][] : tensor<i16>
// LOWER-DAG: %[[D:.+]] = tensor.extract %[[DELTA]][] : tensor<i16>
// LOWER: %[[SPAN:.+]] = arith.subi %[[L]], %[[S]] : i16
// LOWER: %[[NONE:.+]] = arith.cmpi ult, %[[L]], %[[S]] : i16
// LOWER: %[[N:.+]] = arith.ceildivui %[[SPAN]], %[[D]] : i16
// LOWER: %[[LEN:.+]] = arith.select %[[NONE]], %{{.+}}, %[[N]] : i16
// LOWER: arith.extui %[[LEN]] : i16 to i64
func.func @unsigned_range(%start: tensor<ui16>, %limit: tensor<ui16>, %delta: tensor<ui16>) -> tensor<?xui16> {
  %0 = graph.range %start, %limit, %delta : (tensor<ui16>, tensor<ui16>, tensor<ui16>) -> tensor<?xui16>
  return %0 : tensor<?xui16>
}

// -----

// A composite kept whole records its signedness too: quantize without a zero
// point writes ui8, so its i8 result is unsigned. Decomposed first (the
// pipeline's order), its casts record it instead.
// CHECK-LABEL: func.func @quantize
// CHECK: graph.quantize %{{.+}}, %{{.+}} {is_unsigned} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi8>
// CHECK: graph.dequantize %{{.+}}, %{{.+}} {is_unsigned} : (tensor<4xi8>, tensor<f32>) -> tensor<4xf32>
// LOWER-LABEL: func.func @quantize
// LOWER: arith.fptoui %{{.+}} : f32 to i8
// LOWER: arith.uitofp %{{.+}} : i8 to f32
func.func @quantize(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xf32> {
  %0 = graph.quantize %x, %s : (tensor<4xf32>, tensor<f32>) -> tensor<4xui8>
  %1 = graph.dequantize %0, %s : (tensor<4xui8>, tensor<f32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

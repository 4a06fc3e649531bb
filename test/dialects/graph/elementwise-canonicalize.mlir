// RUN: strata-opt %s --canonicalize --split-input-file | FileCheck %s

// Folders of the ops in ElementwiseOps.td: integer constant folding for shape
// arithmetic, cast identities and conversions, and select with known conditions.

// CHECK-LABEL: func.func @fold_int_arithmetic
func.func @fold_int_arithmetic() -> (tensor<3xi64>, tensor<3xi64>, tensor<3xi64>,
                                     tensor<3xi64>) {
  // CHECK-DAG: %[[ADD:.+]] = graph.constant dense<[11, 18, 33]> : tensor<3xi64>
  // CHECK-DAG: %[[SUB:.+]] = graph.constant dense<[9, 22, 27]> : tensor<3xi64>
  // CHECK-DAG: %[[MUL:.+]] = graph.constant dense<[10, -40, 90]> : tensor<3xi64>
  // CHECK-DAG: %[[DIV:.+]] = graph.constant dense<[10, -10, 10]> : tensor<3xi64>
  // CHECK-NOT: graph.add
  // CHECK-NOT: graph.sub
  // CHECK-NOT: graph.mul
  // CHECK-NOT: graph.div
  %a = graph.constant dense<[10, 20, 30]> : tensor<3xi64>
  %b = graph.constant dense<[1, -2, 3]> : tensor<3xi64>
  %add = graph.add %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %sub = graph.sub %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %mul = graph.mul %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %div = graph.div %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  // CHECK: return %[[ADD]], %[[SUB]], %[[MUL]], %[[DIV]]
  return %add, %sub, %mul, %div : tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>
}

// -----

// Division truncates toward zero, as ONNX Div on integers.
// CHECK-LABEL: func.func @fold_div_truncates_toward_zero
func.func @fold_div_truncates_toward_zero() -> tensor<4xi32> {
  // CHECK: %[[Q:.+]] = graph.constant dense<[2, -2, -2, 2]> : tensor<4xi32>
  // CHECK-NOT: graph.div
  %a = graph.constant dense<[7, -7, 7, -7]> : tensor<4xi32>
  %b = graph.constant dense<[3, 3, -3, -3]> : tensor<4xi32>
  %q = graph.div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  // CHECK: return %[[Q]]
  return %q : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @no_fold_div_by_zero
func.func @no_fold_div_by_zero() -> tensor<2xi64> {
  // CHECK: %[[Q:.+]] = graph.div
  %a = graph.constant dense<[4, 6]> : tensor<2xi64>
  %b = graph.constant dense<[2, 0]> : tensor<2xi64>
  %q = graph.div %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  // CHECK: return %[[Q]]
  return %q : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @fold_int_broadcast
func.func @fold_int_broadcast() -> (tensor<2x3xi64>, tensor<2x3xi64>, tensor<3xi64>) {
  // CHECK-DAG: %[[SUB:.+]] = graph.constant dense<{{\[}}[0, -1, -2], [1, 0, -1]]> : tensor<2x3xi64>
  // CHECK-DAG: %[[MUL:.+]] = graph.constant dense<{{\[}}[1, 2, 3], [2, 4, 6]]> : tensor<2x3xi64>
  // CHECK-DAG: %[[SCALED:.+]] = graph.constant dense<[2, 4, 6]> : tensor<3xi64>
  // CHECK-NOT: graph.sub
  // CHECK-NOT: graph.mul
  %col = graph.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %row = graph.constant dense<[1, 2, 3]> : tensor<3xi64>
  %two = graph.constant dense<2> : tensor<i64>
  %sub = graph.sub %col, %row : (tensor<2x1xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %mul = graph.mul %col, %row : (tensor<2x1xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %scaled = graph.mul %row, %two : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  // CHECK: return %[[SUB]], %[[MUL]], %[[SCALED]]
  return %sub, %mul, %scaled : tensor<2x3xi64>, tensor<2x3xi64>, tensor<3xi64>
}

// -----

// CHECK-LABEL: func.func @fold_max_min
func.func @fold_max_min() -> (tensor<3xi64>, tensor<3xi64>) {
  // CHECK-DAG: %[[MAX:.+]] = graph.constant dense<[5, 0, 7]> : tensor<3xi64>
  // CHECK-DAG: %[[MIN:.+]] = graph.constant dense<[-3, -1, 7]> : tensor<3xi64>
  // CHECK-NOT: graph.max
  // CHECK-NOT: graph.min
  %a = graph.constant dense<[5, -1, 7]> : tensor<3xi64>
  %b = graph.constant dense<[-3, 0, 7]> : tensor<3xi64>
  %max = graph.max %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %min = graph.min %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  // CHECK: return %[[MAX]], %[[MIN]]
  return %max, %min : tensor<3xi64>, tensor<3xi64>
}

// -----

// `true` is 1 for the order of i1, not the -1 of a signed 1-bit reading.
// CHECK-LABEL: func.func @fold_max_min_bool
func.func @fold_max_min_bool() -> (tensor<2xi1>, tensor<2xi1>) {
  // CHECK-DAG: %[[MAX:.+]] = graph.constant dense<[true, false]> : tensor<2xi1>
  // CHECK-DAG: %[[MIN:.+]] = graph.constant dense<false> : tensor<2xi1>
  %a = graph.constant dense<[true, false]> : tensor<2xi1>
  %b = graph.constant dense<false> : tensor<2xi1>
  %max = graph.max %a, %b : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %min = graph.min %a, %b : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  // CHECK: return %[[MAX]], %[[MIN]]
  return %max, %min : tensor<2xi1>, tensor<2xi1>
}

// -----

// CHECK-LABEL: func.func @no_fold_float_arithmetic
// CHECK-SAME: (%[[X:.+]]: tensor<2xf32>)
func.func @no_fold_float_arithmetic(%x: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK: %[[C:.+]] = graph.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  // CHECK: %[[SUM:.+]] = graph.add %[[C]], %[[C]]
  %c = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %sum = graph.add %c, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  // CHECK: return %[[SUM]]
  return %sum : tensor<2xf32>
}

// -----

// Operands that are not constant are left alone.
// CHECK-LABEL: func.func @no_fold_runtime_operand
// CHECK-SAME: (%[[X:.+]]: tensor<3xi64>)
func.func @no_fold_runtime_operand(%x: tensor<3xi64>) -> tensor<3xi64> {
  // CHECK: %[[C:.+]] = graph.constant dense<1> : tensor<3xi64>
  // CHECK: %[[SUM:.+]] = graph.add %[[X]], %[[C]]
  %c = graph.constant dense<1> : tensor<3xi64>
  %sum = graph.add %x, %c : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  // CHECK: return %[[SUM]]
  return %sum : tensor<3xi64>
}

// -----

// CHECK-LABEL: func.func @fold_compare
func.func @fold_compare() -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>,
                              tensor<3xi1>, tensor<3xi1>) {
  // CHECK-DAG: %[[EQ:.+]] = graph.constant dense<[false, true, false]> : tensor<3xi1>
  // CHECK-DAG: %[[NE:.+]] = graph.constant dense<[true, false, true]> : tensor<3xi1>
  // CHECK-DAG: %[[LT:.+]] = graph.constant dense<[true, false, false]> : tensor<3xi1>
  // CHECK-DAG: %[[LE:.+]] = graph.constant dense<[true, true, false]> : tensor<3xi1>
  // CHECK-DAG: %[[GT:.+]] = graph.constant dense<[false, false, true]> : tensor<3xi1>
  // CHECK-DAG: %[[GE:.+]] = graph.constant dense<[false, true, true]> : tensor<3xi1>
  // CHECK-NOT: graph.compare
  %a = graph.constant dense<[-1, 0, 1]> : tensor<3xi64>
  %z = graph.constant dense<0> : tensor<i64>
  %eq = graph.compare eq, %a, %z : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %ne = graph.compare ne, %a, %z : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %lt = graph.compare lt, %a, %z : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %le = graph.compare le, %a, %z : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %gt = graph.compare gt, %a, %z : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %ge = graph.compare ge, %a, %z : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  // CHECK: return %[[EQ]], %[[NE]], %[[LT]], %[[LE]], %[[GT]], %[[GE]]
  return %eq, %ne, %lt, %le, %gt, %ge
      : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>
}

// -----

// CHECK-LABEL: func.func @fold_compare_bool
func.func @fold_compare_bool() -> tensor<2xi1> {
  // CHECK: %[[LT:.+]] = graph.constant dense<[false, true]> : tensor<2xi1>
  %a = graph.constant dense<[true, false]> : tensor<2xi1>
  %b = graph.constant dense<true> : tensor<2xi1>
  %lt = graph.compare lt, %a, %b : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  // CHECK: return %[[LT]]
  return %lt : tensor<2xi1>
}

// -----

// CHECK-LABEL: func.func @fold_neg
func.func @fold_neg() -> tensor<3xi32> {
  // CHECK: %[[NEG:.+]] = graph.constant dense<[-4, 0, 9]> : tensor<3xi32>
  // CHECK-NOT: graph.neg
  %a = graph.constant dense<[4, 0, -9]> : tensor<3xi32>
  %neg = graph.neg %a : tensor<3xi32>
  // CHECK: return %[[NEG]]
  return %neg : tensor<3xi32>
}

// -----

// CHECK-LABEL: func.func @fold_cast_identity
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>)
func.func @fold_cast_identity(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // CHECK-NOT: graph.cast
  %y = graph.cast %x : tensor<?x4xf32> -> tensor<?x4xf32>
  // CHECK: return %[[X]]
  return %y : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_cast_int_to_int
func.func @fold_cast_int_to_int() -> (tensor<3xi32>, tensor<3xi32>, tensor<3xi1>,
                                      tensor<2xi64>, tensor<2xi8>) {
  // ui8 zero-extends, i8 sign-extends, i1 gives 0 or 1, and integers become i1 by
  // comparison with zero; narrowing truncates.
  // CHECK-DAG: %[[ZEXT:.+]] = graph.constant dense<[255, 1, 128]> : tensor<3xi32>
  // CHECK-DAG: %[[SEXT:.+]] = graph.constant dense<[-1, 1, -128]> : tensor<3xi32>
  // CHECK-DAG: %[[BOOL:.+]] = graph.constant dense<[false, true, true]> : tensor<3xi1>
  // CHECK-DAG: %[[FROM_BOOL:.+]] = graph.constant dense<[1, 0]> : tensor<2xi64>
  // CHECK-DAG: %[[TRUNC:.+]] = graph.constant dense<[1, -1]> : tensor<2xi8>
  // CHECK-NOT: graph.cast
  %u = graph.constant dense<[255, 1, 128]> : tensor<3xui8>
  %zext = graph.cast %u : tensor<3xui8> -> tensor<3xi32>
  %s = graph.constant dense<[-1, 1, -128]> : tensor<3xi8>
  %sext = graph.cast %s : tensor<3xi8> -> tensor<3xi32>
  %i = graph.constant dense<[0, 5, -3]> : tensor<3xi64>
  %bool = graph.cast %i : tensor<3xi64> -> tensor<3xi1>
  %b = graph.constant dense<[true, false]> : tensor<2xi1>
  %from_bool = graph.cast %b : tensor<2xi1> -> tensor<2xi64>
  %w = graph.constant dense<[257, 511]> : tensor<2xi32>
  %trunc = graph.cast %w : tensor<2xi32> -> tensor<2xi8>
  // CHECK: return %[[ZEXT]], %[[SEXT]], %[[BOOL]], %[[FROM_BOOL]], %[[TRUNC]]
  return %zext, %sext, %bool, %from_bool, %trunc
      : tensor<3xi32>, tensor<3xi32>, tensor<3xi1>, tensor<2xi64>, tensor<2xi8>
}

// -----

// CHECK-LABEL: func.func @fold_cast_int_to_float
func.func @fold_cast_int_to_float() -> (tensor<3xf32>, tensor<2xf16>) {
  // CHECK-DAG: %[[F32:.+]] = graph.constant dense<[0.000000e+00, 5.000000e+00, -3.000000e+00]> : tensor<3xf32>
  // CHECK-DAG: %[[F16:.+]] = graph.constant dense<[2.550000e+02, 1.000000e+00]> : tensor<2xf16>
  // CHECK-NOT: graph.cast
  %i = graph.constant dense<[0, 5, -3]> : tensor<3xi64>
  %f = graph.cast %i : tensor<3xi64> -> tensor<3xf32>
  %u = graph.constant dense<[255, 1]> : tensor<2xui8>
  %h = graph.cast %u : tensor<2xui8> -> tensor<2xf16>
  // CHECK: return %[[F32]], %[[F16]]
  return %f, %h : tensor<3xf32>, tensor<2xf16>
}

// -----

// CHECK-LABEL: func.func @fold_where_splat_condition
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>, %[[Y:.+]]: tensor<4xf32>)
func.func @fold_where_splat_condition(%x: tensor<4xf32>, %y: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<4xf32>) {
  // CHECK-NOT: graph.where
  %t = graph.constant dense<true> : tensor<4xi1>
  %f = graph.constant dense<false> : tensor<i1>
  %a = graph.where %t, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = graph.where %f, %x, %y : (tensor<i1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // CHECK: return %[[X]], %[[Y]]
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_where_constants
func.func @fold_where_constants() -> tensor<2x3xi64> {
  // CHECK: %[[W:.+]] = graph.constant dense<{{\[}}[1, 2, 3], [-7, -7, -7]]> : tensor<2x3xi64>
  // CHECK-NOT: graph.where
  %m = graph.constant dense<[[true], [false]]> : tensor<2x1xi1>
  %a = graph.constant dense<[1, 2, 3]> : tensor<3xi64>
  %b = graph.constant dense<-7> : tensor<i64>
  %w = graph.where %m, %a, %b : (tensor<2x1xi1>, tensor<3xi64>, tensor<i64>) -> tensor<2x3xi64>
  // CHECK: return %[[W]]
  return %w : tensor<2x3xi64>
}

// -----

// A splat condition whose chosen operand needs broadcasting is not a fold of the
// operand itself.
// CHECK-LABEL: func.func @no_fold_where_splat_needing_broadcast
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>, %[[Y:.+]]: tensor<2x4xf32>)
func.func @no_fold_where_splat_needing_broadcast(%x: tensor<4xf32>, %y: tensor<2x4xf32>)
    -> tensor<2x4xf32> {
  // CHECK: %[[W:.+]] = graph.where %{{.+}}, %[[X]], %[[Y]]
  %t = graph.constant dense<true> : tensor<i1>
  %w = graph.where %t, %x, %y : (tensor<i1>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: return %[[W]]
  return %w : tensor<2x4xf32>
}

// -----

// With `is_unsigned` the signless constants are read as unsigned: -56 is 200,
// -1 is 255. Signed, -56 / 3 would be -18 and max(-56, 3) would be 3.
// CHECK-LABEL: func.func @fold_unsigned
func.func @fold_unsigned() -> (tensor<2xi8>, tensor<2xi8>, tensor<2xi1>, tensor<2xi32>, tensor<2xf32>) {
  // CHECK-DAG: %[[DIV:.+]] = graph.constant dense<[66, 85]> : tensor<2xi8>
  // CHECK-DAG: %[[MAX:.+]] = graph.constant dense<[-56, -1]> : tensor<2xi8>
  // CHECK-DAG: %[[LT:.+]] = graph.constant dense<false> : tensor<2xi1>
  // CHECK-DAG: %[[WIDE:.+]] = graph.constant dense<[200, 255]> : tensor<2xi32>
  // CHECK-DAG: %[[FLOAT:.+]] = graph.constant dense<[2.000000e+02, 2.550000e+02]> : tensor<2xf32>
  // CHECK-NOT: graph.div
  // CHECK-NOT: graph.max
  // CHECK-NOT: graph.compare
  // CHECK-NOT: graph.cast
  %a = graph.constant dense<[-56, -1]> : tensor<2xi8>
  %b = graph.constant dense<3> : tensor<2xi8>
  %div = graph.div %a, %b {is_unsigned} : (tensor<2xi8>, tensor<2xi8>) -> tensor<2xi8>
  %max = graph.max %a, %b {is_unsigned} : (tensor<2xi8>, tensor<2xi8>) -> tensor<2xi8>
  %lt = graph.compare lt, %a, %b {is_unsigned} : (tensor<2xi8>, tensor<2xi8>) -> tensor<2xi1>
  %wide = graph.cast %a {input_unsigned} : tensor<2xi8> -> tensor<2xi32>
  %float = graph.cast %a {input_unsigned} : tensor<2xi8> -> tensor<2xf32>
  // CHECK: return %[[DIV]], %[[MAX]], %[[LT]], %[[WIDE]], %[[FLOAT]]
  return %div, %max, %lt, %wide, %float : tensor<2xi8>, tensor<2xi8>, tensor<2xi1>, tensor<2xi32>, tensor<2xf32>
}

// -----

// A choice between a value and itself is the value, whatever the condition.
// CHECK-LABEL: func.func @where_same_branches
// CHECK-SAME: %{{[^:]+}}: tensor<4xi1>, %[[X:[^:]+]]: tensor<4xi64>
// CHECK-NEXT: return %[[X]]
func.func @where_same_branches(%c: tensor<4xi1>, %x: tensor<4xi64>) -> tensor<4xi64> {
  %y = graph.where %c, %x, %x : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %y : tensor<4xi64>
}

// -----

// Near miss: the same value broadcast to a larger result stays a where.
// CHECK-LABEL: func.func @where_same_branches_broadcast
// CHECK: graph.where
func.func @where_same_branches_broadcast(%c: tensor<2x4xi1>, %x: tensor<4xi64>) -> tensor<2x4xi64> {
  %y = graph.where %c, %x, %x : (tensor<2x4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<2x4xi64>
  return %y : tensor<2x4xi64>
}

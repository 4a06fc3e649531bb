// RUN: strata-opt %s --canonicalize --split-input-file | FileCheck %s

// Folders and canonicalisation patterns of the ops in StructuralOps.td: shape
// arithmetic on constants, identities, and ops with run-time shape operands
// becoming static once the operands are known.

// CHECK-LABEL: func.func @shape_of_static
func.func @shape_of_static(%x: tensor<1x128x768xf32>, %s: tensor<f32>)
    -> (tensor<3xi64>, tensor<0xi64>) {
  // CHECK-DAG: %[[SHAPE:.+]] = graph.constant dense<[1, 128, 768]> : tensor<3xi64>
  // CHECK-DAG: %[[EMPTY:.+]] = graph.constant dense<> : tensor<0xi64>
  // CHECK-NOT: graph.shape_of
  %shape = graph.shape_of %x : tensor<1x128x768xf32> -> tensor<3xi64>
  %empty = graph.shape_of %s : tensor<f32> -> tensor<0xi64>
  // CHECK: return %[[SHAPE]], %[[EMPTY]]
  return %shape, %empty : tensor<3xi64>, tensor<0xi64>
}

// -----

// CHECK-LABEL: func.func @no_fold_shape_of_dynamic
// CHECK-SAME: (%[[X:.+]]: tensor<?x768xf32>)
func.func @no_fold_shape_of_dynamic(%x: tensor<?x768xf32>) -> tensor<2xi64> {
  // CHECK: %[[SHAPE:.+]] = graph.shape_of %[[X]]
  %shape = graph.shape_of %x : tensor<?x768xf32> -> tensor<2xi64>
  // CHECK: return %[[SHAPE]]
  return %shape : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @fill_to_splat
// CHECK-SAME: (%[[SHAPE:.+]]: tensor<2xi64>)
func.func @fill_to_splat(%shape: tensor<2xi64>) -> (tensor<2x64xf32>, tensor<3xi64>) {
  // CHECK-DAG: %[[ZEROS:.+]] = graph.constant dense<0.000000e+00> : tensor<2x64xf32>
  // CHECK-DAG: %[[SEVENS:.+]] = graph.constant dense<7> : tensor<3xi64>
  // CHECK-NOT: graph.fill
  %zeros = graph.fill %shape {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<2x64xf32>
  %c = graph.constant dense<3> : tensor<1xi64>
  %sevens = graph.fill %c {value = dense<7> : tensor<i64>} : (tensor<1xi64>) -> tensor<3xi64>
  // CHECK: return %[[ZEROS]], %[[SEVENS]]
  return %zeros, %sevens : tensor<2x64xf32>, tensor<3xi64>
}

// -----

// CHECK-LABEL: func.func @no_fold_fill_dynamic
// CHECK-SAME: (%[[SHAPE:.+]]: tensor<2xi64>)
func.func @no_fold_fill_dynamic(%shape: tensor<2xi64>) -> tensor<?x64xf32> {
  // CHECK: %[[Z:.+]] = graph.fill %[[SHAPE]]
  %z = graph.fill %shape {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x64xf32>
  // CHECK: return %[[Z]]
  return %z : tensor<?x64xf32>
}

// -----

// CHECK-LABEL: func.func @fold_range
func.func @fold_range() -> (tensor<3xi64>, tensor<4xi32>, tensor<0xi64>) {
  // CHECK-DAG: %[[UP:.+]] = graph.constant dense<[0, 2, 4]> : tensor<3xi64>
  // CHECK-DAG: %[[DOWN:.+]] = graph.constant dense<[10, 7, 4, 1]> : tensor<4xi32>
  // CHECK-DAG: %[[EMPTY:.+]] = graph.constant dense<> : tensor<0xi64>
  // CHECK-NOT: graph.range
  %s = graph.constant dense<0> : tensor<i64>
  %l = graph.constant dense<5> : tensor<i64>
  %d = graph.constant dense<2> : tensor<i64>
  %up = graph.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<3xi64>
  %s32 = graph.constant dense<10> : tensor<i32>
  %l32 = graph.constant dense<0> : tensor<i32>
  %d32 = graph.constant dense<-3> : tensor<i32>
  %down = graph.range %s32, %l32, %d32 : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<4xi32>
  %empty = graph.range %l, %s, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<0xi64>
  // CHECK: return %[[UP]], %[[DOWN]], %[[EMPTY]]
  return %up, %down, %empty : tensor<3xi64>, tensor<4xi32>, tensor<0xi64>
}

// -----

// The importer cannot know the length of a range; once the operands are constant
// it becomes a constant, cast back to the dynamic type for existing users.
// CHECK-LABEL: func.func @fold_range_dynamic_result
func.func @fold_range_dynamic_result() -> tensor<?xi64> {
  // CHECK: %[[R:.+]] = graph.constant dense<[0, 1, 2, 3, 4, 5, 6]> : tensor<7xi64>
  // CHECK: %[[CAST:.+]] = tensor.cast %[[R]] : tensor<7xi64> to tensor<?xi64>
  // CHECK-NOT: graph.range
  %s = graph.constant dense<0> : tensor<i64>
  %l = graph.constant dense<7> : tensor<i64>
  %d = graph.constant dense<1> : tensor<i64>
  %r = graph.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  // CHECK: return %[[CAST]]
  return %r : tensor<?xi64>
}

// -----

// CHECK-LABEL: func.func @no_fold_range_zero_delta
func.func @no_fold_range_zero_delta() -> tensor<?xi64> {
  // CHECK: %[[R:.+]] = graph.range
  %s = graph.constant dense<0> : tensor<i64>
  %l = graph.constant dense<5> : tensor<i64>
  %d = graph.constant dense<0> : tensor<i64>
  %r = graph.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  // CHECK: return %[[R]]
  return %r : tensor<?xi64>
}

// -----

// The length would overflow 64-bit arithmetic; the range is left alone.
// CHECK-LABEL: func.func @no_fold_range_overflowing_span
func.func @no_fold_range_overflowing_span() -> tensor<?xi64> {
  // CHECK: %[[R:.+]] = graph.range
  %s = graph.constant dense<-9223372036854775807> : tensor<i64>
  %l = graph.constant dense<9223372036854775807> : tensor<i64>
  %d = graph.constant dense<1> : tensor<i64>
  %r = graph.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  // CHECK: return %[[R]]
  return %r : tensor<?xi64>
}

// -----

// CHECK-LABEL: func.func @fold_reshape_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x?xf32>)
func.func @fold_reshape_identity(%x: tensor<2x?xf32>) -> tensor<2x?xf32> {
  // CHECK-NOT: graph.reshape
  %y = graph.reshape %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: return %[[X]]
  return %y : tensor<2x?xf32>
}

// -----

// CHECK-LABEL: func.func @fold_reshape_constant
func.func @fold_reshape_constant() -> tensor<2x2xi64> {
  // CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi64>
  // CHECK-NOT: graph.reshape
  %c = graph.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %y = graph.reshape %c : (tensor<4xi64>) -> tensor<2x2xi64>
  // CHECK: return %[[C]]
  return %y : tensor<2x2xi64>
}

// -----

// CHECK-LABEL: func.func @reshape_chain
// CHECK-SAME: (%[[X:.+]]: tensor<1x128x768xf32>)
func.func @reshape_chain(%x: tensor<1x128x768xf32>) -> tensor<128x12x64xf32> {
  // CHECK: %[[Y:.+]] = graph.reshape %[[X]] : (tensor<1x128x768xf32>) -> tensor<128x12x64xf32>
  // CHECK-NOT: graph.reshape
  %a = graph.reshape %x : (tensor<1x128x768xf32>) -> tensor<128x768xf32>
  %b = graph.reshape %a : (tensor<128x768xf32>) -> tensor<128x12x64xf32>
  // CHECK: return %[[Y]]
  return %b : tensor<128x12x64xf32>
}

// -----

// Splitting and merging heads again is the identity.
// CHECK-LABEL: func.func @reshape_chain_to_identity
// CHECK-SAME: (%[[X:.+]]: tensor<?x768xf32>, %[[S:.+]]: tensor<3xi64>)
func.func @reshape_chain_to_identity(%x: tensor<?x768xf32>, %s: tensor<3xi64>) -> tensor<?x768xf32> {
  // CHECK-NOT: graph.reshape
  %a = graph.reshape %x, %s : (tensor<?x768xf32>, tensor<3xi64>) -> tensor<?x12x64xf32>
  %b = graph.reshape %a : (tensor<?x12x64xf32>) -> tensor<?x768xf32>
  // CHECK: return %[[X]]
  return %b : tensor<?x768xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_constant_shape_to_static
// CHECK-SAME: (%[[X:.+]]: tensor<1x128x768xf32>)
func.func @reshape_constant_shape_to_static(%x: tensor<1x128x768xf32>)
    -> tensor<?x?x?x?xf32> {
  // CHECK: %[[Y:.+]] = graph.reshape %[[X]] : (tensor<1x128x768xf32>) -> tensor<1x128x12x64xf32>
  // CHECK: %[[CAST:.+]] = tensor.cast %[[Y]] : tensor<1x128x12x64xf32> to tensor<?x?x?x?xf32>
  %s = graph.constant dense<[1, 128, 12, 64]> : tensor<4xi64>
  %y = graph.reshape %x, %s : (tensor<1x128x768xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  // CHECK: return %[[CAST]]
  return %y : tensor<?x?x?x?xf32>
}

// -----

// A -1 entry is inferred from the element count; when the result type is already
// what the constant says, no cast is needed.
// CHECK-LABEL: func.func @reshape_constant_shape_inferred_dim
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
func.func @reshape_constant_shape_inferred_dim(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  // CHECK: %[[Y:.+]] = graph.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  // CHECK-NOT: tensor.cast
  %s = graph.constant dense<[-1, 4]> : tensor<2xi64>
  %y = graph.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<6x4xf32>
}

// -----

// With a dynamic input the -1 dimension stays dynamic.
// CHECK-LABEL: func.func @reshape_constant_shape_dynamic_input
// CHECK-SAME: (%[[X:.+]]: tensor<?x768xf32>)
func.func @reshape_constant_shape_dynamic_input(%x: tensor<?x768xf32>) -> tensor<?x?x?xf32> {
  // CHECK: %[[Y:.+]] = graph.reshape %[[X]] : (tensor<?x768xf32>) -> tensor<?x12x64xf32>
  // CHECK: %[[CAST:.+]] = tensor.cast %[[Y]] : tensor<?x12x64xf32> to tensor<?x?x?xf32>
  %s = graph.constant dense<[-1, 12, 64]> : tensor<3xi64>
  %y = graph.reshape %x, %s : (tensor<?x768xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  // CHECK: return %[[CAST]]
  return %y : tensor<?x?x?xf32>
}

// -----

// A constant shape that contradicts the static element count fails at run time;
// the canonicaliser must not turn it into a static reshape that does not verify.
// CHECK-LABEL: func.func @no_static_reshape_for_wrong_element_count
// CHECK-SAME: (%[[X:.+]]: tensor<6xf32>)
func.func @no_static_reshape_for_wrong_element_count(%x: tensor<6xf32>)
    -> (tensor<?x?xf32>, tensor<?x?xf32>) {
  // CHECK-DAG: %[[S1:.+]] = graph.constant dense<[4, 2]> : tensor<2xi64>
  // CHECK-DAG: %[[S2:.+]] = graph.constant dense<[4, -1]> : tensor<2xi64>
  // CHECK: %[[A:.+]] = graph.reshape %[[X]], %[[S1]]
  // CHECK: %[[B:.+]] = graph.reshape %[[X]], %[[S2]]
  %s1 = graph.constant dense<[4, 2]> : tensor<2xi64>
  %a = graph.reshape %x, %s1 : (tensor<6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %s2 = graph.constant dense<[4, -1]> : tensor<2xi64>
  %b = graph.reshape %x, %s2 : (tensor<6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK: return %[[A]], %[[B]]
  return %a, %b : tensor<?x?xf32>, tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @fold_transpose_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x?x4xf32>)
func.func @fold_transpose_identity(%x: tensor<2x?x4xf32>) -> (tensor<2x?x4xf32>, tensor<4x?x2xf32>) {
  // CHECK: %[[T:.+]] = graph.transpose %[[X]] {permutation = array<i64: 2, 1, 0>}
  // CHECK-NOT: graph.transpose
  %id = graph.transpose %x {permutation = array<i64: 0, 1, 2>} : (tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  %t = graph.transpose %x {permutation = array<i64: 2, 1, 0>} : (tensor<2x?x4xf32>) -> tensor<4x?x2xf32>
  // CHECK: return %[[X]], %[[T]]
  return %id, %t : tensor<2x?x4xf32>, tensor<4x?x2xf32>
}

// -----

// CHECK-LABEL: func.func @fold_slice_constant
func.func @fold_slice_constant() -> (tensor<3xi64>, tensor<2xi64>) {
  // CHECK-DAG: %[[TAIL:.+]] = graph.constant dense<[20, 30, 40]> : tensor<3xi64>
  // CHECK-DAG: %[[REV:.+]] = graph.constant dense<[40, 20]> : tensor<2xi64>
  // CHECK-NOT: graph.slice
  %c = graph.constant dense<[10, 20, 30, 40]> : tensor<4xi64>
  %tail = graph.slice %c {start = array<i64: 1>, limit = array<i64: 4>, stride = array<i64: 1>}
      : (tensor<4xi64>) -> tensor<3xi64>
  %rev = graph.slice %c {start = array<i64: 3>, limit = array<i64: -1>, stride = array<i64: -2>}
      : (tensor<4xi64>) -> tensor<2xi64>
  // CHECK: return %[[TAIL]], %[[REV]]
  return %tail, %rev : tensor<3xi64>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @fold_slice_whole
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
func.func @fold_slice_whole(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // CHECK-NOT: graph.slice
  %y = graph.slice %x {start = array<i64: 0, 0>, limit = array<i64: -1, 8>, stride = array<i64: 1, 1>}
      : (tensor<?x8xf32>) -> tensor<?x8xf32>
  // CHECK: return %[[X]]
  return %y : tensor<?x8xf32>
}

// -----

// Reversing a dimension keeps its size but is not the identity.
// CHECK-LABEL: func.func @no_fold_slice_reverse
// CHECK-SAME: (%[[X:.+]]: tensor<8xf32>)
func.func @no_fold_slice_reverse(%x: tensor<8xf32>) -> tensor<8xf32> {
  // CHECK: %[[Y:.+]] = graph.slice %[[X]]
  %y = graph.slice %x {start = array<i64: 7>, limit = array<i64: -1>, stride = array<i64: -1>}
      : (tensor<8xf32>) -> tensor<8xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @dynamic_slice_constant_bounds
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x1024x1024xf32>)
func.func @dynamic_slice_constant_bounds(%x: tensor<1x1x1024x1024xf32>) -> tensor<1x1x?x1024xf32> {
  // CHECK: %[[S:.+]] = graph.slice %[[X]] {limit = array<i64: 1, 1, 128, 1024>, start = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1, 1, 1>}
  // CHECK-SAME: : (tensor<1x1x1024x1024xf32>) -> tensor<1x1x128x1024xf32>
  // CHECK: %[[CAST:.+]] = tensor.cast %[[S]] : tensor<1x1x128x1024xf32> to tensor<1x1x?x1024xf32>
  // CHECK-NOT: graph.dynamic_slice
  %starts = graph.constant dense<[0]> : tensor<1xi64>
  %ends = graph.constant dense<[128]> : tensor<1xi64>
  %axes = graph.constant dense<[2]> : tensor<1xi64>
  %y = graph.dynamic_slice %x, %starts, %ends, %axes
      : (tensor<1x1x1024x1024xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x1x?x1024xf32>
  // CHECK: return %[[CAST]]
  return %y : tensor<1x1x?x1024xf32>
}

// -----

// Negative indices count from the end, out-of-range ones are clamped, missing axes
// default to 0..n-1, and dimensions that are not sliced may be dynamic.
// CHECK-LABEL: func.func @dynamic_slice_onnx_bounds
// CHECK-SAME: (%[[X:.+]]: tensor<10x8x?xi64>)
func.func @dynamic_slice_onnx_bounds(%x: tensor<10x8x?xi64>) -> tensor<?x?x?xi64> {
  // CHECK: %[[S:.+]] = graph.slice %[[X]] {limit = array<i64: 9, 8, -1>, start = array<i64: 7, 2, 0>, stride = array<i64: 1, 2, 1>}
  // CHECK-SAME: : (tensor<10x8x?xi64>) -> tensor<2x3x?xi64>
  // CHECK: %[[CAST:.+]] = tensor.cast %[[S]] : tensor<2x3x?xi64> to tensor<?x?x?xi64>
  %starts = graph.constant dense<[-3, 2]> : tensor<2xi32>
  %ends = graph.constant dense<[-1, 9223372036854775807]> : tensor<2xi64>
  %steps = graph.constant dense<[1, 2]> : tensor<2xi64>
  %y = graph.dynamic_slice %x, %starts, %ends steps %steps
      : (tensor<10x8x?xi64>, tensor<2xi32>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?x?xi64>
  // CHECK: return %[[CAST]]
  return %y : tensor<?x?x?xi64>
}

// -----

// Negative steps: the start is clamped to [0, d - 1] and the end to [-1, d - 1],
// so x[-10::-1] of a length-4 dimension selects element 0 and x[::-1] all of them.
// CHECK-LABEL: func.func @dynamic_slice_negative_steps
// CHECK-SAME: (%[[X:.+]]: tensor<4x6xf32>)
func.func @dynamic_slice_negative_steps(%x: tensor<4x6xf32>) -> tensor<?x?xf32> {
  // CHECK: %[[S:.+]] = graph.slice %[[X]] {limit = array<i64: -1, -1>, start = array<i64: 0, 5>, stride = array<i64: -1, -2>}
  // CHECK-SAME: : (tensor<4x6xf32>) -> tensor<1x3xf32>
  // CHECK: tensor.cast %[[S]] : tensor<1x3xf32> to tensor<?x?xf32>
  %starts = graph.constant dense<[-10, 9223372036854775807]> : tensor<2xi64>
  %ends = graph.constant dense<[-9223372036854775808, -9223372036854775808]> : tensor<2xi64>
  %axes = graph.constant dense<[0, 1]> : tensor<2xi64>
  %steps = graph.constant dense<[-1, -2]> : tensor<2xi64>
  %y = graph.dynamic_slice %x, %starts, %ends, %axes steps %steps
      : (tensor<4x6xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @dynamic_slice_empty_dimension
// CHECK-SAME: (%[[X:.+]]: tensor<0xf32>)
func.func @dynamic_slice_empty_dimension(%x: tensor<0xf32>) -> tensor<?xf32> {
  // CHECK: %[[S:.+]] = graph.slice %[[X]] {limit = array<i64: -1>, start = array<i64: -1>, stride = array<i64: -1>}
  // CHECK-SAME: : (tensor<0xf32>) -> tensor<0xf32>
  %starts = graph.constant dense<[-1]> : tensor<1xi64>
  %ends = graph.constant dense<[-100]> : tensor<1xi64>
  %steps = graph.constant dense<[-1]> : tensor<1xi64>
  %y = graph.dynamic_slice %x, %starts, %ends steps %steps
      : (tensor<0xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

// A sliced dynamic dimension needs its size at run time.
// CHECK-LABEL: func.func @no_static_slice_of_dynamic_dimension
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
func.func @no_static_slice_of_dynamic_dimension(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // CHECK: %[[Y:.+]] = graph.dynamic_slice %[[X]]
  %starts = graph.constant dense<[1]> : tensor<1xi64>
  %ends = graph.constant dense<[-1]> : tensor<1xi64>
  %y = graph.dynamic_slice %x, %starts, %ends : (tensor<?x8xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x8xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @fold_concat_constants
func.func @fold_concat_constants() -> tensor<5xi64> {
  // CHECK: %[[C:.+]] = graph.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi64>
  // CHECK-NOT: graph.concat
  %a = graph.constant dense<[1, 2]> : tensor<2xi64>
  %b = graph.constant dense<3> : tensor<1xi64>
  %c = graph.constant dense<[4, 5]> : tensor<2xi64>
  %y = graph.concat %a, %b, %c {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<5xi64>
  // CHECK: return %[[C]]
  return %y : tensor<5xi64>
}

// -----

// CHECK-LABEL: func.func @fold_concat_single_operand
// CHECK-SAME: (%[[X:.+]]: tensor<2x?xf32>)
func.func @fold_concat_single_operand(%x: tensor<2x?xf32>) -> tensor<2x?xf32> {
  // CHECK-NOT: graph.concat
  %y = graph.concat %x {axis = 1 : i64} : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: return %[[X]]
  return %y : tensor<2x?xf32>
}

// -----

// CHECK-LABEL: func.func @no_fold_concat_runtime_operand
// CHECK-SAME: (%[[X:.+]]: tensor<1xi64>)
func.func @no_fold_concat_runtime_operand(%x: tensor<1xi64>) -> tensor<3xi64> {
  // CHECK: %[[Y:.+]] = graph.concat
  %a = graph.constant dense<[1, 2]> : tensor<2xi64>
  %y = graph.concat %a, %x {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<3xi64>
  // CHECK: return %[[Y]]
  return %y : tensor<3xi64>
}

// -----

// CHECK-LABEL: func.func @fold_gather_constants
func.func @fold_gather_constants() -> (tensor<2x2xi64>, tensor<i64>) {
  // CHECK-DAG: %[[G:.+]] = graph.constant dense<{{\[}}[40, 10], [30, 20]]> : tensor<2x2xi64>
  // CHECK-DAG: %[[S:.+]] = graph.constant dense<30> : tensor<i64>
  // CHECK-NOT: graph.gather
  %v = graph.constant dense<[10, 20, 30, 40]> : tensor<4xi64>
  %i = graph.constant dense<[[-1, 0], [2, -3]]> : tensor<2x2xi64>
  %g = graph.gather %v, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<2x2xi64>) -> tensor<2x2xi64>
  %two = graph.constant dense<2> : tensor<i32>
  %s = graph.gather %v, %two {axis = 0 : i64} : (tensor<4xi64>, tensor<i32>) -> tensor<i64>
  // CHECK: return %[[G]], %[[S]]
  return %g, %s : tensor<2x2xi64>, tensor<i64>
}

// -----

// CHECK-LABEL: func.func @no_fold_gather_out_of_range
func.func @no_fold_gather_out_of_range() -> tensor<1xi64> {
  // CHECK: %[[G:.+]] = graph.gather
  %v = graph.constant dense<[10, 20]> : tensor<2xi64>
  %i = graph.constant dense<[2]> : tensor<1xi64>
  %g = graph.gather %v, %i {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<1xi64>
  // CHECK: return %[[G]]
  return %g : tensor<1xi64>
}

// -----

// CHECK-LABEL: func.func @fold_broadcast_splat
func.func @fold_broadcast_splat(%shape: tensor<3xi64>) -> (tensor<2x3xf32>, tensor<1x4x2xi1>) {
  // CHECK-DAG: %[[F:.+]] = graph.constant dense<1.000000e+00> : tensor<2x3xf32>
  // CHECK-DAG: %[[B:.+]] = graph.constant dense<true> : tensor<1x4x2xi1>
  // CHECK-NOT: graph.broadcast
  %one = graph.constant dense<1.0> : tensor<f32>
  %f = graph.broadcast %one : (tensor<f32>) -> tensor<2x3xf32>
  %t = graph.constant dense<true> : tensor<4x1xi1>
  %b = graph.broadcast %t, %shape : (tensor<4x1xi1>, tensor<3xi64>) -> tensor<1x4x2xi1>
  // CHECK: return %[[F]], %[[B]]
  return %f, %b : tensor<2x3xf32>, tensor<1x4x2xi1>
}

// -----

// CHECK-LABEL: func.func @broadcast_identity_and_non_splat
// CHECK-SAME: (%[[X:.+]]: tensor<?x3xf32>)
func.func @broadcast_identity_and_non_splat(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<2x3xi64>) {
  // CHECK: %[[B:.+]] = graph.broadcast %{{.+}} : (tensor<3xi64>) -> tensor<2x3xi64>
  %id = graph.broadcast %x : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %c = graph.constant dense<[1, 2, 3]> : tensor<3xi64>
  %b = graph.broadcast %c : (tensor<3xi64>) -> tensor<2x3xi64>
  // CHECK: return %[[X]], %[[B]]
  return %id, %b : tensor<?x3xf32>, tensor<2x3xi64>
}

// -----

// The reshape of an ONNX export that splits heads: Shape -> Gather -> Unsqueeze ->
// Concat -> Reshape. With a static input the whole shape computation folds and the
// reshape becomes static.
// CHECK-LABEL: func.func @onnx_shape_gather_concat_reshape
// CHECK-SAME: (%[[X:.+]]: tensor<1x128x768xf32>)
func.func @onnx_shape_gather_concat_reshape(%x: tensor<1x128x768xf32>) -> tensor<?x?x12x64xf32> {
  // CHECK-NOT: graph.shape_of
  // CHECK-NOT: graph.gather
  // CHECK-NOT: graph.concat
  // CHECK: %[[Y:.+]] = graph.reshape %[[X]] : (tensor<1x128x768xf32>) -> tensor<1x128x12x64xf32>
  // CHECK: %[[CAST:.+]] = tensor.cast %[[Y]] : tensor<1x128x12x64xf32> to tensor<?x?x12x64xf32>
  // CHECK-NOT: graph.
  %shape = graph.shape_of %x : tensor<1x128x768xf32> -> tensor<3xi64>
  %i0 = graph.constant dense<0> : tensor<i64>
  %i1 = graph.constant dense<1> : tensor<i64>
  %batch = graph.gather %shape, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %seq = graph.gather %shape, %i1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %batch1 = graph.reshape %batch : (tensor<i64>) -> tensor<1xi64>
  %seq1 = graph.reshape %seq : (tensor<i64>) -> tensor<1xi64>
  %heads = graph.constant dense<[12, 64]> : tensor<2xi64>
  %new_shape = graph.concat %batch1, %seq1, %heads {axis = 0 : i64}
      : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %y = graph.reshape %x, %new_shape : (tensor<1x128x768xf32>, tensor<4xi64>) -> tensor<?x?x12x64xf32>
  // CHECK: return %[[CAST]]
  return %y : tensor<?x?x12x64xf32>
}

// -----

// The merge of heads after attention: the last dimension is computed with Mul on
// the gathered dimensions, and the reshape's result type is fully dynamic.
// CHECK-LABEL: func.func @onnx_shape_arithmetic_reshape
// CHECK-SAME: (%[[X:.+]]: tensor<1x128x12x64xf32>)
func.func @onnx_shape_arithmetic_reshape(%x: tensor<1x128x12x64xf32>) -> tensor<?x?x?xf32> {
  // CHECK: %[[Y:.+]] = graph.reshape %[[X]] : (tensor<1x128x12x64xf32>) -> tensor<1x128x768xf32>
  // CHECK: %[[CAST:.+]] = tensor.cast %[[Y]] : tensor<1x128x768xf32> to tensor<?x?x?xf32>
  // CHECK-NOT: graph.
  %shape = graph.shape_of %x : tensor<1x128x12x64xf32> -> tensor<4xi64>
  %i01 = graph.constant dense<[0, 1]> : tensor<2xi64>
  %i2 = graph.constant dense<[2]> : tensor<1xi64>
  %i3 = graph.constant dense<[3]> : tensor<1xi64>
  %lead = graph.gather %shape, %i01 {axis = 0 : i64} : (tensor<4xi64>, tensor<2xi64>) -> tensor<2xi64>
  %heads = graph.gather %shape, %i2 {axis = 0 : i64} : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
  %dim = graph.gather %shape, %i3 {axis = 0 : i64} : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
  %hidden = graph.mul %heads, %dim : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %new_shape = graph.concat %lead, %hidden {axis = 0 : i64}
      : (tensor<2xi64>, tensor<1xi64>) -> tensor<3xi64>
  %y = graph.reshape %x, %new_shape : (tensor<1x128x12x64xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  // CHECK: return %[[CAST]]
  return %y : tensor<?x?x?xf32>
}

// -----

// Position ids: Shape -> Gather -> Range, and a causal mask cut from a static
// buffer with Slice bounds read from the shape.
// CHECK-LABEL: func.func @onnx_shape_range_and_slice
// CHECK-SAME: (%[[IDS:.+]]: tensor<1x16xi64>, %[[MASK:.+]]: tensor<1x1x1024x1024xi1>)
func.func @onnx_shape_range_and_slice(%ids: tensor<1x16xi64>, %mask: tensor<1x1x1024x1024xi1>)
    -> (tensor<?xi64>, tensor<1x1x?x?xi1>) {
  // CHECK-DAG: %[[POS:.+]] = graph.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<16xi64>
  // CHECK-DAG: %[[POS_CAST:.+]] = tensor.cast %[[POS]] : tensor<16xi64> to tensor<?xi64>
  // CHECK-DAG: %[[CUT:.+]] = graph.slice %[[MASK]] {limit = array<i64: 1, 1, 16, 16>, start = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1, 1, 1>}
  // CHECK-DAG: %[[CUT_CAST:.+]] = tensor.cast %[[CUT]] : tensor<1x1x16x16xi1> to tensor<1x1x?x?xi1>
  %shape = graph.shape_of %ids : tensor<1x16xi64> -> tensor<2xi64>
  %one = graph.constant dense<1> : tensor<i64>
  %zero = graph.constant dense<0> : tensor<i64>
  %seq = graph.gather %shape, %one {axis = 0 : i64} : (tensor<2xi64>, tensor<i64>) -> tensor<i64>
  %pos = graph.range %zero, %seq, %one : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %seq1 = graph.reshape %seq : (tensor<i64>) -> tensor<1xi64>
  %ends = graph.concat %seq1, %seq1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %starts = graph.constant dense<0> : tensor<2xi64>
  %axes = graph.constant dense<[2, 3]> : tensor<2xi64>
  %cut = graph.dynamic_slice %mask, %starts, %ends, %axes
      : (tensor<1x1x1024x1024xi1>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x1x?x?xi1>
  // CHECK: return %[[POS_CAST]], %[[CUT_CAST]]
  return %pos, %cut : tensor<?xi64>, tensor<1x1x?x?xi1>
}

// -----

// Dropout reads a random generator: it is not erased when its results are unused,
// unlike the pure ops around it.
// CHECK-LABEL: func.func @dropout_is_not_dead_code
// CHECK-SAME: (%[[X:.+]]: tensor<2x8xf32>)
func.func @dropout_is_not_dead_code(%x: tensor<2x8xf32>) {
  // CHECK-NEXT: %{{.+}}, %{{.+}} = graph.dropout %[[X]] {training = true}
  // CHECK-NEXT: return
  %y, %mask = graph.dropout %x {training = true} : (tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
  %shape = graph.shape_of %x : tensor<2x8xf32> -> tensor<2xi64>
  %t = graph.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x8xf32>) -> tensor<8x2xf32>
  return
}

// -----

// The head split of a dynamic-shape TorchScript export: the target shape is
// [batch, sequence, -1, 16] read from the input's own shape, with ONNX's
// "0 copies" rule as a where; the batch and sequence elements copy the
// input's dimensions and cancel, so the -1 is 64 / 16 = 4. The refined
// reshape is cast back for the function's result type.
// CHECK-LABEL: func.func @reshape_head_split_known_elements
// CHECK: %[[R:.+]] = graph.reshape %{{.+}}, %{{.+}} : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x4x16xf32>
// CHECK: tensor.cast %[[R]] : tensor<?x?x4x16xf32> to tensor<?x?x?x?xf32>
func.func @reshape_head_split_known_elements(%x: tensor<?x?x64xf32>) -> tensor<?x?x?x?xf32> {
  %zero = graph.constant dense<0> : tensor<1xi64>
  %one = graph.constant dense<1> : tensor<1xi64>
  %first = graph.constant dense<0> : tensor<i64>
  %second = graph.constant dense<1> : tensor<i64>
  %inferred = graph.constant dense<-1> : tensor<1xi64>
  %size = graph.constant dense<16> : tensor<1xi64>
  %shape = graph.shape_of %x : tensor<?x?x64xf32> -> tensor<3xi64>
  %b = graph.gather %shape, %first {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %s = graph.gather %shape, %second {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %b1 = graph.reshape %b : (tensor<i64>) -> tensor<1xi64>
  %s1 = graph.reshape %s : (tensor<i64>) -> tensor<1xi64>
  %target = graph.concat %b1, %s1, %inferred, %size {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %copies = graph.concat %shape, %one {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<4xi64>
  %isZero = graph.compare eq, %target, %zero : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi1>
  %resolved = graph.where %isZero, %copies, %target : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %y = graph.reshape %x, %resolved : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// -----

// Near miss: the leading elements copy another tensor's dimensions, which
// need not equal this input's, so the -1 stays dynamic; the 16 is known.
// CHECK-LABEL: func.func @reshape_other_tensor_dims
// CHECK: graph.reshape %{{.+}}, %{{.+}} : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x?x16xf32>
func.func @reshape_other_tensor_dims(%x: tensor<?x?x64xf32>, %z: tensor<?x?x64xf32>) -> tensor<?x?x?x?xf32> {
  %inferred = graph.constant dense<-1> : tensor<1xi64>
  %size = graph.constant dense<16> : tensor<1xi64>
  %lead = graph.constant dense<[0, 1]> : tensor<2xi64>
  %shape = graph.shape_of %z : tensor<?x?x64xf32> -> tensor<3xi64>
  %dims = graph.gather %shape, %lead {axis = 0 : i64} : (tensor<3xi64>, tensor<2xi64>) -> tensor<2xi64>
  %target = graph.concat %dims, %inferred, %size {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %y = graph.reshape %x, %target : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// -----

// Near miss: an element whose where condition depends on a run-time value
// and whose branches differ stays dynamic.
// CHECK-LABEL: func.func @reshape_unknown_choice
// CHECK: graph.reshape %{{.+}}, %{{.+}} : (tensor<?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
func.func @reshape_unknown_choice(%x: tensor<?xf32>, %c: tensor<2xi1>) -> tensor<?x?xf32> {
  %a = graph.constant dense<[2, 8]> : tensor<2xi64>
  %b = graph.constant dense<[4, 4]> : tensor<2xi64>
  %target = graph.where %c, %a, %b : (tensor<2xi1>, tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %y = graph.reshape %x, %target : (tensor<?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// A broadcast to a run-time shape whose elements are all known is static; to
// its input's own shape it is the input (ONNX's Attention expansion
// replicating as many key heads as there are query heads). Cast back for the
// function's result type.
// CHECK-LABEL: func.func @broadcast_to_known_shape
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x1x6x8xf32>
// CHECK-NOT: graph.broadcast
// CHECK: %[[C:.+]] = tensor.cast %[[X]] : tensor<2x3x1x6x8xf32> to tensor<?x?x?x?x?xf32>
// CHECK: return %[[C]]
func.func @broadcast_to_known_shape(%x: tensor<2x3x1x6x8xf32>, %c: tensor<1xi1>) -> tensor<?x?x?x?x?xf32> {
  %one = graph.constant dense<1> : tensor<1xi64>
  %lead = graph.constant dense<[2, 3]> : tensor<2xi64>
  %tail = graph.constant dense<[6, 8]> : tensor<2xi64>
  %groups = graph.where %c, %one, %one : (tensor<1xi1>, tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %shape = graph.concat %lead, %groups, %tail {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<5xi64>
  %y = graph.broadcast %x, %shape : (tensor<2x3x1x6x8xf32>, tensor<5xi64>) -> tensor<?x?x?x?x?xf32>
  return %y : tensor<?x?x?x?x?xf32>
}

// -----

// A broadcast to a known shape that replicates stays a (static) broadcast.
// CHECK-LABEL: func.func @broadcast_replicating
// CHECK: graph.broadcast %{{.+}} : (tensor<2x1x8xf32>) -> tensor<2x4x8xf32>
func.func @broadcast_replicating(%x: tensor<2x1x8xf32>) -> tensor<?x?x?xf32> {
  %shape = graph.constant dense<[2, 4, 8]> : tensor<3xi64>
  %cast = tensor.cast %shape : tensor<3xi64> to tensor<3xi64>
  %y = graph.broadcast %x, %cast : (tensor<2x1x8xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

// -----

// reshape(cast(reshape(x))): the cast changes no element, so the outer
// reshape reads x, and here is x.
// CHECK-LABEL: func.func @reshape_chain_through_cast
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x6x8xf32>
// CHECK-NEXT: return %[[X]]
func.func @reshape_chain_through_cast(%x: tensor<2x3x6x8xf32>) -> tensor<2x3x6x8xf32> {
  %0 = graph.reshape %x : (tensor<2x3x6x8xf32>) -> tensor<2x3x1x6x8xf32>
  %1 = tensor.cast %0 : tensor<2x3x1x6x8xf32> to tensor<?x?x?x?x?xf32>
  %2 = graph.reshape %1 : (tensor<?x?x?x?x?xf32>) -> tensor<2x3x6x8xf32>
  return %2 : tensor<2x3x6x8xf32>
}

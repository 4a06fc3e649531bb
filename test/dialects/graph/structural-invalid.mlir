// RUN: strata-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the ops in StructuralOps.td that a user can violate.

func.func @constant_element_type_not_supported() {
  // expected-error @+1 {{result #0 must be ranked tensor of floating-point or integer values}}
  %c = graph.constant dense<[1, 2]> : tensor<2xindex>
  return
}

// -----

func.func @shape_of_result_length_differs_from_rank(%x: tensor<?x128xf32>) {
  // expected-error @+1 {{result has 3 elements for an operand of rank 2}}
  %s = graph.shape_of %x : tensor<?x128xf32> -> tensor<3xi64>
  return
}

// -----

func.func @shape_of_result_not_i64(%x: tensor<?x128xf32>) {
  // expected-error @+1 {{result #0 must be 1D tensor of 64-bit signless integer values}}
  %s = graph.shape_of %x : tensor<?x128xf32> -> tensor<2xi32>
  return
}

// -----

func.func @fill_shape_length_differs_from_rank(%shape: tensor<3xi64>) {
  // expected-error @+1 {{shape operand has 3 elements for a result of rank 2}}
  %z = graph.fill %shape {value = dense<0.0> : tensor<1xf32>} : (tensor<3xi64>) -> tensor<?x64xf32>
  return
}

// -----

func.func @fill_value_not_one_element(%shape: tensor<2xi64>) {
  // expected-error @+1 {{value must have exactly one element}}
  %z = graph.fill %shape {value = dense<0.0> : tensor<2xf32>} : (tensor<2xi64>) -> tensor<?x64xf32>
  return
}

// -----

func.func @fill_value_element_type_differs(%shape: tensor<2xi64>) {
  // expected-error @+1 {{value element type 'f16' differs from the result's 'f32'}}
  %z = graph.fill %shape {value = dense<0.0> : tensor<1xf16>} : (tensor<2xi64>) -> tensor<?x64xf32>
  return
}

// -----

func.func @range_result_not_1d(%s: tensor<i64>) {
  // expected-error @+1 {{result must be 1-D}}
  %r = graph.range %s, %s, %s : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<2x?xi64>
  return
}

// -----

func.func @range_operand_not_scalar(%s: tensor<i64>, %l: tensor<1xi64>) {
  // expected-error @+1 {{start, limit and delta must be rank-0 tensors}}
  %r = graph.range %s, %l, %s : (tensor<i64>, tensor<1xi64>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

func.func @range_operand_element_type_differs(%s: tensor<i32>) {
  // expected-error @+1 {{operand element type 'i32' differs from the result's 'i64'}}
  %r = graph.range %s, %s, %s : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<?xi64>
  return
}

// -----

func.func @reshape_changes_element_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{changes the element type from 'f32' to 'f16'}}
  %y = graph.reshape %x : (tensor<2x3xf32>) -> tensor<6xf16>
  return
}

// -----

func.func @reshape_shape_length_differs_from_rank(%x: tensor<?x768xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{shape operand has 2 elements for a result of rank 3}}
  %y = graph.reshape %x, %s : (tensor<?x768xf32>, tensor<2xi64>) -> tensor<?x12x64xf32>
  return
}

// -----

func.func @reshape_changes_element_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{changes the element count from 6 to 8}}
  %y = graph.reshape %x : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @reshape_two_dynamic_dims_without_shape(%x: tensor<?x768xf32>) {
  // expected-error @+1 {{without a shape operand the result may have at most one dynamic dimension}}
  %y = graph.reshape %x : (tensor<?x768xf32>) -> tensor<?x?x64xf32>
  return
}

// -----

func.func @reshape_count_not_multiple_of_static_dims(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{element count 6 is not a multiple of the static result dimensions}}
  %y = graph.reshape %x : (tensor<2x3xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @reshape_with_shape_changes_element_count(%x: tensor<6xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{changes the element count from 6 to 8}}
  %y = graph.reshape %x, %s : (tensor<6xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return
}

// -----

func.func @reshape_with_shape_count_not_multiple_of_static_dims(%x: tensor<6xf32>,
                                                                %s: tensor<3xi64>) {
  // expected-error @+1 {{element count 6 is not a multiple of the static result dimensions}}
  %y = graph.reshape %x, %s : (tensor<6xf32>, tensor<3xi64>) -> tensor<?x4x?xf32>
  return
}

// -----

func.func @transpose_permutation_length_differs_from_rank(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{permutation has 2 entries for rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @transpose_not_a_permutation(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{permutation is not a permutation of 0..1}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.transpose %x {permutation = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @transpose_result_shape_differs(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_bounds_length_differs_from_rank(%x: tensor<2x128xf32>) {
  // expected-error @+2 {{start, limit and stride need one entry per dimension (rank 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.slice %x {start = array<i64: 0>, limit = array<i64: 2>, stride = array<i64: 1>}
      : (tensor<2x128xf32>) -> tensor<2x128xf32>
  return
}

// -----

func.func @slice_stride_zero(%x: tensor<8xf32>) {
  // expected-error @+2 {{stride of dimension 0 is zero}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.slice %x {start = array<i64: 0>, limit = array<i64: 8>, stride = array<i64: 0>}
      : (tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @slice_dynamic_dim_not_whole(%x: tensor<?xf32>) {
  // expected-error @+2 {{dynamic dimension 0 can only be kept whole (start 0, limit -1, stride 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.slice %x {start = array<i64: 1>, limit = array<i64: -1>, stride = array<i64: 1>}
      : (tensor<?xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @slice_bounds_not_normalised(%x: tensor<8xf32>) {
  // expected-error @+2 {{slice [2, 10) step 1 of dimension 0 (size 8) is not normalised}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.slice %x {start = array<i64: 2>, limit = array<i64: 10>, stride = array<i64: 1>}
      : (tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @slice_negative_stride_bounds_not_normalised(%x: tensor<8xf32>) {
  // expected-error @+2 {{slice [0, 7) step -1 of dimension 0 (size 8) is not normalised}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.slice %x {start = array<i64: 0>, limit = array<i64: 7>, stride = array<i64: -1>}
      : (tensor<8xf32>) -> tensor<7xf32>
  return
}

// -----

func.func @slice_result_shape_differs(%x: tensor<8xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.slice %x {start = array<i64: 0>, limit = array<i64: 8>, stride = array<i64: 3>}
      : (tensor<8xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @dynamic_slice_result_rank_differs(%x: tensor<4x4xf32>, %b: tensor<1xi64>) {
  // expected-error @+1 {{result must have the operand's element type and rank}}
  %y = graph.dynamic_slice %x, %b, %b : (tensor<4x4xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @dynamic_slice_result_element_type_differs(%x: tensor<4x4xf32>, %b: tensor<1xi64>) {
  // expected-error @+1 {{result must have the operand's element type and rank}}
  %y = graph.dynamic_slice %x, %b, %b : (tensor<4x4xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x4xf16>
  return
}

// -----

func.func @dynamic_slice_result_dim_exceeds_operand(%x: tensor<4x4xf32>, %b: tensor<1xi64>) {
  // expected-error @+1 {{result dimension 0 of size 5 exceeds the operand's 4}}
  %y = graph.dynamic_slice %x, %b, %b : (tensor<4x4xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<5x4xf32>
  return
}

// -----

func.func @dynamic_slice_bounds_not_1d(%x: tensor<4x4xf32>, %b: tensor<1x1xi64>) {
  // expected-error @+1 {{starts, ends, axes and steps must be 1-D}}
  %y = graph.dynamic_slice %x, %b, %b : (tensor<4x4xf32>, tensor<1x1xi64>, tensor<1x1xi64>) -> tensor<?x4xf32>
  return
}

// -----

func.func @dynamic_slice_bounds_differ_in_length(%x: tensor<4x4xf32>, %b: tensor<1xi64>,
                                                 %a: tensor<2xi64>) {
  // expected-error @+1 {{starts, ends, axes and steps differ in length}}
  %y = graph.dynamic_slice %x, %b, %b, %a : (tensor<4x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @dynamic_slice_more_axes_than_rank(%x: tensor<4x4xf32>, %b: tensor<3xi64>) {
  // expected-error @+1 {{slices 3 axes of a rank-2 tensor}}
  %y = graph.dynamic_slice %x, %b, %b : (tensor<4x4xf32>, tensor<3xi64>, tensor<3xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @dynamic_slice_bounds_not_integer(%x: tensor<4x4xf32>, %b: tensor<1xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %y = graph.dynamic_slice %x, %b, %b : (tensor<4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @concat_without_operands() {
  // expected-error @+1 {{expected 1 or more operands, but found 0}}
  %y = graph.concat {axis = 0 : i64} : () -> tensor<0xf32>
  return
}

// -----

func.func @concat_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.concat %x, %x {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @concat_ranks_differ(%x: tensor<2x3xf32>, %y: tensor<3xf32>) {
  // expected-error @+2 {{operands have different ranks (1 and 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %z = graph.concat %x, %y {axis = 0 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @concat_non_axis_dims_differ(%x: tensor<2x3xf32>, %y: tensor<2x4xf32>) {
  // expected-error @+2 {{operands differ in dimension 1 (3 vs 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %z = graph.concat %x, %y {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_element_types_differ(%x: tensor<2xf32>, %y: tensor<2xf16>) {
  // expected-error @+1 {{requires the same element type for all operands}}
  %z = graph.concat %x, %y {axis = 0 : i64} : (tensor<2xf32>, tensor<2xf16>) -> tensor<4xf32>
  return
}

// -----

func.func @concat_result_shape_differs(%x: tensor<2xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %z = graph.concat %x, %x {axis = 0 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @split_axis_out_of_range(%x: tensor<4xf32>) {
  // expected-error @+2 {{axis 1 is out of range for rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %a, %b = graph.split %x {axis = 1 : i64, sizes = array<i64: 2, 2>}
      : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return
}

// -----

func.func @split_size_negative(%x: tensor<?xf32>) {
  // expected-error @+2 {{split size -1 is negative}}
  // expected-error @+1 {{failed to infer returned types}}
  %a, %b = graph.split %x {axis = 0 : i64, sizes = array<i64: -1, 2>}
      : (tensor<?xf32>) -> (tensor<?xf32>, tensor<2xf32>)
  return
}

// -----

func.func @split_sizes_do_not_add_up(%x: tensor<6xf32>) {
  // expected-error @+2 {{split sizes add up to 5 but the dimension is 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %a, %b = graph.split %x {axis = 0 : i64, sizes = array<i64: 2, 3>}
      : (tensor<6xf32>) -> (tensor<2xf32>, tensor<3xf32>)
  return
}

// -----

func.func @split_result_count_differs(%x: tensor<6xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<3xf32>', 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %a = graph.split %x {axis = 0 : i64, sizes = array<i64: 3, 3>} : (tensor<6xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @gather_from_scalar(%x: tensor<f32>, %i: tensor<i64>) {
  // expected-error @+2 {{cannot gather from a rank-0 tensor}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.gather %x, %i {axis = 0 : i64} : (tensor<f32>, tensor<i64>) -> tensor<f32>
  return
}

// -----

func.func @gather_axis_out_of_range(%x: tensor<4x8xf32>, %i: tensor<2xi64>) {
  // expected-error @+2 {{axis -1 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.gather %x, %i {axis = -1 : i64} : (tensor<4x8xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return
}

// -----

func.func @gather_indices_not_integer(%x: tensor<4x8xf32>, %i: tensor<2xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %y = graph.gather %x, %i {axis = 0 : i64} : (tensor<4x8xf32>, tensor<2xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @gather_result_shape_differs(%x: tensor<4x8xf32>, %i: tensor<2x3xi64>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3x8xf32>' are incompatible with return type(s) of operation 'tensor<6x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.gather %x, %i {axis = 0 : i64} : (tensor<4x8xf32>, tensor<2x3xi64>) -> tensor<6x8xf32>
  return
}

// -----

func.func @gather_elements_from_scalar(%x: tensor<f32>, %i: tensor<i64>) {
  // expected-error @+2 {{cannot gather from a rank-0 tensor}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.gather_elements %x, %i {axis = 0 : i64} : (tensor<f32>, tensor<i64>) -> tensor<f32>
  return
}

// -----

func.func @gather_elements_ranks_differ(%x: tensor<4x8xf32>, %i: tensor<2xi64>) {
  // expected-error @+2 {{indices have rank 1, the input has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.gather_elements %x, %i {axis = 0 : i64} : (tensor<4x8xf32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_elements_axis_out_of_range(%x: tensor<4x8xf32>, %i: tensor<2x8xi64>) {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.gather_elements %x, %i {axis = 2 : i64} : (tensor<4x8xf32>, tensor<2x8xi64>) -> tensor<2x8xf32>
  return
}

// -----

func.func @gather_elements_indices_exceed_input(%x: tensor<4x8xf32>, %i: tensor<2x9xi64>) {
  // expected-error @+2 {{indices dimension 1 of size 9 exceeds the input's 8}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.gather_elements %x, %i {axis = 0 : i64} : (tensor<4x8xf32>, tensor<2x9xi64>) -> tensor<2x9xf32>
  return
}

// -----

func.func @gather_elements_indices_not_integer(%x: tensor<4x8xf32>, %i: tensor<2x8xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %y = graph.gather_elements %x, %i {axis = 0 : i64} : (tensor<4x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @gather_elements_result_shape_differs(%x: tensor<4x8xf32>, %i: tensor<2x8xi64>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x8xf32>' are incompatible with return type(s) of operation 'tensor<4x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.gather_elements %x, %i {axis = 0 : i64} : (tensor<4x8xf32>, tensor<2x8xi64>) -> tensor<4x8xf32>
  return
}

// -----

func.func @broadcast_changes_element_type(%x: tensor<3xf32>) {
  // expected-error @+1 {{changes the element type}}
  %y = graph.broadcast %x : (tensor<3xf32>) -> tensor<2x3xf16>
  return
}

// -----

func.func @broadcast_shape_length_differs_from_rank(%x: tensor<3xf32>, %s: tensor<3xi64>) {
  // expected-error @+1 {{shape operand has 3 elements for a result of rank 2}}
  %y = graph.broadcast %x, %s : (tensor<3xf32>, tensor<3xi64>) -> tensor<?x3xf32>
  return
}

// -----

func.func @broadcast_to_lower_rank(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot broadcast rank 2 to lower rank 1}}
  %y = graph.broadcast %x : (tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @broadcast_dim_not_stretchable(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{dimension 1 of size 3 cannot broadcast to 4}}
  %y = graph.broadcast %x : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @tile_result_rank_differs(%x: tensor<2x3xf32>, %r: tensor<2xi64>) {
  // expected-error @+1 {{result must have the operand's element type and rank}}
  %y = graph.tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @tile_repeats_length_differs_from_rank(%x: tensor<2x3xf32>, %r: tensor<3xi64>) {
  // expected-error @+1 {{repeats has 3 elements for rank 2}}
  %y = graph.tile %x, %r : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @tile_result_dim_not_multiple(%x: tensor<2x3xf32>, %r: tensor<2xi64>) {
  // expected-error @+1 {{result dimension 0 of size 5 is not a multiple of the operand's 2}}
  %y = graph.tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<5x?xf32>
  return
}

// -----

func.func @trilu_rank_below_2(%x: tensor<8xf32>) {
  // expected-error @+1 {{operand must have rank >= 2}}
  %y = graph.trilu %x : tensor<8xf32>
  return
}

// -----

func.func @trilu_k_not_one_element(%x: tensor<8x8xf32>, %k: tensor<2xi64>) {
  // expected-error @+1 {{k operand must hold one element}}
  %y = graph.trilu %x, %k : tensor<2xi64> : tensor<8x8xf32>
  return
}

// -----

func.func @trilu_result_type_differs(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{all of {input, result} have same type}}
  %y = "graph.trilu"(%x) {operandSegmentSizes = array<i32: 1, 0>} : (tensor<8x8xf32>) -> tensor<8x8xf16>
  return
}

// -----

func.func @cumsum_axis_out_of_range(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %y = graph.cumsum %x {axis = 2 : i64} : tensor<2x8xf32>
  return
}

// -----

func.func @cumsum_axis_operand_not_one_element(%x: tensor<2x8xf32>, %a: tensor<2xi64>) {
  // expected-error @+1 {{axis operand must hold one element}}
  %y = graph.cumsum %x, %a : tensor<2xi64> : tensor<2x8xf32>
  return
}

// -----

func.func @dropout_output_shape_differs(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{output and mask must have the input's shape}}
  %y, %m = graph.dropout %x : (tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<8xi1>)
  return
}

// -----

func.func @dropout_ratio_out_of_range(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{ratio must be in [0, 1)}}
  %y, %m = graph.dropout %x {ratio = 1.0 : f32} : (tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
  return
}

// -----

func.func @dropout_output_element_type_differs(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{output must have the input's element type}}
  %y, %m = graph.dropout %x : (tensor<2x8xf32>) -> (tensor<2x8xf16>, tensor<2x8xi1>)
  return
}

// -----

func.func @dropout_ratio_operand_not_one_element(%x: tensor<2x8xf32>, %r: tensor<2xf32>) {
  // expected-error @+1 {{ratio operand must hold one element}}
  %y, %m = graph.dropout %x ratio %r : (tensor<2x8xf32>, tensor<2xf32>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
  return
}

// -----

func.func @dropout_training_operand_not_one_element(%x: tensor<2x8xf32>, %t: tensor<2xi1>) {
  // expected-error @+1 {{training operand must hold one element}}
  %y, %m = graph.dropout %x training %t : (tensor<2x8xf32>, tensor<2xi1>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
  return
}

// -----

func.func @scatter_add_index_count(%u: tensor<3x4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{must have one index per row of updates}}
  %y = graph.scatter_add %u, %i {rows = 5 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<5x4xf32>
  return
}

// -----

func.func @scatter_add_result_shape(%u: tensor<3x4xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{result must have 'rows' rows of the updates' other dimensions}}
  %y = graph.scatter_add %u, %i {rows = 5 : i64} : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<4x4xf32>
  return
}

// -----

func.func @scatter_add_negative_rows(%u: tensor<3x4xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{rows must not be negative}}
  %y = graph.scatter_add %u, %i {rows = -1 : i64} : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<5x4xf32>
  return
}

// -----

func.func @cache_write_axis_zero(%c: tensor<2x5x8xf32>, %n: tensor<2x1x8xf32>, %l: tensor<2xi64>) {
  // expected-error @+1 {{axis 0 must be a dimension after the first, of 3}}
  %y = graph.cache_write %c, %n, %l {axis = 0 : i64} : (tensor<2x5x8xf32>, tensor<2x1x8xf32>, tensor<2xi64>) -> tensor<2x5x8xf32>
  return
}

// -----

func.func @cache_write_rank_one(%c: tensor<5xf32>, %n: tensor<1xf32>, %l: tensor<2xi64>) {
  // expected-error @+1 {{cache must have rank 2 or more (entries, then positions)}}
  %y = graph.cache_write %c, %n, %l {axis = 1 : i64} : (tensor<5xf32>, tensor<1xf32>, tensor<2xi64>) -> tensor<5xf32>
  return
}

// -----

func.func @cache_write_element(%c: tensor<2x5x8xf32>, %n: tensor<2x1x8xf16>, %l: tensor<2xi64>) {
  // expected-error @+1 {{fresh must have the cache's element type}}
  %y = graph.cache_write %c, %n, %l {axis = 1 : i64} : (tensor<2x5x8xf32>, tensor<2x1x8xf16>, tensor<2xi64>) -> tensor<2x5x8xf32>
  return
}

// -----

func.func @cache_write_other_dim(%c: tensor<2x5x8xf32>, %n: tensor<2x1x4xf32>, %l: tensor<2xi64>) {
  // expected-error @+1 {{fresh must have the cache's size in dimension 2}}
  %y = graph.cache_write %c, %n, %l {axis = 1 : i64} : (tensor<2x5x8xf32>, tensor<2x1x4xf32>, tensor<2xi64>) -> tensor<2x5x8xf32>
  return
}

// -----

func.func @cache_write_too_many(%c: tensor<2x5x8xf32>, %n: tensor<2x6x8xf32>, %l: tensor<2xi64>) {
  // expected-error @+1 {{fresh has more positions than the cache}}
  %y = graph.cache_write %c, %n, %l {axis = 1 : i64} : (tensor<2x5x8xf32>, tensor<2x6x8xf32>, tensor<2xi64>) -> tensor<2x5x8xf32>
  return
}

// -----

func.func @cache_write_lengths(%c: tensor<2x5x8xf32>, %n: tensor<2x1x8xf32>, %l: tensor<3xi64>) {
  // expected-error @+1 {{must have one length per entry of the cache}}
  %y = graph.cache_write %c, %n, %l {axis = 1 : i64} : (tensor<2x5x8xf32>, tensor<2x1x8xf32>, tensor<3xi64>) -> tensor<2x5x8xf32>
  return
}

// -----

func.func @cache_write_result(%c: tensor<2x5x8xf32>, %n: tensor<2x1x8xf32>, %l: tensor<2xi64>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x5x8xf32>' are incompatible with return type(s) of operation 'tensor<2x6x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.cache_write %c, %n, %l {axis = 1 : i64} : (tensor<2x5x8xf32>, tensor<2x1x8xf32>, tensor<2xi64>) -> tensor<2x6x8xf32>
  return
}

// -----

func.func @check_range_limit_of_two(%v: tensor<3xi32>, %l: tensor<2xi64>) {
  // expected-error @+1 {{limit must hold one integer}}
  %y = graph.check_range %v, %l {message = "x"} : (tensor<3xi32>, tensor<2xi64>) -> tensor<3xi32>
  return
}

// -----

func.func @check_range_float_limit(%v: tensor<3xi32>, %l: tensor<f32>) {
  // expected-error @+1 {{operand #1 must be tensor of 32-bit signless integer or 64-bit signless integer values}}
  %y = graph.check_range %v, %l {message = "x"} : (tensor<3xi32>, tensor<f32>) -> tensor<3xi32>
  return
}

// -----

func.func @check_range_no_message(%v: tensor<3xi32>, %l: tensor<i64>) {
  // expected-error @+1 {{message must say what failed}}
  %y = graph.check_range %v, %l {message = ""} : (tensor<3xi32>, tensor<i64>) -> tensor<3xi32>
  return
}

// -----

func.func @check_range_two_dimensions(%v: tensor<3x2xi32>, %l: tensor<i64>) {
  // expected-error @+1 {{operand #0 must be 1D tensor of 32-bit signless integer or 64-bit signless integer values}}
  %y = graph.check_range %v, %l {message = "x"} : (tensor<3x2xi32>, tensor<i64>) -> tensor<3x2xi32>
  return
}

// -----

func.func @check_range_float_values(%v: tensor<3xf32>, %l: tensor<i64>) {
  // expected-error @+1 {{operand #0 must be 1D tensor of 32-bit signless integer or 64-bit signless integer values}}
  %y = graph.check_range %v, %l {message = "x"} : (tensor<3xf32>, tensor<i64>) -> tensor<3xf32>
  return
}

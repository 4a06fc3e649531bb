// RUN: strata-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the ops in ReductionOps.td that a user can violate.

func.func @reduce_kind_unknown(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'kind'}}
  %y = graph.reduce average %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_changes_element_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{changes the element type}}
  %y = graph.reduce sum %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf16>
  return
}

// -----

func.func @reduce_axes_operand_not_1d(%x: tensor<2x3xf32>, %a: tensor<1x1xi64>) {
  // expected-error @+1 {{axes operand must be 1-D}}
  %y = graph.reduce sum %x, %a {axes = array<i64>} : (tensor<2x3xf32>, tensor<1x1xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @reduce_runtime_axes_keep_dims_rank_differs(%x: tensor<2x3xf32>, %a: tensor<1xi64>) {
  // expected-error @+1 {{result of rank 1 cannot be a reduction of rank 2 with keep_dims}}
  %y = graph.reduce sum %x, %a {axes = array<i64>} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @reduce_runtime_axes_result_rank_above_operand(%x: tensor<2x3xf32>, %a: tensor<1xi64>) {
  // expected-error @+1 {{result of rank 3 cannot be a reduction of rank 2}}
  %y = graph.reduce sum %x, %a {axes = array<i64>, keep_dims = false}
      : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
  return
}

// -----

func.func @reduce_axes_not_ascending(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reduction axes must be ascending, unique and below the rank 2}}
  %y = graph.reduce sum %x {axes = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @reduce_axes_not_unique(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reduction axes must be ascending, unique and below the rank 2}}
  %y = graph.reduce sum %x {axes = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reduction axes must be ascending, unique and below the rank 2}}
  %y = graph.reduce sum %x {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_axis_negative(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reduction axes must be ascending, unique and below the rank 2}}
  %y = graph.reduce sum %x {axes = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_result_shape_differs(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result type 'tensor<2x1xf32>' does not match the reduced shape}}
  %y = graph.reduce sum %x {axes = array<i64: 1>, keep_dims = false} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_result_less_static_than_reduced_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result type 'tensor<?x1xf32>' does not match the reduced shape}}
  %y = graph.reduce sum %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<?x1xf32>
  return
}

// -----

func.func @arg_reduce_kind_not_max_or_min(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{kind must be max or min}}
  %i = graph.arg_reduce sum %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return
}

// -----

func.func @arg_reduce_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{reduction axes must be ascending, unique and below the rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %i = graph.arg_reduce max %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3x1xi64>
  return
}

// -----

func.func @arg_reduce_result_not_i64(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result #0 must be ranked tensor of 64-bit signless integer values}}
  %i = graph.arg_reduce max %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi32>
  return
}

// -----

func.func @arg_reduce_result_shape_differs(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2xi64>' are incompatible with return type(s) of operation 'tensor<2x1xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %i = graph.arg_reduce max %x {axis = 1 : i64, keep_dims = false} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return
}

// -----

func.func @top_k_axis_out_of_range(%x: tensor<1x256xf32>, %k: tensor<1xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %v, %i = graph.top_k %x, %k {axis = 2 : i64}
      : (tensor<1x256xf32>, tensor<1xi64>) -> (tensor<1x5xf32>, tensor<1x5xi64>)
  return
}

// -----

func.func @top_k_k_not_one_element(%x: tensor<1x256xf32>, %k: tensor<2xi64>) {
  // expected-error @+1 {{k must hold one element}}
  %v, %i = graph.top_k %x, %k {axis = 1 : i64}
      : (tensor<1x256xf32>, tensor<2xi64>) -> (tensor<1x5xf32>, tensor<1x5xi64>)
  return
}

// -----

func.func @top_k_k_not_i64(%x: tensor<1x256xf32>, %k: tensor<1xi32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of 64-bit signless integer values}}
  %v, %i = graph.top_k %x, %k {axis = 1 : i64}
      : (tensor<1x256xf32>, tensor<1xi32>) -> (tensor<1x5xf32>, tensor<1x5xi64>)
  return
}

// -----

func.func @top_k_values_and_indices_shapes_differ(%x: tensor<1x256xf32>, %k: tensor<1xi64>) {
  // expected-error @+1 {{values and indices must have one shape}}
  %v, %i = graph.top_k %x, %k {axis = 1 : i64}
      : (tensor<1x256xf32>, tensor<1xi64>) -> (tensor<1x5xf32>, tensor<1x4xi64>)
  return
}

// -----

func.func @top_k_values_element_type_differs(%x: tensor<1x256xf32>, %k: tensor<1xi64>) {
  // expected-error @+1 {{values must have the operand's element type}}
  %v, %i = graph.top_k %x, %k {axis = 1 : i64}
      : (tensor<1x256xf32>, tensor<1xi64>) -> (tensor<1x5xf16>, tensor<1x5xi64>)
  return
}

// -----

func.func @top_k_values_rank_differs(%x: tensor<1x256xf32>, %k: tensor<1xi64>) {
  // expected-error @+1 {{values must have the operand's rank}}
  %v, %i = graph.top_k %x, %k {axis = 1 : i64}
      : (tensor<1x256xf32>, tensor<1xi64>) -> (tensor<5xf32>, tensor<5xi64>)
  return
}

// -----

func.func @top_k_values_non_axis_dim_differs(%x: tensor<2x256xf32>, %k: tensor<1xi64>) {
  // expected-error @+1 {{values dimension 0 is 3, expected 2 as in the operand}}
  %v, %i = graph.top_k %x, %k {axis = 1 : i64}
      : (tensor<2x256xf32>, tensor<1xi64>) -> (tensor<3x5xf32>, tensor<3x5xi64>)
  return
}

// -----

func.func @top_k_more_than_the_dimension(%x: tensor<2x4xf32>, %k: tensor<1xi64>) {
  // expected-error @+1 {{selects 5 elements from a dimension of 4}}
  %v, %i = graph.top_k %x, %k {axis = 1 : i64}
      : (tensor<2x4xf32>, tensor<1xi64>) -> (tensor<2x5xf32>, tensor<2x5xi64>)
  return
}

// -----

func.func @softmax_axis_out_of_range(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %p = graph.softmax %x {axis = 2 : i64} : tensor<2x8xf32>
  return
}

// -----

func.func @log_softmax_axis_negative(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{axis -1 is out of range for rank 2}}
  %p = graph.log_softmax %x {axis = -1 : i64} : tensor<2x8xf32>
  return
}

// -----

func.func @softmax_operand_not_float(%x: tensor<2x8xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %p = graph.softmax %x {axis = 1 : i64} : tensor<2x8xi32>
  return
}

// -----

func.func @softmax_result_type_differs(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %p = "graph.softmax"(%x) <{axis = 1 : i64}> : (tensor<2x8xf32>) -> tensor<2x8xf16>
  return
}

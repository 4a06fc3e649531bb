// RUN: strata-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the ops in ElementwiseOps.td that a user can violate.

func.func @unary_operand_unranked(%x: tensor<*xf32>) {
  // expected-error @+1 {{invalid kind of type specified}}
  %y = graph.relu %x : tensor<*xf32>
  return
}

// -----

func.func @unary_element_type_not_supported(%x: tensor<4xcomplex<f32>>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point or integer values}}
  %y = "graph.neg"(%x) : (tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>>
  return
}

// -----

func.func @unary_result_type_differs(%x: tensor<2xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %y = "graph.neg"(%x) : (tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @exp_operand_not_float(%x: tensor<2xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %y = graph.exp %x : tensor<2xi32>
  return
}

// -----

func.func @not_operand_not_bool(%x: tensor<2xi8>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 1-bit signless integer values}}
  %y = graph.not %x : tensor<2xi8>
  return
}

// -----

func.func @gelu_operand_not_float(%x: tensor<3xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %y = graph.gelu %x : tensor<3xi32>
  return
}

// -----

func.func @gelu_approximation_unknown(%x: tensor<3xf32>) {
  // expected-error @+1 {{attribute 'approximate' failed to satisfy constraint: approximation used by gelu}}
  %y = "graph.gelu"(%x) {approximate = 7 : i32} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @is_nan_operand_not_float(%x: tensor<3xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %m = graph.is_nan %x : tensor<3xi32> -> tensor<3xi1>
  return
}

// -----

func.func @is_nan_result_not_bool(%x: tensor<3xf32>) {
  // expected-error @+1 {{result #0 must be ranked tensor of 1-bit signless integer values}}
  %m = graph.is_nan %x : tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @is_inf_result_shape_differs(%x: tensor<3xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %m = graph.is_inf %x : tensor<3xf32> -> tensor<4xi1>
  return
}

// -----

func.func @cast_result_shape_differs(%x: tensor<3xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %y = graph.cast %x : tensor<3xf32> -> tensor<4xi32>
  return
}

// -----

func.func @add_shapes_do_not_broadcast(%x: tensor<2x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{operands don't have broadcast-compatible shapes}}
  %z = graph.add %x, %y : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @sub_element_types_differ(%x: tensor<2x3xf32>, %y: tensor<3xf16>) {
  // expected-error @+1 {{requires the same element type for all operands}}
  %z = graph.sub %x, %y : (tensor<2x3xf32>, tensor<3xf16>) -> tensor<2x3xf32>
  return
}

// -----

func.func @mul_result_shape_not_broadcast(%x: tensor<2x3xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{result type '2x4' not broadcast compatible with broadcasted operands's shapes '2x3'}}
  %z = graph.mul %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @div_result_rank_differs(%x: tensor<2x3xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{result type '3' not broadcast compatible with broadcasted operands's shapes '2x3'}}
  %z = graph.div %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @max_result_element_type_differs(%x: tensor<2x3xf32>, %y: tensor<3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf16>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %z = graph.max %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf16>
  return
}

// -----

func.func @min_result_less_static_than_inferred(%x: tensor<?x3xf32>, %y: tensor<3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<?x3xf32>' are incompatible with return type(s) of operation 'tensor<?x?xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %z = graph.min %x, %y : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @and_operands_not_bool(%x: tensor<3xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 1-bit signless integer values}}
  %z = graph.and %x, %x : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return
}

// -----

func.func @mod_float_requires_fmod(%x: tensor<3xf32>) {
  // expected-error @+1 {{on floating-point operands requires fmod = true}}
  %z = graph.mod %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @compare_result_not_bool(%x: tensor<3xf32>) {
  // expected-error @+1 {{result #0 must be ranked tensor of 1-bit signless integer values}}
  %m = graph.compare lt, %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @compare_element_types_differ(%x: tensor<3xf32>, %y: tensor<3xi32>) {
  // expected-error @+1 {{requires the same element type for all operands}}
  %m = graph.compare lt, %x, %y : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xi1>
  return
}

// -----

func.func @compare_shapes_do_not_broadcast(%x: tensor<3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{operands don't have broadcast-compatible shapes}}
  %m = graph.compare eq, %x, %y : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xi1>
  return
}

// -----

func.func @compare_direction_unknown(%x: tensor<3xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'direction' [eq, ne, lt, le, gt, ge]}}
  %m = graph.compare lte, %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  return
}

// -----

func.func @where_condition_not_bool(%c: tensor<3xi32>, %x: tensor<3xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 1-bit signless integer values}}
  %y = graph.where %c, %x, %x : (tensor<3xi32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @where_value_element_types_differ(%c: tensor<3xi1>, %x: tensor<3xf32>,
                                            %y: tensor<3xf16>) {
  // expected-error @+1 {{value operands differ in element type: 'f32' vs 'f16'}}
  %z = graph.where %c, %x, %y : (tensor<3xi1>, tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return
}

// -----

func.func @where_shapes_do_not_broadcast(%c: tensor<4xi1>, %x: tensor<3xf32>) {
  // expected-error @+2 {{shapes do not broadcast: dimension 3 against 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.where %c, %x, %x : (tensor<4xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @where_result_shape_differs(%c: tensor<1x3xi1>, %x: tensor<3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<1x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.where %c, %x, %x : (tensor<1x3xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @unsigned_attr_on_unsigned_type(%x: tensor<4xui8>) {
  // expected-error @+1 {{'is_unsigned' applies to signless integers of more than one bit, not 'ui8'}}
  %y = graph.max %x, %x {is_unsigned} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return
}

// -----

func.func @unsigned_attr_on_float(%x: tensor<4xf32>) {
  // expected-error @+1 {{'is_unsigned' applies to signless integers of more than one bit, not 'f32'}}
  %y = graph.compare lt, %x, %x {is_unsigned} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return
}

// -----

func.func @unsigned_attr_on_bool(%x: tensor<4xi1>) {
  // expected-error @+1 {{'is_unsigned' applies to signless integers of more than one bit, not 'i1'}}
  %y = graph.abs %x {is_unsigned} : tensor<4xi1>
  return
}

// -----

func.func @cast_result_unsigned_on_float(%x: tensor<4xi8>) {
  // expected-error @+1 {{'result_unsigned' applies to signless integers of more than one bit, not 'f32'}}
  %y = graph.cast %x {input_unsigned, result_unsigned} : tensor<4xi8> -> tensor<4xf32>
  return
}

// RUN: strata-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the program dialect's attributes.

// expected-error @+1 {{'x' names 1 dimensions for a value of rank 2}}
func.func @value_dims_c1(%x: tensor<2x3xf32> {program.value = #program.value<"x", dims = [""]>}) {
  return
}

// -----

// expected-error @+1 {{result 'y' cannot be type_only}}
func.func @value_type_only_c2() -> (tensor<2xf32> {program.value = #program.value<"y", dims = [""], type_only>}) {
  %c = arith.constant dense<1.0> : tensor<2xf32>
  return %c : tensor<2xf32>
}

// -----

// expected-error @+1 {{result 'y' cannot have a default}}
func.func @value_default_result() -> (tensor<2xf32> {program.value = #program.value<"y", dims = [""], default = dense<1.0> : tensor<2xf32>>}) {
  %c = arith.constant dense<1.0> : tensor<2xf32>
  return %c : tensor<2xf32>
}

// -----

// expected-error @+1 {{input 'x' is type_only and cannot have a default}}
func.func @value_default_type_only(%x: tensor<2xf32> {program.value = #program.value<"x", dims = [""], type_only, default = dense<1.0> : tensor<2xf32>>}) {
  return
}

// -----

// expected-error @+1 {{the default of input 'x' has element type 'f16', the input 'f32'}}
func.func @value_default_element_type(%x: tensor<2xf32> {program.value = #program.value<"x", dims = [""], default = dense<1.0> : tensor<2xf16>>}) {
  return
}

// -----

// expected-error @+1 {{the default of input 'x' has shape [2], the input [?x2]}}
func.func @value_default_rank(%x: tensor<?x2xf32> {program.value = #program.value<"x", dims = ["", ""], default = dense<1.0> : tensor<2xf32>>}) {
  return
}

// -----

// expected-error @+1 {{the default of input 'x' has shape [3x3], the input [?x2]}}
func.func @value_default_static_dims(%x: tensor<?x2xf32> {program.value = #program.value<"x", dims = ["", ""], default = dense<1.0> : tensor<3x3xf32>>}) {
  return
}

// -----

// expected-error @+1 {{the default of input 'x' has shape [3], the input [2]}}
func.func @value_default_memref(%x: memref<2xf32> {program.value = #program.value<"x", dims = [""], default = dense<1.0> : tensor<3xf32>>}) {
  return
}

// -----

// expected-error @+1 {{the default of 'x' must be an elements attribute}}
func.func @value_default_elements(%x: tensor<2xf32> {program.value = #program.value<"x", dims = [""], default = 1.0 : f32>}) {
  return
}

// -----

// expected-error @+1 {{'program.value' must be a #program.value}}
func.func @value_type_c3(%x: tensor<2xf32> {program.value = "x"}) {
  return
}

// -----

// expected-error @+1 {{unknown argument or result attribute 'program.name'}}
func.func @unknown_argument_attribute(%x: tensor<2xf32> {program.name = "x"}) {
  return
}

// -----

// expected-error @+1 {{the bound of dimension 'batch' must be a positive integer}}
func.func @bounds_positive() attributes {program.bounds = #program.bounds<"batch" = 0>} {
  return
}

// -----

// expected-error @+1 {{'program.bounds' must be a #program.bounds}}
func.func @bounds_type() attributes {program.bounds = {batch = 8 : i64}} {
  return
}

// -----

// expected-error @+1 {{arena of 100 bytes is below its liveness lower bound 200}}
func.func @arena_bytes_at_least_lower_bound() attributes {program.arenas = [#program.arena<space = 0, bytes = 100, lower_bound = 200, alignment = 64>]} {
  return
}

// -----

// expected-error @+1 {{arena alignment must be a power of two, got 48}}
func.func @arena_alignment() attributes {program.arenas = [#program.arena<space = 0, bytes = 100, lower_bound = 0, alignment = 48>]} {
  return
}

// -----

// expected-error @+1 {{attribute 'program.arenas' must be an array of #program.arena}}
func.func @arenas_array() attributes {program.arenas = [1]} {
  return
}

// -----

// expected-error @+1 {{pass-through output 'ys' needs a source}}
func.func @pass_through_output_source() attributes {program.pass_through_outputs = [#program.pass_through<"ys", position = 0, kind = sequence, element = tensor<?xf32>>]} {
  return
}

// -----

// expected-error @+1 {{pass-through input 'xs' cannot have a source}}
func.func @pass_through_input_source() attributes {program.pass_through_inputs = [#program.pass_through<"xs", position = 0, kind = sequence, element = tensor<?xf32>, source = "ys">]} {
  return
}

// -----

// expected-error @+1 {{pass-through value 'xs' has a negative position}}
func.func @pass_through_position() attributes {program.pass_through_inputs = [#program.pass_through<"xs", position = -1, kind = sequence, element = tensor<?xf32>>]} {
  return
}

// -----

// expected-error @+1 {{unknown value kind 'list'}}
func.func @pass_through_kind() attributes {program.pass_through_inputs = [#program.pass_through<"xs", position = 0, kind = list, element = tensor<?xf32>>]} {
  return
}

// -----

// expected-error @+1 {{'program.weights' belongs on the module}}
func.func @weights_on_module() attributes {program.weights = []} {
  return
}

// -----

// expected-error @+1 {{weight 'w' has a negative offset}}
module attributes {program.weights = [#program.weight<"w", offset = -4096, value = dense<1.0> : tensor<2xf32>>]} {
}

// -----

// expected-error @+1 {{unknown attribute 'program.plan'}}
func.func @unknown_attribute() attributes {program.plan} {
  return
}

// -----

// expected-error @+1 {{'program.entry' must be a unit attribute}}
func.func @entry_unit() attributes {program.entry = 1} {
  return
}

// -----

// expected-error @+1 {{'program.weights_region' must be a unit attribute on a memref of bytes}}
func.func @weights_region_of_floats(%w: memref<?xf32> {program.weights_region}) {
  return
}

// -----

// expected-error @+1 {{'program.weights_region' must be a unit attribute on a memref of bytes}}
func.func @weights_region_not_unit(%w: memref<?xi8> {program.weights_region = 1}) {
  return
}

// -----

// expected-error @+1 {{'program.matmul_precision' belongs on the module and must be "f32", "bf16" or "f16"}}
module attributes {program.matmul_precision = "fp8"} {
}

// -----

// expected-error @+1 {{'program.matmul_precision' belongs on the module and must be "f32", "bf16" or "f16"}}
func.func @precision_on_function() attributes {program.matmul_precision = "bf16"} {
  return
}

// -----

// expected-error @+1 {{'program.destination' must be an integer}}
func.func @destination_not_integer(%out: tensor<2xf32> {program.destination = "y"}) -> tensor<2xf32> {
  return %out : tensor<2xf32>
}

// -----

// expected-error @+1 {{'program.destination' names result 1 of 1}}
func.func @destination_past_results(%out: tensor<2xf32> {program.destination = 1}) -> tensor<2xf32> {
  return %out : tensor<2xf32>
}

// -----

// expected-error @+1 {{the destination of result 0 must have its static shape and element type}}
func.func @destination_other_shape(%out: tensor<3xf32> {program.destination = 0}) -> tensor<2xf32> {
  %c = arith.constant dense<1.0> : tensor<2xf32>
  return %c : tensor<2xf32>
}

// -----

// expected-error @+1 {{the destination of result 0 must have its static shape and element type}}
func.func @destination_other_element_type(%out: tensor<2xf16> {program.destination = 0}) -> tensor<2xf32> {
  %c = arith.constant dense<1.0> : tensor<2xf32>
  return %c : tensor<2xf32>
}

// -----

// expected-error @+1 {{the destination of result 0 must have its static shape and element type}}
func.func @destination_of_unranked(%out: tensor<f32> {program.destination = 0}, %x: tensor<*xf32>) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}

// -----

// expected-error @+1 {{the destination of result 0 must have its static shape and element type}}
func.func @destination_dynamic(%out: memref<?xf32> {program.destination = 0}) -> memref<?xf32> {
  return %out : memref<?xf32>
}

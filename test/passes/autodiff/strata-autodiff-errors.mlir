// RUN: strata-opt %s --split-input-file --verify-diagnostics --strata-autodiff="loss=mse:y,target"

// An op between a weight and the loss without a gradient rule.
ml_program.global private @w(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
func.func @main(%x: tensor<4xf32> {program.value = #program.value<"x", dims = [""]>})
    -> (tensor<8xf32> {program.value = #program.value<"y", dims = [""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4xf32>
  %a = graph.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = graph.constant dense<2> : tensor<1xi64>
  // expected-error @+1 {{no gradient rule for 'graph.tile': training cannot differentiate through it}}
  %y = graph.tile %a, %r : (tensor<4xf32>, tensor<1xi64>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// The loss names an output the model does not have.
ml_program.global private @w(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
// expected-error @+1 {{the loss reads output 'y', but the model's outputs are 'logits'}}
func.func @main(%x: tensor<4xf32> {program.value = #program.value<"x", dims = [""]>})
    -> (tensor<4xf32> {program.value = #program.value<"logits", dims = [""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4xf32>
  %y = graph.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Dynamic shapes.
ml_program.global private @w(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
// expected-error @+1 {{training needs static shapes: input 'x' is 'tensor<?x4xf32>', with dimension 'batch' unknown; fix it with --shape}}
func.func @main(%x: tensor<?x4xf32> {program.value = #program.value<"x", dims = ["batch", ""]>})
    -> (tensor<?x4xf32> {program.value = #program.value<"y", dims = ["batch", ""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4xf32>
  %y = graph.mul %x, %w : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// The target names an input of another type than the loss needs.
ml_program.global private @w(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
// expected-error @+1 {{the loss's target 'target' is an input of type 'tensor<4xi64>', but the loss needs 'tensor<4xf32>'}}
func.func @main(%x: tensor<4xf32> {program.value = #program.value<"x", dims = [""]>},
                %t: tensor<4xi64> {program.value = #program.value<"target", dims = [""]>})
    -> (tensor<4xf32> {program.value = #program.value<"y", dims = [""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4xf32>
  %y = graph.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// A slice with a stride other than one.
ml_program.global private @w(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
func.func @main(%x: tensor<2xf32> {program.value = #program.value<"x", dims = [""]>})
    -> (tensor<2xf32> {program.value = #program.value<"y", dims = [""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4xf32>
  // expected-error @+1 {{'graph.slice' op has a gradient rule for unit strides only}}
  %s = graph.slice %w {start = array<i64: 0>, limit = array<i64: 4>, stride = array<i64: 2>} : (tensor<4xf32>) -> tensor<2xf32>
  %y = graph.mul %x, %s : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

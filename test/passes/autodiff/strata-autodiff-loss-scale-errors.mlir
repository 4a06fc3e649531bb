// RUN: strata-opt %s --split-input-file --verify-diagnostics --strata-autodiff="loss=mse:y,target loss-scale=1024"

// The loss scale's global needs its name: a weight of the model has it.
// expected-error @+1 {{the loss scale needs the name 'loss_scale', which the model's weight has}}
ml_program.global private @loss_scale(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
func.func @main(%x: tensor<4xf32> {program.value = #program.value<"x", dims = [""]>})
    -> (tensor<4xf32> {program.value = #program.value<"y", dims = [""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @loss_scale : tensor<4xf32>
  %y = graph.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Loss scaling keeps the scale in f32 beside f32 master weights.
ml_program.global private @w(dense<1.0> : tensor<4xf16>) : tensor<4xf16>
// expected-error @+1 {{dynamic loss scaling needs f32 weights and loss (fp32 master weights), not 'f16'}}
func.func @main(%x: tensor<4xf16> {program.value = #program.value<"x", dims = [""]>})
    -> (tensor<4xf16> {program.value = #program.value<"y", dims = [""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4xf16>
  %y = graph.mul %x, %w : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return %y : tensor<4xf16>
}

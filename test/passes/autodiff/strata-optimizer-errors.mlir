// Malformed optimizers, and programs the pass cannot make a step of, are
// errors naming what is wrong.
// RUN: not strata-opt %s --strata-autodiff="loss=mse:y,t" --strata-optimizer="optimizer=lion" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: strata-optimizer: unknown optimizer 'lion' (expected adamw or sgd)
// RUN: not strata-opt %s --strata-autodiff="loss=mse:y,t" --strata-optimizer="optimizer=sgd:beta1=0.9" 2>&1 | FileCheck %s --check-prefix=SETTING
// SETTING: error: strata-optimizer: 'sgd' has no setting 'beta1' (it takes momentum, weight_decay, decay_min_rank and clip)
// RUN: not strata-opt %s --strata-autodiff="loss=mse:y,t" --strata-optimizer="optimizer=adamw:eps=tiny" 2>&1 | FileCheck %s --check-prefix=NUMBER
// NUMBER: error: strata-optimizer: optimizer setting 'eps=tiny' is not KEY=NUMBER
// RUN: not strata-opt %s --strata-autodiff="loss=mse:y,t" --strata-optimizer="optimizer=adamw:beta2=1" 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: error: strata-optimizer: optimizer settings out of range
// Without strata-autodiff there are no gradients to step with.
// RUN: not strata-opt %s --strata-optimizer 2>&1 | FileCheck %s --check-prefix=ORDER
// ORDER: error: strata-optimizer: the module has no gradient program from strata-autodiff
// The step's own inputs cannot share a name with the model's.
// RUN: sed 's/"x", dims/"lr", dims/' %s | not strata-opt --strata-autodiff="loss=mse:y,t" --strata-optimizer 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: error: the model has an input named 'lr', which training needs for its own

ml_program.global private @w(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
func.func @main(%x: tensor<4xf32> {program.value = #program.value<"x", dims = [""]>})
    -> (tensor<4xf32> {program.value = #program.value<"y", dims = [""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4xf32>
  %y = graph.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

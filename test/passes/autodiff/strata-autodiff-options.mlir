// Malformed and unknown losses are errors naming what is wrong.
// RUN: not strata-opt %s --strata-autodiff="loss=hinge:y,t" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: strata-autodiff: unknown loss 'hinge' (expected mse or cross_entropy)
// RUN: not strata-opt %s --strata-autodiff="loss=mse:y" 2>&1 | FileCheck %s --check-prefix=FORM
// FORM: error: strata-autodiff: 'mse:y' is not KIND:OUTPUT,TARGET
// RUN: not strata-opt %s --strata-autodiff="loss=mse:y,t,shift" 2>&1 | FileCheck %s --check-prefix=MSESHIFT
// MSESHIFT: error: strata-autodiff: 'shift' is not an option of mse (it has none)
// RUN: not strata-opt %s --strata-autodiff="loss=cross_entropy:y,t,roll" 2>&1 | FileCheck %s --check-prefix=OPTION
// OPTION: error: strata-autodiff: 'roll' is not an option of cross_entropy (expected 'shift')
// A shifted loss needs a sequence of two positions at least.
// RUN: not strata-opt %s --strata-autodiff="loss=cross_entropy:y,t,shift" 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: error: the loss cannot read output 'y': it has no sequence of at least two positions before its class dimension

ml_program.global private @w(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
func.func @main(%x: tensor<4xf32> {program.value = #program.value<"x", dims = [""]>})
    -> (tensor<4xf32> {program.value = #program.value<"y", dims = [""]>})
    attributes {program.entry} {
  %w = ml_program.global_load_const @w : tensor<4xf32>
  %y = graph.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

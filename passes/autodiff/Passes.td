//===- Passes.td - Reverse-mode differentiation ------------*- tablegen -*-===//
//
// Passes that append a loss to a model and differentiate it, for training.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_AUTODIFF_PASSES_TD
#define STRATA_PASSES_AUTODIFF_PASSES_TD

include "mlir/Pass/PassBase.td"

def Autodiff : Pass<"strata-autodiff", "mlir::ModuleOp"> {
  let summary = "Append a loss to the entry point and return its gradients";
  let description = [{
    Rewrites the entry point (`program.entry`) into the function that computes
    a loss and its gradient with respect to every trainable weight: each float
    `ml_program.global` the function loads. The loss, given by `loss`, reads one
    of the model's outputs and a target, a new input:

    - `mse:OUTPUT,TARGET`: the mean of `(OUTPUT - TARGET)^2` over every element;
      `TARGET` has `OUTPUT`'s type.
    - `cross_entropy:LOGITS,LABELS`: the mean over the positions whose label is
      not -100 (PyTorch's ignore index) of `-log_softmax(LOGITS)[label]` along
      the last dimension; `LABELS` is `i64` with `LOGITS`'s shape less its last
      dimension. `cross_entropy:LOGITS,LABELS,shift` trains a causal language
      model as Hugging Face's models do: the logits of position `i` (along the
      second-to-last dimension) are scored against the label of position
      `i + 1`, so the last position's logits and the first label are unused.

    A target that names an input of the model reads that input (a causal
    language model's labels are its `input_ids`), which must then have the
    type the loss needs.

    The new function returns the loss (`loss`, a rank-0 tensor) and then one
    gradient per trainable weight, in the module's order, named after the
    weight with `.grad` appended and of its type; the model's own outputs are
    no longer returned. A weight the loss does not depend on gets zeros.

    Gradients come from reverse-mode differentiation: the ops that depend on a
    weight, from the loss back, each build their operands' gradients through
    `GradientOpInterface`, and gradients of a value used more than once are
    added. An op on that path without the interface is an error naming the op
    (and, through its location, the ONNX node), as is a form its rule does not
    cover. Composite ops have no rules: `strata-decompose` runs first.

    Preconditions: static shapes (`--shape`), no composite ops, no
    pass-through outputs.

    Example, with `loss=mse:y,target`:

    ```mlir
    ml_program.global private @w(dense<...> : tensor<4x3xf32>) : tensor<4x3xf32>
    func.func @main(%x: tensor<2x4xf32> {program.value = #program.value<"x", dims = ["", ""]>})
        -> (tensor<2x3xf32> {program.value = #program.value<"y", dims = ["", ""]>})
        attributes {program.entry} {
      %w = ml_program.global_load_const @w : tensor<4x3xf32>
      %y = graph.matmul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
      return %y : tensor<2x3xf32>
    }
    ```

    becomes a function of `%x` and `%target` returning the mean squared error
    and `matmul(%x, 2 (%y - %target) / 6, transpose_lhs)` as `w.grad`.
  }];
  let options = [
    Option<"loss", "loss", "std::string", "",
           "The loss: mse:OUTPUT,TARGET or cross_entropy:LOGITS,LABELS[,shift]">,
  ];
  let dependentDialects = ["::strata::graph::GraphDialect"];
}

#endif // STRATA_PASSES_AUTODIFF_PASSES_TD

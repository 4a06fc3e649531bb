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
    The entry point is marked `program.training`, with the loss, the name of
    its target input and whether it shifts.

    Gradients come from reverse-mode differentiation: the ops that depend on a
    weight, from the loss back, each build their operands' gradients through
    `GradientOpInterface`, and gradients of a value used more than once are
    added. An op on that path without the interface is an error naming the op
    (and, through its location, the ONNX node), as is a form its rule does not
    cover. Composite ops have no rules: `strata-decompose` runs first.

    With `loss-scale` above 0 (dynamic loss scaling, for training with fp16
    products: stratac's `--loss-scale`), the backward pass starts from the
    value of a new mutable global `loss_scale` of the loss's type, first
    `loss-scale`, instead of 1, so that every gradient comes out multiplied
    by it; `program.training` gains `loss_scale`, the global's name, for
    `strata-optimizer`, which divides the gradients by it and updates it.

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
    Option<"lossScale", "loss-scale", "double", "0",
           "Above 0: start the backward pass from a global loss_scale of this value">,
  ];
  let dependentDialects = ["::strata::graph::GraphDialect",
                           "::mlir::ml_program::MLProgramDialect"];
}

def Optimizer : Pass<"strata-optimizer", "mlir::ModuleOp"> {
  let summary = "Turn a gradient program into one step of an optimizer";
  let description = [{
    Runs after `strata-autodiff`: rewrites the entry point, which returns the
    loss and one gradient per weight, into one training step. Each weight
    with a gradient becomes a mutable `ml_program.global`, read with
    `ml_program.global_load` and written back with `ml_program.global_store`
    after the optimizer's update; the optimizer's state is new mutable
    globals, zero at first, named after the weight with PyTorch's state names
    appended (`.exp_avg` and `.exp_avg_sq` for AdamW, `.momentum_buffer` for
    SGD with momentum). A weight whose gradient is the zeros strata-autodiff
    gives a weight the loss does not read stays a constant, as PyTorch skips
    a parameter without a gradient.

    `optimizer` is `adamw` or `sgd`, optionally followed by `:` and settings
    `KEY=NUMBER` separated by commas: `beta1` (0.9), `beta2` (0.999), `eps`
    (1e-8) for AdamW, `momentum` (0) for SGD, and for both `weight_decay`
    (0.01 for AdamW, decoupled; 0 for SGD, added to the gradient) and `clip`
    (0: none), the most the global norm of the gradients may be before they
    are scaled down to it, and `decay_min_rank` (0): weights of a lower rank
    (biases and norm scales, with 2) get no weight decay. The updates are torch.optim.AdamW's and
    torch.optim.SGD's.

    Two rank-0 inputs of the weights' float type are added: `lr`, the
    learning rate, and `step`, the step number counted from 1 (AdamW's bias
    correction). The function returns `loss` and, with `clip`, `grad_norm`
    (the norm before clipping). `program.training` gains `optimizer`, the
    option with every setting spelled out, and `parameters` and `state`, the
    names of the globals trained and of the optimizer's state.

    Without clipping a weight's update is placed right after the last op that
    reads the weight or that its gradient needs, so that every load of a
    global precedes its store and the update's buffers live briefly.

    When `program.training` names a loss scale (strata-autodiff's
    `loss-scale`), the gradients are divided by it first, and every update
    keeps the old weight and state unless all of them are finite (their sum
    of squares is); the scale is then updated as torch.amp.GradScaler does:
    halved after a step with a gradient that is not finite, doubled after
    `loss-scale-interval` finite steps in a row, counted by a new global
    `loss_scale.good_steps`. Both globals join `state`, and the function also
    returns `skipped_step` (1 when the step updated nothing, else 0). Updates then come after every
    gradient.
  }];
  let options = [
    Option<"optimizer", "optimizer", "std::string", "\"adamw\"",
           "adamw or sgd, then optionally :KEY=NUMBER,... (see the description)">,
    Option<"lossScaleInterval", "loss-scale-interval", "int64_t", "2000",
           "With a loss scale: the finite steps in a row after which it doubles">,
  ];
  let dependentDialects = ["::strata::graph::GraphDialect",
                           "::mlir::ml_program::MLProgramDialect"];
}

#endif // STRATA_PASSES_AUTODIFF_PASSES_TD

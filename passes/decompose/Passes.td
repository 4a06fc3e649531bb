//===- Passes.td - Decomposition of composite graph ops ---------*- tablegen -*-===//
//
// Passes that rewrite composite graph ops into the primitive graph ops they are
// made of, for targets that do not keep them whole.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_DECOMPOSE_PASSES_TD
#define STRATA_PASSES_DECOMPOSE_PASSES_TD

include "mlir/Pass/PassBase.td"

def Decompose : Pass<"strata-decompose", "mlir::func::FuncOp"> {
  let summary = "Rewrite composite graph ops into the graph ops they are made of";
  let description = [{
    Composite ops (the ops with the `Composite` trait: `graph.attention`,
    `graph.rotary`, `graph.layer_norm`, `graph.rms_norm`, `graph.quantize`,
    `graph.dequantize`) are units for fusion and for targets with fused
    kernels. This pass rewrites each one that the target does not keep whole
    into primitive graph ops: attention into matmuls, the scaling, softcap,
    masks and softmax (grouped-query heads share their key/value head through
    matmul batch broadcasting); rotary embedding into slices, products and
    concatenations; the normalisations into mean reductions that keep the
    normalised dimensions and elementwise ops; quantisation into elementwise
    arithmetic and casts.

    Dynamic batch, sequence and past lengths decompose: reshapes then take
    their shape from `graph.shape_of`, and the causal mask compares two
    `graph.range`s instead of being a constant. A composite op that cannot be
    decomposed in its form (attention with dynamic head counts, rotary
    embedding with a dynamic head size) stops the pass with an error at the op
    that names the op and the reason.

    Preconditions: none. `keep` lists the composite ops the target keeps whole,
    by op name; a name that is not a composite graph op is an error.

    Example:

    ```mlir
    %y = graph.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32}
        : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
    ```

    becomes

    ```mlir
    %sq = graph.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
    %ms = graph.reduce mean %sq {axes = array<i64: 1>, keep_dims = true}
        : (tensor<2x8xf32>) -> tensor<2x1xf32>
    %eps = graph.constant dense<1.0e-6> : tensor<f32>
    %v = graph.add %ms, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
    %r = graph.rsqrt %v : tensor<2x1xf32>
    %n = graph.mul %x, %r : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
    %y = graph.mul %n, %g : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
    ```
  }];
  let options = [
    ListOption<"keep", "keep", "std::string",
               "Composite ops the target keeps whole, by op name (graph.attention, ...)">,
  ];
  let dependentDialects = ["::strata::graph::GraphDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // STRATA_PASSES_DECOMPOSE_PASSES_TD

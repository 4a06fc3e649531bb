//===- Passes.td - Raising primitive graphs to graph ops -----*- tablegen -*-===//
//
// Passes that recognise what exporters write as many primitive nodes (a
// normalisation as a mean, a difference, a square root and a quotient) and
// rewrite it to the single graph op it computes.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_RAISE_PASSES_TD
#define STRATA_PASSES_RAISE_PASSES_TD

include "mlir/Pass/PassBase.td"

def Raise : Pass<"strata-raise", "mlir::func::FuncOp"> {
  let summary = "Rewrite exported primitive subgraphs to the graph ops they compute";
  let description = [{
    Recognises, in the forms that the TorchScript and dynamo exporters, the
    ONNX function expansions and onnxruntime's optimiser write, and rewrites to
    one op each:

    - `graph.gelu`: `x * 0.5 * (1 + erf(x / sqrt(2)))` (or `x * 0.7071...`)
      and `x * 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`, with
      the cube as `pow(x, 3)` or `x * x * x`;
    - `graph.silu`: `x * sigmoid(x)`;
    - `graph.rms_norm`: `x / sqrt(mean(x^2) + eps) * w`, with the division
      also written as a product with `reciprocal(sqrt(...))` or `rsqrt(...)`;
    - `graph.layer_norm`: `(x - mean(x)) / sqrt(var + eps) * w + b`, with the
      variance as `mean((x - mean)^2)` or `mean(x^2) - mean^2`; uses of the
      mean and of `1 / sqrt(var + eps)` elsewhere read the op's `mean` and
      `inv_std_dev` results;
    - `graph.attention`: `softmax(q . k^T * scale + mask) . v` over the
      last axis, the keys transposed by the product's flag or by a transpose
      op, the scale scalar products or quotients of the scores, of q and of
      k^T (or none), then optionally a softcap `c * tanh(s / c)`, the mask
      added or a `where` that puts -inf (or none); with
      `zero_masked_rows = false` (the primitives' NaN rows) unless the
      probabilities are zeroed where the mask's row maximum is -inf (ONNX's
      function expansion), which is the op's guard; keys and values
      concatenated after a past
      along the sequence become the op's past, and other uses of the
      concatenations read its present results. The query and key head
      counts must be static and equal, the values' equal or dynamic; the
      probabilities may have no other use.

    Products and quotients are read as one product of factors, so the
    association and the order of operands do not matter, and scalar
    constants are multiplied out (also when written as unfolded `graph.sqrt`
    or `graph.div` of constants). A subgraph is raised only when it computes
    the op exactly: the reductions run over trailing dimensions and keep them;
    the constants agree with the op's to f32 precision; epsilon is added
    inside the square root; a scale or bias varies only along the normalised
    dimensions; no broadcast makes the result larger than the input. Values
    inside a matched subgraph that are used elsewhere stay computed for those
    uses.

    Preconditions: none; static and dynamic shapes are both raised.

    Example:

    ```mlir
    %h = graph.mul %x, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
    %s = graph.div %x, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
    %e = graph.erf %s : tensor<2x8xf32>
    %a = graph.add %e, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
    %y = graph.mul %h, %a : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
    ```

    becomes

    ```mlir
    %y = graph.gelu %x : tensor<2x8xf32>
    ```
  }];
  let dependentDialects = ["::strata::graph::GraphDialect"];
}

#endif // STRATA_PASSES_RAISE_PASSES_TD

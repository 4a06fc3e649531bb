//===- Passes.td - Lowering of the graph dialect ----------------*- tablegen -*-===//
//
// Passes that take graph ops to upstream linalg, tensor, arith and math ops on
// tensors, ready for bufferisation and target code generation.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_LOWERING_PASSES_TD
#define STRATA_LIB_LOWERING_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerGraphToLinalg : Pass<"strata-lower-graph-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower graph ops to linalg, tensor, arith and math ops on tensors";
  let description = [{
    Each op family has its patterns (`populate*ToLinalgPatterns`); ops without
    one are left in place for later lowerings.

    Elementwise ops (unary math, binary arithmetic with numpy
    broadcasting, comparisons, `where`, `cast`, activations) become one
    `linalg.generic` over the result's iteration space, whose body applies the
    scalar `arith` / `math` computation. Broadcast operands read through indexing
    maps that pin their size-1 dimensions to 0; a dynamic dimension is taken to
    match the result (it is not broadcast at run time). Unsigned operands are
    viewed as signless with `tensor.bitcast` and use the unsigned arithmetic
    variants.

    `matmul` becomes a `linalg.generic` with one reduction dimension whose batch
    dimensions broadcast through the indexing maps, accumulating into a
    zero-filled tensor. `reduce`, `arg_reduce`, `softmax` and `log_softmax`
    become reductions over the given axes with the kind's initial value, followed
    by the kind's elementwise epilogue (mean divides by the count, l2 takes the
    square root, log_sum_exp subtracts the maximum first for stability).

    `attention` and `rotary` are first rewritten into the graph ops they are made
    of (matmul, scale, softcap, masks, softmax; slices and products), grouped-query
    heads sharing key/value heads through matmul batch broadcasting.

    Data movement maps to the tensor dialect where it has the op
    (`extract_slice`, `concat`, `reshape`, `from_elements`) and otherwise to
    linalg ops whose indexing maps do the movement (transpose, broadcast,
    negative-stride slices); `gather` extracts inside a `linalg.generic`, as
    does a `dynamic_slice` whose steps are negative or known only at run time.
    Unsigned tensors move as signless ones, so that no `tensor.bitcast` is left
    between two lowered ops.

    Ops that walk a dimension in order become `scf.for` loops over tensors:
    `cumsum` carries the running sum, `top_k` runs k selection passes (each a
    reduction to the next element in output order). Reductions over axes read
    at run time are a loop nest over the input. Axes read at run time are
    checked with `cf.assert`; `cumsum` picks its loop with `scf.index_switch`.
    `dropout` in training mode draws from a counter-based generator (seed and
    element position).

    Example:

    ```mlir
    %z = graph.add %x, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
    ```

    becomes

    ```mlir
    %e = tensor.empty() : tensor<2x8xf32>
    %z = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                          affine_map<(d0, d1) -> (d1)>,
                                          affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
        ins(%x, %b : tensor<2x8xf32>, tensor<8xf32>) outs(%e : tensor<2x8xf32>) {
    ^bb0(%a: f32, %c: f32, %out: f32):
      %s = arith.addf %a, %c : f32
      linalg.yield %s : f32
    } -> tensor<2x8xf32>
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::cf::ControlFlowDialect"];
}

#endif // STRATA_LIB_LOWERING_PASSES_TD

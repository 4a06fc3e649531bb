//===- Passes.td - Canonicalisation passes of the graph dialect -*- tablegen -*-===//
//
// Passes that bring imported graphs into a simple, static-as-possible form.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_CANONICAL_PASSES_TD
#define STRATA_PASSES_CANONICAL_PASSES_TD

include "mlir/Pass/PassBase.td"

def RefineShapes : Pass<"strata-refine-shapes", "mlir::func::FuncOp"> {
  let summary = "Propagate static shapes forward through type-inferring graph ops";
  let description = [{
    Folding a shape computation (for example after `--shape` fixes an input's
    dimensions) makes some values more static than the types of their users say:
    the folder leaves a `tensor.cast` from the static to the old dynamic type. This
    pass walks each function in order, looks through such casts, re-infers the
    result types of every op that implements `InferTypeOpInterface` and tightens
    them in place, keeping whatever static sizes the old and the inferred type
    each know (an op whose operands then contradict its type is left as it was).
    Users that do not infer their own types (`func.return`, ops with explicit result
    types) keep the old type through a `tensor.cast`; function signatures do not
    change.

    Preconditions: none; ops that do not infer types are left alone.

    Example:

    ```mlir
    %s = tensor.cast %x : tensor<1x8xf32> to tensor<?x8xf32>
    %y = graph.relu %s : tensor<?x8xf32>
    %z = graph.add %s, %s : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
    ```

    becomes `graph.add %x, %x : (...) -> tensor<1x8xf32>`, with the add reading `%x`
    directly.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

#endif // STRATA_PASSES_CANONICAL_PASSES_TD

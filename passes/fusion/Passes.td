//===- Passes.td - Fusion groups -----------------------------*- tablegen -*-===//
//
// Passes that decide which graph ops run as one kernel and make that explicit
// as `graph.fusion_group` regions.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_FUSION_PASSES_TD
#define STRATA_PASSES_FUSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def FormFusionGroups : Pass<"strata-form-fusion-groups", "mlir::func::FuncOp"> {
  let summary = "Group the graph ops that run as one kernel into fusion groups";
  let description = [{
    Puts every graph op that computes something into a `graph.fusion_group`,
    together with the ops it is fused with, so that the values passed inside a
    group never travel through memory. Walking the ops in order, each op's
    group takes in the groups of its producers whose results only it reads,
    when the kinds allow (`FusionOpInterface`):

    - an elementwise, data-movement or reduction producer joins any consumer
      except a contraction, whose operands a library call reads from memory
      (elementwise chains; a reduction or norm with the elementwise ops
      before and after it);
    - an elementwise, data-movement or reduction consumer joins a contraction's
      group as its epilogue (bias, activation, residual add, a norm after the
      residual, the head split after a projection);
    - a contraction joins a group holding one contraction followed by a
      softmax: the scores, the softmax and the product with the values form an
      attention block;
    - ops that only name a tensor (reshapes) join the group they sit inside.

    A merge that would let a path leave the group and come back into it (so
    that no place in the op order could hold the group) is not made. When the
    module records `tier.piece_bytes` (weights cut into pieces for the tier
    plan's slots, strata-split-weights), neither is a merge that would make a
    group read more bytes of module globals than that and than either side
    read alone, so that each piece stays a stage of its own. Ops on
    small integer tensors (shape arithmetic, which the lowering turns into
    scalars) and ops with side effects stay outside groups. Each group's kind
    is what it computes: `attention`, `contraction`, `reduction`,
    `elementwise` or `movement`, in that order of precedence.

    With `singletons`, every op that computes something is a group of its own:
    the unfused program, against which `stratac --report=fusion` measures.

    Example:

    ```mlir
    %m = graph.matmul %x, %w : (tensor<128x768xf32>, tensor<768x3072xf32>) -> tensor<128x3072xf32>
    %b = graph.add %m, %bias : (tensor<128x3072xf32>, tensor<3072xf32>) -> tensor<128x3072xf32>
    %g = graph.gelu %b : tensor<128x3072xf32>
    ```

    becomes

    ```mlir
    %g = graph.fusion_group contraction -> tensor<128x3072xf32> {
      %m = graph.matmul %x, %w : ...
      %b = graph.add %m, %bias : ...
      %0 = graph.gelu %b : tensor<128x3072xf32>
      graph.yield %0 : tensor<128x3072xf32>
    }
    ```
  }];
  let options = [
    Option<"singletons", "singletons", "bool", /*default=*/"false",
           "Make every op that computes something a group of its own">,
  ];
  let dependentDialects = ["::strata::graph::GraphDialect"];
}

#endif // STRATA_PASSES_FUSION_PASSES_TD

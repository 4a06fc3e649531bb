//===- FusionOps.td - Fusion groups ----------------------------*- tablegen -*-===//
//
// The op that makes a fusion group explicit in the IR: a region holding the
// ops that run as one kernel (or one library call with its epilogue), like
// IREE's dispatch regions. `strata-form-fusion-groups` forms them; a target's
// tensor pipeline fuses within them and then dissolves them.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_GRAPH_FUSION_OPS_TD
#define STRATA_GRAPH_FUSION_OPS_TD

include "GraphBase.td"

def Graph_FusionKind : I32EnumAttr<"FusionKind", "what a fusion group computes", [
    I32EnumAttrCase<"elementwise", 0>, I32EnumAttrCase<"reduction", 1>,
    I32EnumAttrCase<"contraction", 2>, I32EnumAttrCase<"attention", 3>,
    I32EnumAttrCase<"movement", 4>]> {
  let cppNamespace = "::strata::graph";
}

def Graph_FusionGroupOp : Op<Graph_Dialect, "fusion_group",
    [RecursiveMemoryEffects, RecursivelySpeculatable, SingleBlock]> {
  let summary = "ops that run as one kernel";
  let description = [{
    A fusion group: the ops of its region run as one kernel, or as one library
    call with the rest of the group as its epilogue, so that the values passed
    between them never travel through memory. The region reads values defined
    above it directly and ends in `graph.yield` of the values used after the
    group, which become its results. `kind` says what the group computes:
    `elementwise` (a chain of elementwise ops), `reduction` (a reduction or
    norm with the elementwise ops around it), `contraction` (a matrix product
    with its epilogue), `attention` (scores, softmax and the product with the
    values) or `movement` (a transpose, gather or copy).

    Example:

    ```mlir
    %y = graph.fusion_group contraction -> tensor<128x768xf32> {
      %m = graph.matmul %x, %w : (tensor<128x768xf32>, tensor<768x768xf32>) -> tensor<128x768xf32>
      %b = graph.add %m, %bias : (tensor<128x768xf32>, tensor<768xf32>) -> tensor<128x768xf32>
      graph.yield %b : tensor<128x768xf32>
    }
    ```
  }];
  let arguments = (ins Graph_FusionKind:$kind);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$kind (`->` type($results)^)? $body attr-dict";
  let hasVerifier = 1;
}

def Graph_YieldOp : Op<Graph_Dialect, "yield",
    [Pure, Terminator, HasParent<"FusionGroupOp">]> {
  let summary = "the values a fusion group gives to the ops after it";
  let description = [{
    Ends the region of a `graph.fusion_group`; its operands are the group's
    results, in order and of the same types.

    Example:

    ```mlir
    graph.yield %b : tensor<128x768xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

#endif // STRATA_GRAPH_FUSION_OPS_TD

//===- ReductionOps.td - Reductions, softmax, arg-reductions --*- tablegen -*-===//
//
// Ops that combine elements along dimensions: reductions with a kind, the
// index-returning reductions, top-k, softmax and log-softmax.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_GRAPH_REDUCTION_OPS_TD
#define STRATA_GRAPH_REDUCTION_OPS_TD

include "GraphBase.td"

/// A reduction-family op: `flopsPerInputElement` flops per element of its
/// first operand, every operand read and every result written once.
class Graph_ReductionOp<string mnemonic, list<Trait> traits = [], bit inferred = 0>
    : Graph_Op<mnemonic, traits, inferred> {
  /// Flops per element of the input: a C++ expression of the op.
  code flopsPerInputElement = "1";
  let familyCost =
    "::strata::graph::reductionCost(*this, shapes, " # flopsPerInputElement # ")";
  let fusionKind = "::strata::graph::FusionKind::reduction";
}

def Graph_ReductionKind : I32EnumAttr<"ReductionKind", "how a reduction combines", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>,
    I32EnumAttrCase<"max", 2>, I32EnumAttrCase<"min", 3>,
    I32EnumAttrCase<"prod", 4>, I32EnumAttrCase<"l1", 5>,
    I32EnumAttrCase<"l2", 6>, I32EnumAttrCase<"log_sum", 7>,
    I32EnumAttrCase<"log_sum_exp", 8>, I32EnumAttrCase<"sum_square", 9>]> {
  let cppNamespace = "::strata::graph";
}

def Graph_ReduceOp : Graph_ReductionOp<"reduce", [Pure, Graph_SignednessOpInterface,
                                                DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "combines elements over a set of dimensions";
  let description = [{
    Reduces `input` over `axes` (non-negative, ascending, unique) with `kind`. With
    `keep_dims` the reduced dimensions stay as 1. An empty `axes` reduces nothing
    (the op is then the identity for `sum`, `mean`, `max`, `min`, `prod` and applies
    the elementwise part of the others). With the operand `axes_value` the axes are
    read at run time, ONNX-style (negative axes count from the end; empty means
    all), and the result type gives the shape. With signless integers,
    `is_unsigned` reads them as unsigned (see `SignednessOpInterface`).

    Example:

    ```mlir
    %m = graph.reduce mean %x {axes = array<i64: 2>, keep_dims = true}
        : (tensor<1x128x768xf32>) -> tensor<1x128x1xf32>
    ```
  }];
  let arguments = (ins Graph_ReductionKind:$kind, Graph_Tensor:$input,
                   Optional<Graph_IndexTensor>:$axes_value,
                   DenseI64ArrayAttr:$axes,
                   DefaultValuedAttr<BoolAttr, "true">:$keep_dims,
                   UnitAttr:$is_unsigned);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$kind $input (`,` $axes_value^)? attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
  let hasCustomCost = 1;
}

def Graph_ArgReduceOp : Graph_ReductionOp<"arg_reduce",
    [Pure, Graph_SignednessOpInterface], /*inferred=*/1> {
  let summary = "index of the maximum or minimum along one dimension";
  let description = [{
    `kind` is `max` or `min`; ties give the first index, or the last with
    `select_last_index`. The result is `i64`. With signless integers,
    `is_unsigned` orders them as unsigned (see `SignednessOpInterface`).

    Example:

    ```mlir
    %i = graph.arg_reduce max %logits {axis = 2 : i64, keep_dims = false}
        : (tensor<1x1x256xf32>) -> tensor<1x1xi64>
    ```
  }];
  let arguments = (ins Graph_ReductionKind:$kind, Graph_Tensor:$input, I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "true">:$keep_dims,
                   DefaultValuedAttr<BoolAttr, "false">:$select_last_index,
                   UnitAttr:$is_unsigned);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$kind $input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_TopKOp : Graph_ReductionOp<"top_k", [Pure, Graph_SignednessOpInterface]> {
  let summary = "the k largest or smallest elements along one dimension";
  let description = [{
    `k` is a one-element i64 tensor. With `sorted`, values come in order (largest
    first when `largest`); equal values keep the lower index first. With
    signless integers, `is_unsigned` orders them as unsigned (see
    `SignednessOpInterface`).

    Example:

    ```mlir
    %v, %i = graph.top_k %logits, %k {axis = 1 : i64}
        : (tensor<1x256xf32>, tensor<1xi64>) -> (tensor<1x5xf32>, tensor<1x5xi64>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, RankedTensorOf<[I64]>:$k, I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "true">:$largest,
                   DefaultValuedAttr<BoolAttr, "true">:$sorted,
                   UnitAttr:$is_unsigned);
  let results = (outs Graph_Tensor:$values, RankedTensorOf<[I64]>:$indices);
  let assemblyFormat = "$input `,` $k attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasCustomCost = 1;
}

class Graph_SoftmaxBase<string mnemonic, string what>
    : Graph_ReductionOp<mnemonic, [Pure, SameOperandsAndResultType, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = what # " along one dimension";
  let description = "Normalises along `axis` (non-negative) with " # what
    # ", computed stably (the maximum is subtracted first).\n\nExample:\n\n```mlir\n"
    # "%p = graph." # mnemonic # " %x {axis = 3 : i64} : tensor<1x12x128x128xf32>\n```";
  let arguments = (ins Graph_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  // The maximum, the shift, the exponential, the sum and the division (or the
  // logarithm's subtraction).
  let flopsPerInputElement = "5";
}

def Graph_SoftmaxOp : Graph_SoftmaxBase<"softmax", "softmax">;
def Graph_LogSoftmaxOp : Graph_SoftmaxBase<"log_softmax", "log-softmax">;

#endif // STRATA_GRAPH_REDUCTION_OPS_TD

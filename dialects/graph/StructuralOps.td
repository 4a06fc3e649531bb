//===- StructuralOps.td - Constants and data movement ----------*- tablegen -*-===//
//
// Ops that create tensors (constants, fills, ranges) or move their
// elements without arithmetic (reshape, transpose, slice, concat, a KV cache's
// per-entry writes, split, gather, gather_elements, broadcast, tile, triangular
// masks), `shape_of`, the root of every shape computation, and `check_range`,
// a run-time check of lengths read from the inputs.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_GRAPH_STRUCTURAL_OPS_TD
#define STRATA_GRAPH_STRUCTURAL_OPS_TD

include "GraphBase.td"

/// A data-movement op: no flops, every operand read and every result written
/// once. Ops that read part of an operand (slices, gathers), or none of it
/// (a view, `shape_of`), or that compute, have their own cost.
class Graph_StructuralOp<string mnemonic, list<Trait> traits = [], bit inferred = 0>
    : Graph_Op<mnemonic, traits, inferred> {
  let familyCost = "::strata::graph::dataMovementCost(*this, shapes)";
}

/// An op that names a tensor given by an attribute: it reads and writes
/// nothing (its users read the data).
class Graph_ConstantLikeOp<string mnemonic, list<Trait> traits = []>
    : Graph_StructuralOp<mnemonic, traits> {
  let familyCost = "::strata::graph::OpCost()";
  let fusionKind = "std::nullopt";
}

def Graph_ConstantOp : Graph_ConstantLikeOp<"constant",
                                            [Pure, ConstantLike, InferTypeOpAdaptor]> {
  let summary = "a tensor given by an attribute";
  let description = [{
    Small tensors: shape computations, scalars, masks. Parameters of a model are
    immutable `ml_program.global`s named after their ONNX initializers, read
    with `ml_program.global_load`, which keep their data out of function bodies.

    Example:

    ```mlir
    %c = graph.constant dense<[1, 128, 12, 64]> : tensor<4xi64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

def Graph_ShapeOfOp : Graph_StructuralOp<"shape_of", [Pure]> {
  let fusionKind = "std::nullopt";
  let summary = "the dimensions of a tensor as a 1-D i64 tensor";
  let description = [{
    Folds to a constant when the operand's shape is static.

    Example:

    ```mlir
    %s = graph.shape_of %x : tensor<?x128xf32> -> tensor<2xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs Graph_ShapeTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCustomCost = 1;
}

def Graph_FillOp : Graph_StructuralOp<"fill", [Pure]> {
  let summary = "a tensor of a runtime shape filled with one value";
  let description = [{
    Every element is `value` (a one-element tensor attribute of the result's
    element type); `shape` gives the dimensions. Folds to a splat constant when the
    result type is static.

    Example:

    ```mlir
    %z = graph.fill %shape {value = dense<0.0> : tensor<1xf32>}
        : (tensor<2xi64>) -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins Graph_ShapeTensor:$shape, ElementsAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_RangeOp : Graph_StructuralOp<"range", [Pure, Graph_SignednessOpInterface]> {
  let summary = "the 1-D sequence start, start + delta, ... below limit";
  let description = [{
    The operands are scalar (rank-0) tensors of the result's element type. The
    length is `max(ceil((limit - start) / delta), 0)`. Folds when all three are
    constant integers; with a dynamic result type the constant is cast back to it.
    With signless integers, `is_unsigned` reads them as unsigned (see
    `SignednessOpInterface`).

    Example:

    ```mlir
    %r = graph.range %start, %limit, %delta
        : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$start, Graph_Tensor:$limit, Graph_Tensor:$delta,
                   UnitAttr:$is_unsigned);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$start `,` $limit `,` $delta attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Graph_ReshapeOp : Graph_StructuralOp<"reshape", [Pure, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let fusionKind = "std::nullopt";
  let summary = "the same elements in row-major order under another shape";
  let description = [{
    Without `shape`, the result type alone gives the new shape; it may have one
    dynamic dimension, which is then the one the element count determines. With
    `shape` (a 1-D i64 tensor whose length is the result's rank), the dimensions are
    read at run time; at most one of them may be -1, meaning "inferred".

    Example:

    ```mlir
    %y = graph.reshape %x : (tensor<1x128x768xf32>) -> tensor<1x128x12x64xf32>
    %z = graph.reshape %x, %s : (tensor<?x768xf32>, tensor<3xi64>) -> tensor<?x12x64xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Optional<Graph_ShapeTensor>:$shape);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input (`,` $shape^)? attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let hasCustomCost = 1;
}

def Graph_TransposeOp : Graph_StructuralOp<"transpose", [Pure, DeclareOpInterfaceMethods<Graph_GradientOpInterface>], /*inferred=*/1> {
  let summary = "permutes the dimensions";
  let description = [{
    Dimension `i` of the result is dimension `permutation[i]` of the operand.

    Example:

    ```mlir
    %y = graph.transpose %x {permutation = array<i64: 0, 2, 1, 3>}
        : (tensor<1x128x12x64xf32>) -> tensor<1x12x128x64xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_SliceOp : Graph_StructuralOp<"slice", [Pure, DeclareOpInterfaceMethods<Graph_GradientOpInterface>], /*inferred=*/1> {
  let summary = "a strided window with static, normalised bounds";
  let description = [{
    One `start`, `limit` and `stride` per dimension, already normalised: for a
    positive stride `0 <= start <= limit <= dim`; for a negative stride
    `-1 <= limit <= start < dim` (elements `start, start + stride, ...` above
    `limit`). A dimension that is not sliced has start 0, limit = its size and
    stride 1, or, when dynamic, start 0, limit -1 and stride 1 ("all of it").

    Example:

    ```mlir
    %y = graph.slice %x {start = array<i64: 0, 64>, limit = array<i64: 2, 128>,
                         stride = array<i64: 1, 1>} : (tensor<2x128xf32>) -> tensor<2x64xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$start,
                   DenseI64ArrayAttr:$limit, DenseI64ArrayAttr:$stride);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasCustomCost = 1;
}

def Graph_DynamicSliceOp : Graph_StructuralOp<"dynamic_slice",
                                              [Pure, AttrSizedOperandSegments]> {
  let summary = "a strided window whose bounds are read at run time";
  let description = [{
    ONNX `Slice` semantics: `starts`, `ends`, `axes` and `steps` are 1-D integer
    tensors of one length; negative starts and ends count from the end, and all are
    clamped to the dimension. Missing `axes` means `0..n-1`, missing `steps` means 1.
    Canonicalises to `graph.slice` when the bounds are constant and the sliced
    dimensions static.

    Example:

    ```mlir
    %y = graph.dynamic_slice %x, %starts, %ends, %axes
        : (tensor<1x1x1024x1024xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>)
        -> tensor<1x1x?x1024xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_IndexTensor:$starts,
                   Graph_IndexTensor:$ends, Optional<Graph_IndexTensor>:$axes,
                   Optional<Graph_IndexTensor>:$steps);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $starts `,` $ends (`,` $axes^)? "
                       "(`steps` $steps^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let hasCustomCost = 1;
}

def Graph_ConcatOp : Graph_StructuralOp<"concat", [Pure, SameOperandsElementType,
                                        DeclareOpInterfaceMethods<Graph_GradientOpInterface>],
                                        /*inferred=*/1> {
  let summary = "joins tensors along one dimension";
  let description = [{
    All operands have the same rank and agree on every dimension but `axis`.

    Example:

    ```mlir
    %kv = graph.concat %past, %new {axis = 2 : i64}
        : (tensor<1x12x7x64xf32>, tensor<1x12x1x64xf32>) -> tensor<1x12x8x64xf32>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_CacheWriteOp : Graph_StructuralOp<"cache_write",
                                            [Pure, DeclareOpInterfaceMethods<Graph_GradientOpInterface>],
                                            /*inferred=*/1> {
  let summary = "writes each batch entry's new positions right after its filled ones";
  let description = [{
    The KV cache layout of onnxruntime's GroupQueryAttention, where the entries
    of a padded batch (dimension 0) hold different numbers of positions (along
    `axis`): entry `b` holds `lengths[b]` and its new positions go right after
    them. The result is `cache` with, for every entry `b`, the positions
    `[lengths[b], lengths[b] + S)` replaced by `fresh[b]` (`S` is `fresh`'s
    size along `axis`; its other dimensions are the cache's) and the positions
    from `lengths[b] + S` to the end set to zero. A length outside
    `[0, size - S]` stops the program at run time, naming the node, before
    anything is written. The result has the cache's type.

    The importer writes such a present as `cache_write(concat(past, fresh),
    fresh, lengths)`; where every entry's past is full, that is the
    concatenation. `strata-kv-cache-in-place` turns the concatenation into an
    append to the cache, whose view this op then updates in place.

    Example:

    ```mlir
    %present = graph.cache_write %joined, %new, %lengths {axis = 2 : i64}
        : (tensor<?x2x?x16xf32>, tensor<?x2x1x16xf32>, tensor<?xi64>) -> tensor<?x2x?x16xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$cache, Graph_Tensor:$fresh, 1DTensorOf<[I32, I64]>:$lengths,
                   I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$cache `,` $fresh `,` $lengths attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
  let hasCustomCost = 1;
}

def Graph_CheckRangeOp : Graph_StructuralOp<"check_range", [Pure], /*inferred=*/1> {
  let summary = "its operand, once every element is found in [0, limit)";
  let description = [{
    Lengths and positions an ONNX node reads from its inputs that no op
    bounds by itself: every element of `values` must lie in `[0, limit)`
    (`limit` holds one integer; a limit of 0 or less fails every value),
    else the program stops at run time, printing the node's name and
    `message`, and the run delivers no outputs. The result is `values`; an importer reads the result, not
    the input, so that the check stays (a check no one reads is removed with
    its result).

    Example (GroupQueryAttention's `seqlens_k` against its
    `total_sequence_length`, as onnxruntime checks it):

    ```mlir
    %checked = graph.check_range %seqlens, %total
        {message = "seqlens_k holds a value outside [0, total_sequence_length)"}
        : (tensor<?xi32>, tensor<i64>) -> tensor<?xi32>
    ```
  }];
  let arguments = (ins 1DTensorOf<[I32, I64]>:$values, TensorOf<[I32, I64]>:$limit,
                   StrAttr:$message);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$values `,` $limit attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasCustomCost = 1;
}

def Graph_SplitOp : Graph_StructuralOp<"split", [Pure, DeclareOpInterfaceMethods<Graph_GradientOpInterface>], /*inferred=*/1> {
  let summary = "cuts a tensor into consecutive pieces along one dimension";
  let description = [{
    Piece `i` has `sizes[i]` elements along `axis`; the sizes add up to the
    dimension when it is static.

    Example:

    ```mlir
    %q, %k, %v = graph.split %qkv {axis = 2 : i64, sizes = array<i64: 768, 768, 768>}
        : (tensor<1x128x2304xf32>)
        -> (tensor<1x128x768xf32>, tensor<1x128x768xf32>, tensor<1x128x768xf32>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis, DenseI64ArrayAttr:$sizes);
  let results = (outs Variadic<Graph_Tensor>:$results);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_GatherOp : Graph_StructuralOp<"gather",
    [Pure, DeclareOpInterfaceMethods<Graph_PieceOpInterface>, DeclareOpInterfaceMethods<Graph_GradientOpInterface>],
    /*inferred=*/1> {
  let summary = "selects slices along one dimension by index";
  let description = [{
    The result's shape is `input.shape[:axis] + indices.shape + input.shape[axis+1:]`.
    A negative index counts from the end of the dimension.

    Example:

    ```mlir
    %e = graph.gather %wte, %ids {axis = 0 : i64}
        : (tensor<50257x768xf32>, tensor<1x128xi64>) -> tensor<1x128x768xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $indices attr-dict `:` "
                       "functional-type(operands, results)";
  let hasFolder = 1;
  let hasCustomCost = 1;
}

def Graph_GatherElementsOp : Graph_StructuralOp<"gather_elements",
                                                [Pure, DeclareOpInterfaceMethods<Graph_GradientOpInterface>],
                                                /*inferred=*/1> {
  let summary = "selects one element per index along one dimension";
  let description = [{
    `input` and `indices` have the same rank and the result has the indices'
    shape: `result[i_0, ..., i_k, ...] = input[i_0, ..., indices[i_0, ..., i_k, ...], ...]`
    with the index replacing position `k = axis`. Along every other dimension the
    indices' size is at most the input's. A negative index counts from the end of
    the dimension.

    Example:

    ```mlir
    %y = graph.gather_elements %logits, %target {axis = 1 : i64}
        : (tensor<8x50257xf32>, tensor<8x1xi64>) -> tensor<8x1xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $indices attr-dict `:` "
                       "functional-type(operands, results)";
  let hasCustomCost = 1;
}

def Graph_BroadcastOp : Graph_StructuralOp<"broadcast", [Pure, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "stretches a tensor to a larger shape";
  let description = [{
    The operand's dimensions align with the trailing dimensions of the result; each
    is 1 or equal to the result's. With `shape`, the result's dimensions are read at
    run time.

    Example:

    ```mlir
    %y = graph.broadcast %b : (tensor<768xf32>) -> tensor<1x128x768xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Optional<Graph_ShapeTensor>:$shape);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input (`,` $shape^)? attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Graph_TileOp : Graph_StructuralOp<"tile", [Pure]> {
  let summary = "repeats a tensor along every dimension";
  let description = [{
    `repeats` is a 1-D i64 tensor with one count per dimension; dimension `i` of the
    result is `input.shape[i] * repeats[i]`.

    Example:

    ```mlir
    %y = graph.tile %x, %reps : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_ShapeTensor:$repeats);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $repeats attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_TriluOp : Graph_StructuralOp<"trilu",
                                       [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "keeps the upper or lower triangle of the last two dimensions";
  let description = [{
    With `upper`, keeps elements with `col - row >= k`; otherwise those with
    `col - row <= k`; the rest become zero. `k` is the attribute unless the scalar
    operand `k_value` gives it at run time.

    Example:

    ```mlir
    %m = graph.trilu %ones {upper = false, k = 0 : i64} : tensor<128x128xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Optional<RankedTensorOf<[I64]>>:$k_value,
                   DefaultValuedAttr<BoolAttr, "true">:$upper,
                   DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input (`,` $k_value^ `:` type($k_value))? attr-dict `:` "
                       "type($input)";
  let hasVerifier = 1;
}

def Graph_CumSumOp : Graph_StructuralOp<"cumsum",
                                        [Pure, AllTypesMatch<["input", "result"]>,
                                         DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "running sum along one dimension";
  let description = [{
    `exclusive` leaves out the element itself; `reverse` sums from the end. The
    axis is the attribute unless the scalar operand `axis_value` gives it.

    Example:

    ```mlir
    %y = graph.cumsum %x {axis = 1 : i64} : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Optional<Graph_IndexTensor>:$axis_value,
                   DefaultValuedAttr<I64Attr, "0">:$axis,
                   DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                   DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input (`,` $axis_value^ `:` type($axis_value))? attr-dict "
                       "`:` type($input)";
  let hasVerifier = 1;
  let hasCustomCost = 1;
}

def Graph_ScatterAddOp : Graph_StructuralOp<"scatter_add", [Pure]> {
  let summary = "adds rows into a zero tensor at the rows indices name";
  let description = [{
    `result[indices[n], ...] += updates[n, ...]` for every `n`, into a result
    of `rows` rows that starts at zero: the gradient of a gather along axis 0
    (an embedding's), where one row may be read at several positions. Indices
    below zero count from the end; one outside `[-rows, rows)` stops the
    program at run time, naming the node. `updates` is a float tensor of rank
    at least 1 whose first dimension is the number of indices; the result has
    `rows` rows of `updates`'s other dimensions.

    Example:

    ```mlir
    %g = graph.scatter_add %updates, %ids {rows = 50257 : i64}
        : (tensor<128x768xf32>, tensor<128xi64>) -> tensor<50257x768xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$updates, 1DTensorOf<[I32, I64]>:$indices,
                   I64Attr:$rows);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$updates `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasCustomCost = 1;
}

def Graph_DropoutOp : Graph_StructuralOp<"dropout", [AttrSizedOperandSegments,
                                                    DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "random dropout in training, identity in inference";
  let description = [{
    In training mode each element is zeroed with probability `ratio` and the rest
    scaled by `1 / (1 - ratio)`; `mask` is true where kept. In inference mode the
    output is the input and the mask all true. `ratio` and `training` are the
    attributes unless the scalar operands `ratio_value` and `training_value` give
    them at run time. The op reads a random generator and is not `Pure`.

    Example:

    ```mlir
    %y, %mask = graph.dropout %x {ratio = 1.000000e-01 : f32}
        : (tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input,
                   Optional<Graph_FloatTensor>:$ratio_value,
                   Optional<Graph_BoolTensor>:$training_value,
                   DefaultValuedAttr<F32Attr, "0.5">:$ratio,
                   DefaultValuedAttr<BoolAttr, "false">:$training,
                   OptionalAttr<I64Attr>:$seed);
  let results = (outs Graph_FloatTensor:$output, Graph_BoolTensor:$mask);
  let assemblyFormat = "$input (`ratio` $ratio_value^)? (`training` $training_value^)? "
                       "attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasCustomCost = 1;
}

#endif // STRATA_GRAPH_STRUCTURAL_OPS_TD

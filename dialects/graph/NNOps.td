//===- NNOps.td - Contractions and transformer building blocks -*- tablegen -*-===//
//
// Matrix products, einsum, normalisations, attention and rotary embedding: the ops
// that the raise passes recognise and that fusion and targets with fused kernels
// treat as units.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_GRAPH_NN_OPS_TD
#define STRATA_GRAPH_NN_OPS_TD

include "GraphBase.td"

/// A contraction: each result element sums products of operand elements. Its
/// cost is a multiply-add per term, `getContractedSize` terms per result
/// element (defined per op in GraphCost.cpp).
class Graph_ContractionOp<string mnemonic, list<Trait> traits = [], bit inferred = 0>
    : Graph_Op<mnemonic, traits, inferred> {
  let familyCost = "::strata::graph::contractionCost(*this, shapes, "
                   "getContractedSize(shapes))";
  let fusionKind = "::strata::graph::FusionKind::contraction";
  let extraClassDeclaration = [{
    /// The number of products summed into each result element for `shapes`.
    int64_t getContractedSize(const ::strata::graph::OpShapes &shapes);
  }];
}

/// A composite op (`Graph_Composite`): `strata-decompose` rewrites it into the
/// graph ops it is made of unless the target keeps it whole. Each has its own
/// cost formula (GraphCost.cpp).
class Graph_CompositeOp<string mnemonic, list<Trait> traits = [], bit inferred = 0>
    : Graph_Op<mnemonic, !listconcat(traits, [Graph_Composite]), inferred> {
  let hasCustomCost = 1;
}

def Graph_MatMulOp : Graph_ContractionOp<"matmul", [Pure, SameOperandsElementType,
                                         DeclareOpInterfaceMethods<Graph_PieceOpInterface>,
                                         DeclareOpInterfaceMethods<Graph_GradientOpInterface>],
                                         /*inferred=*/1> {
  let summary = "batched matrix product with broadcast batch dimensions";
  let description = [{
    Both operands have rank >= 2; the last two dimensions are the matrices
    (transposed first when `transpose_lhs` / `transpose_rhs`) and the leading ones
    are batch dimensions that broadcast numpy-style.

    Example:

    ```mlir
    %s = graph.matmul %q, %k {transpose_rhs = true}
        : (tensor<1x12x128x64xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x128x128xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs,
                   DefaultValuedAttr<BoolAttr, "false">:$transpose_lhs,
                   DefaultValuedAttr<BoolAttr, "false">:$transpose_rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  // An operand made by a transpose of its last two dimensions becomes its
  // transpose flag.
  let hasCanonicalizer = 1;
}

def Graph_MatMulNBitsOp : Graph_ContractionOp<"matmul_nbits", [Pure], /*inferred=*/1> {
  let summary = "matrix product with block-quantised, bit-packed weights";
  let description = [{
    `result[..., n] = sum_k lhs[..., k] * w(n, k)`: the weights `w` stay in
    their packed form and are dequantised inside the product, never expanded
    to a float tensor. `weights` is `[N, blocks, block_size * bits / 8]` of
    bytes read as unsigned, each holding `8 / bits` values, the first in the
    low bits; the value for `(n, k)` is `q(n, k)` at bit `(k % (8 / bits)) *
    bits` of byte `weights[n, k / block_size, (k % block_size) * bits / 8]`, and
    `w(n, k) = (q(n, k) - zp(n, b)) * scales[n, b]` for its block `b = k /
    block_size`. `zero_points`, when given, is `[N, ceil(blocks * bits / 8)]`
    bytes packed the same way (block `b` at bit `(b % (8 / bits)) * bits` of
    byte `b / (8 / bits)`); without it every block's zero point is
    `2^(bits - 1)`. `lhs`'s last dimension `K` lies in the last block: at most
    `blocks * block_size` and more than `(blocks - 1) * block_size`. `bits` is
    2, 4 or 8, `block_size` a power of two of at least `8 / bits`.

    This is onnxruntime's `MatMulNBits`, as onnxruntime-genai's model builder
    and onnxruntime's quantisers write int4 and int8 weight-only models.

    Example:

    ```mlir
    %y = graph.matmul_nbits %x, %w, %s, %zp {bits = 4 : i64, block_size = 32 : i64}
        : (tensor<1x7x64xf32>, tensor<256x2x16xui8>, tensor<256x2xf32>, tensor<256x1xui8>)
        -> tensor<1x7x256xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$lhs, Graph_Tensor:$weights, Graph_FloatTensor:$scales,
                   Optional<Graph_Tensor>:$zero_points, I64Attr:$bits, I64Attr:$block_size);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $weights `,` $scales (`,` $zero_points^)? attr-dict `:` "
                       "functional-type(operands, results)";
}

def Graph_ConvOp : Graph_ContractionOp<"conv", [Pure, SameOperandsAndResultElementType],
                                       /*inferred=*/1> {
  let summary = "grouped convolution of any spatial rank";
  let description = [{
    `input` is `[N, C, x_1, ..., x_d]` and `filter` `[F, C / group, k_1, ...,
    k_d]` for any `d >= 1`; the result is `[N, F, y_1, ..., y_d]` with
    `y_i = (x_i + pads[i] + pads[d + i] - dilations[i] * (k_i - 1) - 1) /
    strides[i] + 1`. The input is padded with zeros (`pads` lists the leading
    pads of every spatial dimension, then the trailing ones, as ONNX does);
    output channel `f` of group `g = f / (F / group)` sums over the input
    channels of its group. Spatial and batch dimensions may be dynamic.

    Example:

    ```mlir
    %y = graph.conv %x, %w {strides = array<i64: 2>, dilations = array<i64: 1>,
                            pads = array<i64: 1, 1>, group = 1 : i64}
        : (tensor<1x80x?xf32>, tensor<64x80x3xf32>) -> tensor<1x64x?xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$filter,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pads, I64Attr:$group);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input `,` $filter attr-dict `:` functional-type(operands, results)";
}

def Graph_EinsumOp : Graph_ContractionOp<"einsum", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Einstein summation over explicit subscripts";
  let description = [{
    `equation` names each operand's dimensions with one letter each and the
    result's after `->` (always explicit: the importer fills in the implicit form
    and expands ellipses into letters). Letters absent from the result are summed
    over. A letter repeated within one operand's subscripts takes that operand's
    diagonal (its sizes must be equal); across operands a size of 1 broadcasts.

    Example:

    ```mlir
    %y = graph.einsum %a, %b {equation = "bij,bjk->bik"}
        : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
    %d = graph.einsum %m {equation = "bii->bi"} : (tensor<2x3x3xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, StrAttr:$equation);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_LayerNormOp : Graph_CompositeOp<"layer_norm", [Pure], /*inferred=*/1> {
  let fusionKind = "::strata::graph::FusionKind::reduction";
  let summary = "layer normalisation over the trailing dimensions";
  let description = [{
    Normalises over dimensions `axis..rank-1`:
    `(x - mean) * inv_std_dev * scale + bias` with
    `inv_std_dev = 1 / sqrt(var + epsilon)`. `scale` and `bias` broadcast against
    the normalised dimensions. `mean` and `inv_std_dev` have the input's shape with
    the normalised dimensions set to 1.

    Example:

    ```mlir
    %y, %mean, %rstd = graph.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32}
        : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>)
        -> (tensor<1x128x768xf32>, tensor<1x128x1xf32>, tensor<1x128x1xf32>)
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                   Optional<Graph_FloatTensor>:$bias, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Graph_FloatTensor:$result, Graph_FloatTensor:$mean,
                  Graph_FloatTensor:$inv_std_dev);
  let assemblyFormat = "$input `,` $scale (`,` $bias^)? attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_RMSNormOp : Graph_CompositeOp<"rms_norm", [Pure], /*inferred=*/1> {
  let fusionKind = "::strata::graph::FusionKind::reduction";
  let summary = "root-mean-square normalisation over the trailing dimensions";
  let description = [{
    `x / sqrt(mean(x^2 over axis..rank-1) + epsilon) * scale`; `scale` broadcasts
    against the normalised dimensions.

    Example:

    ```mlir
    %y = graph.rms_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-6 : f32}
        : (tensor<1x128x512xf32>, tensor<512xf32>) -> tensor<1x128x512xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                   I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input `,` $scale attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_AttentionOp : Graph_CompositeOp<"attention", [Pure, AttrSizedOperandSegments]> {
  let fusionKind = "::strata::graph::FusionKind::attention";
  let summary = "scaled dot-product attention with masks, KV cache and GQA";
  let description = [{
    Operands are 4-D `[batch, heads, sequence, head_dim]`. `query` has `Hq` heads,
    `key` and `value` `Hkv` heads with `Hq % Hkv == 0` (grouped-query attention
    shares each key/value head among `Hq / Hkv` query heads). When `past_key` and
    `past_value` are given they are concatenated in front of `key` and `value`
    along the sequence; `present_key` / `present_value` are the concatenations
    (or `key` / `value` without a past).

    Scores are `query . key^T * scale`, then, in order: `softcap * tanh(s / softcap)`
    when `softcap > 0`; the `mask` (boolean: false masks out; otherwise added),
    broadcast to `[batch, Hq, Sq, Skv]`; the causal mask when `causal` (query `i`
    sees keys up to `i + Skv - Sq`); softmax over keys; the product with `value`.
    A query whose keys are all masked out (its scores all `-inf`) gets a row of
    zeros when `zero_masked_rows` (the default, as the ONNX and onnxruntime
    attention ops define it), else the plain softmax's NaN row, as the
    primitives an exporter writes compute (what `strata-raise` raises keeps
    their meaning).
    `qk` is the intermediate named by `qk_mode` (0: scaled scores, 1: after the
    mask, 2: after softcap, 3: after softmax) for models that output it.

    Example:

    ```mlir
    %y, %pk, %pv, %qk = graph.attention %q, %k, %v past %pk0, %pv0
        {scale = 0.125 : f32, causal = true}
        : (tensor<1x8x1x64xf32>, tensor<1x2x1x64xf32>, tensor<1x2x1x64xf32>,
           tensor<1x2x7x64xf32>, tensor<1x2x7x64xf32>)
        -> (tensor<1x8x1x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>,
            tensor<1x8x1x8xf32>)
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$query, Graph_FloatTensor:$key,
                   Graph_FloatTensor:$value, Optional<Graph_Tensor>:$mask,
                   Optional<Graph_FloatTensor>:$past_key,
                   Optional<Graph_FloatTensor>:$past_value,
                   F32Attr:$scale,
                   DefaultValuedAttr<BoolAttr, "false">:$causal,
                   DefaultValuedAttr<F32Attr, "0.0">:$softcap,
                   DefaultValuedAttr<I64Attr, "0">:$qk_mode,
                   DefaultValuedAttr<BoolAttr, "true">:$zero_masked_rows);
  let results = (outs Graph_FloatTensor:$result, Graph_FloatTensor:$present_key,
                  Graph_FloatTensor:$present_value, Graph_FloatTensor:$qk);
  let assemblyFormat = "$query `,` $key `,` $value (`mask` $mask^)? "
                       "(`past` $past_key^ `,` $past_value)? attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_RotaryOp : Graph_CompositeOp<"rotary", [Pure, AllTypesMatch<["input", "result"]>]> {
  let fusionKind = "::strata::graph::FusionKind::elementwise";
  let summary = "rotary position embedding";
  let description = [{
    `input` is `[batch, heads, sequence, head_dim]`; `cos` and `sin` are
    `[batch, sequence, rotary_dim / 2]` (already gathered at the positions). The
    first `rotary_dim` features are rotated in pairs: halves `(x[i], x[i + r/2])`,
    or adjacent pairs `(x[2i], x[2i+1])` when `interleaved`; the rest pass through.

    Example:

    ```mlir
    %y = graph.rotary %q, %cos, %sin
        : (tensor<1x8x16x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>)
        -> tensor<1x8x16x64xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$cos,
                   Graph_FloatTensor:$sin,
                   DefaultValuedAttr<BoolAttr, "false">:$interleaved);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input `,` $cos `,` $sin attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_QuantizeOp : Graph_CompositeOp<"quantize", [Pure,
    DeclareOpInterfaceMethods<Graph_SignednessOpInterface,
                              ["recordSignedness", "verifySignedness"]>]> {
  let fusionKind = "::strata::graph::FusionKind::elementwise";
  let summary = "affine quantisation to 8-bit integers";
  let description = [{
    `saturate(round_half_even(x / scale) + zero_point)`. `scale` and `zero_point`
    are scalars (per tensor) or 1-D along `axis` (per channel); the result element
    type is that of `zero_point`, or `ui8` without one. With a signless result,
    `is_unsigned` makes it unsigned (see `SignednessOpInterface`).

    Example:

    ```mlir
    %q = graph.quantize %x, %s, %zp
        : (tensor<4x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x8xui8>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                   Optional<Graph_Tensor>:$zero_point,
                   DefaultValuedAttr<I64Attr, "1">:$axis, UnitAttr:$is_unsigned);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $scale (`,` $zero_point^)? attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_DequantizeOp : Graph_CompositeOp<"dequantize",
                                           [Pure, Graph_SignednessOpInterface]> {
  let fusionKind = "::strata::graph::FusionKind::elementwise";
  let summary = "affine dequantisation of integers";
  let description = [{
    `(x - zero_point) * scale`, with `scale` and `zero_point` per tensor or per
    channel along `axis`; the result has `scale`'s element type. With signless
    integers, `is_unsigned` reads them as unsigned (see `SignednessOpInterface`).

    Example:

    ```mlir
    %x = graph.dequantize %q, %s, %zp
        : (tensor<4x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_FloatTensor:$scale,
                   Optional<Graph_Tensor>:$zero_point,
                   DefaultValuedAttr<I64Attr, "1">:$axis, UnitAttr:$is_unsigned);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input `,` $scale (`,` $zero_point^)? attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // STRATA_GRAPH_NN_OPS_TD

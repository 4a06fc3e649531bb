//===- ContribHandlers.cpp - onnxruntime com.microsoft ops ----------------===//
//
// The fused transformer ops onnxruntime's optimiser emits and that exported
// models (BERT-style encoders, GQA decoders) contain: attention variants, fused
// normalisations with residual adds, GELU variants and rotary embedding. Each
// is decomposed into graph ops; a form whose onnxruntime semantics the graph
// ops cannot reproduce exactly is reported as unsupported, naming the form.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"

#include "dialects/graph/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

constexpr llvm::StringLiteral kDomain = "com.microsoft";

/// Splits the last dimension of `x` into pieces of `sizes`, or reports why
/// they do not fit it.
FailureOr<SmallVector<Value>> splitLast(NodeContext &n, Value x, ArrayRef<int64_t> sizes) {
  int64_t axis = tensorType(x).getRank() - 1;
  if (failed(inferSplitShapes(tensorType(x).getShape(), axis, sizes, n.loc())))
    return failure();
  auto op = n.create<SplitOp>(x, axis, sizes);
  return SmallVector<Value>(op.getResults());
}

/// The default softmax scale, `1 / sqrt(head_dim)`, or the `scale` attribute.
FailureOr<float> attentionScale(NodeContext &n, Value q4) {
  float scale = n.floatAttr("scale", 0);
  if (scale != 0)
    return scale;
  int64_t headDim = tensorType(q4).getDimSize(3);
  if (ShapedType::isDynamic(headDim))
    return n.unsupported("attention without `scale` and with a dynamic head size");
  return 1.0f / std::sqrt(static_cast<float>(headDim));
}

/// Builds `graph.attention` on 4-D operands; the results are
/// `[output 4-D, present_key, present_value, qk]`. Other shape constraints are
/// left to the op's verifier.
FailureOr<AttentionOp> buildAttention(NodeContext &n, Value q, Value k, Value v, Value mask,
                                      Value pastKey, Value pastValue, float scale, bool causal,
                                      float softcap) {
  for (Value operand : {q, k, v, pastKey, pastValue})
    if (operand && tensorType(operand).getRank() != 4)
      return n.emitError() << "attention operands must be 4-D [batch, heads, "
                              "sequence, head_dim], got "
                           << tensorType(operand);
  ArrayRef<int64_t> qs = tensorType(q).getShape(), ks = tensorType(k).getShape(),
                    vs = tensorType(v).getShape();
  int64_t kvLength = ks[2];
  if (pastKey) {
    int64_t past = tensorType(pastKey).getDimSize(2);
    kvLength = ShapedType::isDynamic(past) || ShapedType::isDynamic(ks[2]) ? ShapedType::kDynamic
                                                                           : past + ks[2];
  }
  Type element = elementType(q);
  auto type = [&](ArrayRef<int64_t> dims) { return RankedTensorType::get(dims, element); };
  SmallVector<Type> results = {
      type({qs[0], qs[1], qs[2], vs[3]}), type({ks[0], ks[1], kvLength, ks[3]}),
      type({vs[0], vs[1], kvLength, vs[3]}), type({qs[0], qs[1], qs[2], kvLength})};
  OpBuilder &b = n.builder();
  return n.create<AttentionOp>(results, q, k, v, mask, pastKey, pastValue, b.getF32FloatAttr(scale),
                               b.getBoolAttr(causal), b.getF32FloatAttr(softcap),
                               b.getI64IntegerAttr(0));
}

/// onnxruntime's raw key mask `[batch, keys]` (1 attends, 0 does not) as the
/// additive bias it applies: 0 or `mask_filter_value`, shaped `[batch, 1, 1,
/// keys]`.
FailureOr<Value> keyMaskBias(NodeContext &n, Value mask, Type element) {
  RankedTensorType mt = tensorType(mask);
  if (mt.getRank() != 2)
    return n.unsupported("attention key mask other than a 2-D [batch, keys] 0/1 mask "
                         "(sequence lengths or 3-D/4-D masks)");
  Value attends = n.create<CompareOp>(ComparisonDirection::ne, mask, scalarLike(n, mask, 0));
  Value bias =
      n.create<WhereOp>(attends, scalarConstant(n, element, 0),
                        scalarConstant(n, element, n.floatAttr("mask_filter_value", -10000)));
  return unsqueeze(n, bias, {1, 2});
}

FailureOr<Value> addBiases(NodeContext &n, Value a, Value b) {
  if (!a)
    return b;
  if (!b)
    return a;
  if (failed(checkElementwiseOperands(n, {a, b})))
    return failure();
  return n.create<AddOp>(a, b).getResult();
}

/// The additive mask of the contrib attention ops: the key padding mask at input
/// `maskInput` as a bias, plus the `attention_bias` at `biasInput`; null when the
/// node has neither.
FailureOr<Value> combinedMask(NodeContext &n, int64_t maskInput, int64_t biasInput, Type element) {
  Value mask;
  if (n.hasInput(maskInput)) {
    FailureOr<Value> bias = keyMaskBias(n, n.input(maskInput), element);
    if (failed(bias))
      return failure();
    mask = *bias;
  }
  if (n.hasInput(biasInput)) {
    FailureOr<Value> biased = addBiases(n, mask, n.input(biasInput));
    if (failed(biased))
      return failure();
    mask = *biased;
  }
  return mask;
}

/// BERT-style self-attention: one projection to Q, K and V, then attention.
LogicalResult contribAttention(NodeContext &n) {
  if (n.hasInput(4) || n.wantsOutput(1))
    return n.unsupported("com.microsoft.Attention with past/present state (use "
                         "MultiHeadAttention or GroupQueryAttention)");
  if (n.hasInput(6))
    return n.unsupported("com.microsoft.Attention with past_sequence_length");
  if (n.intAttr("do_rotary", 0) != 0)
    return n.unsupported("com.microsoft.Attention with do_rotary");
  Value x = n.input(0), w = n.input(1);
  int64_t heads = n.intAttr("num_heads", 0);
  RankedTensorType wt = tensorType(w);
  if (wt.getRank() != 2 || wt.isDynamicDim(1))
    return n.emitError() << "weights must be 2-D with a static output size, got " << wt;
  SmallVector<int64_t> sizes;
  if (std::optional<SmallVector<int64_t>> qkv = n.intsAttr("qkv_hidden_sizes")) {
    sizes = *qkv;
  } else {
    if (wt.getDimSize(1) % 3 != 0)
      return n.emitError() << "weights output size is not 3 * hidden";
    sizes.assign(3, wt.getDimSize(1) / 3);
  }
  if (sizes.size() != 3 || sizes[0] != sizes[1])
    return n.emitError() << "qkv_hidden_sizes must list equal Q and K sizes and a V size";
  RankedTensorType xt = tensorType(x);
  if (xt.getRank() != 3 || xt.getElementType() != wt.getElementType())
    return n.emitError() << "input must be 3-D ([batch, sequence, hidden]) of the "
                            "weights' element type, got "
                         << xt;
  Value batchedW = unsqueeze(n, w, {0});
  if (failed(
          inferMatMulShape(xt.getShape(), tensorType(batchedW).getShape(), false, false, n.loc())))
    return failure();
  Value qkv = n.create<MatMulOp>(x, batchedW, false, false);
  if (n.hasInput(2)) {
    if (failed(checkElementwiseOperands(n, {qkv, n.input(2)})))
      return failure();
    qkv = n.create<AddOp>(qkv, n.input(2));
  }
  FailureOr<SmallVector<Value>> parts = splitLast(n, qkv, sizes);
  if (failed(parts))
    return failure();
  FailureOr<Value> q = splitHeads(n, (*parts)[0], heads), k = splitHeads(n, (*parts)[1], heads),
                   v = splitHeads(n, (*parts)[2], heads);
  if (failed(q) || failed(k) || failed(v))
    return failure();
  Type element = elementType(*q);
  FailureOr<Value> mask = combinedMask(n, 3, 5, element);
  if (failed(mask))
    return failure();
  FailureOr<float> scale = attentionScale(n, *q);
  if (failed(scale))
    return failure();
  FailureOr<AttentionOp> op = buildAttention(n, *q, *k, *v, *mask, Value(), Value(), *scale,
                                             n.intAttr("unidirectional", 0) != 0, 0);
  if (failed(op))
    return failure();
  return n.setOutputs({mergeHeads(n, op->getResult())});
}

/// Attention on separate (optionally biased) Q, K and V projections, with an
/// optional cache in `[batch, heads, past, head_dim]`.
LogicalResult multiHeadAttention(NodeContext &n) {
  if (!n.hasInput(1) || !n.hasInput(2))
    return n.unsupported("MultiHeadAttention with packed QKV or packed KV");
  if (n.hasInput(8) || n.hasInput(9))
    return n.unsupported("MultiHeadAttention with past_sequence_length or "
                         "cache_indirection (beam search)");
  if (n.wantsOutput(3))
    return n.unsupported("MultiHeadAttention's qk output");
  int64_t heads = n.intAttr("num_heads", 0);
  Value q = n.input(0), k = n.input(1), v = n.input(2);
  if (n.hasInput(3)) {
    if (tensorType(k).getRank() != 3)
      return n.unsupported("MultiHeadAttention with a bias and 4-D key/value");
    if (tensorType(q).getRank() != 3 || tensorType(v).getRank() != 3)
      return n.emitError() << "query and value must be 3-D [batch, sequence, hidden] "
                              "with a bias";
    RankedTensorType bt = tensorType(n.input(3));
    int64_t qh = tensorType(q).getDimSize(2), kh = tensorType(k).getDimSize(2),
            vh = tensorType(v).getDimSize(2);
    if (bt.getRank() != 1 || ShapedType::isDynamic(qh) || ShapedType::isDynamic(kh) ||
        ShapedType::isDynamic(vh))
      return n.emitError() << "bias must be 1-D [q + k + v hidden] with static sizes";
    FailureOr<SmallVector<Value>> b = splitLast(n, n.input(3), {qh, kh, vh});
    if (failed(b))
      return failure();
    q = n.create<AddOp>(q, (*b)[0]), k = n.create<AddOp>(k, (*b)[1]);
    v = n.create<AddOp>(v, (*b)[2]);
  }
  FailureOr<Value> q4 = splitHeads(n, q, heads);
  if (failed(q4))
    return failure();
  Value k4 = k, v4 = v;
  if (tensorType(k).getRank() == 3) {
    FailureOr<Value> ks = splitHeads(n, k, heads), vs = splitHeads(n, v, heads);
    if (failed(ks) || failed(vs))
      return failure();
    k4 = *ks, v4 = *vs;
  } else if (tensorType(k).getRank() != 4 || n.hasInput(6)) {
    return n.unsupported("MultiHeadAttention key/value other than 3-D, or 4-D without "
                         "a past");
  }
  Type element = elementType(*q4);
  FailureOr<Value> mask = combinedMask(n, 4, 5, element);
  if (failed(mask))
    return failure();
  Value pastKey = n.hasInput(6) ? n.input(6) : Value();
  Value pastValue = n.hasInput(7) ? n.input(7) : Value();
  if (static_cast<bool>(pastKey) != static_cast<bool>(pastValue))
    return n.emitError() << "past_key and past_value must be given together";
  FailureOr<float> scale = attentionScale(n, *q4);
  if (failed(scale))
    return failure();
  FailureOr<AttentionOp> op = buildAttention(n, *q4, k4, v4, *mask, pastKey, pastValue, *scale,
                                             n.intAttr("unidirectional", 0) != 0, 0);
  if (failed(op))
    return failure();
  return n.setOutputs({mergeHeads(n, op->getResult()), op->getPresentKey(), op->getPresentValue()});
}

/// cos/sin tables gathered at `positions` ([batch, sequence] integers).
FailureOr<std::pair<Value, Value>> gatherTables(NodeContext &n, Value cosCache, Value sinCache,
                                                Value positions) {
  for (Value table : {cosCache, sinCache})
    if (failed(inferGatherShape(tensorType(table).getShape(), tensorType(positions).getShape(), 0,
                                n.loc())))
      return failure();
  Value cosTable = n.create<GatherOp>(cosCache, positions, static_cast<int64_t>(0));
  Value sinTable = n.create<GatherOp>(sinCache, positions, static_cast<int64_t>(0));
  return std::make_pair(cosTable, sinTable);
}

/// `start[b] + s` for `s < sequence` as `[batch, sequence]` i64, with `start` a
/// `[batch]` (or `[1]`) integer tensor.
FailureOr<Value> positionsFrom(NodeContext &n, Value start, int64_t sequence) {
  if (ShapedType::isDynamic(sequence))
    return n.unsupported("rotary positions for a dynamic sequence length");
  if (tensorType(start).getRank() != 1)
    return n.emitError() << "rotary start positions must be [batch] or [1], got "
                         << tensorType(start);
  SmallVector<int64_t> iota(sequence);
  for (int64_t s = 0; s < sequence; ++s)
    iota[s] = s;
  auto iotaType = RankedTensorType::get({1, sequence}, n.builder().getI64Type());
  Value steps = n.create<ConstantOp>(
      cast<ElementsAttr>(DenseElementsAttr::get(iotaType, ArrayRef<int64_t>(iota))));
  Value first = unsqueeze(n, castTo(n, start, n.builder().getI64Type()), {1});
  return n.create<AddOp>(first, steps).getResult();
}

/// Grouped-query attention as onnxruntime's decoders use it: Q/K/V `[batch,
/// sequence, heads * head_dim]` (or packed in `query`), a cache `[batch,
/// kv_heads, past, head_dim]` that holds exactly the past tokens of every batch
/// entry, causal attention, optional rotary embedding of Q and K.
LogicalResult groupQueryAttention(NodeContext &n) {
  if (n.intAttr("local_window_size", -1) != -1)
    return n.unsupported("GroupQueryAttention with local_window_size (sliding window)");
  if (n.intAttr("smooth_softmax", 0) != 0)
    return n.unsupported("GroupQueryAttention with smooth_softmax");
  if (n.hasInput(11))
    return n.unsupported("GroupQueryAttention with head_sink");
  if (n.intAttr("qk_output", 0) != 0 || n.wantsOutput(3))
    return n.unsupported("GroupQueryAttention's qk output");
  int64_t heads = n.intAttr("num_heads", 0), kvHeads = n.intAttr("kv_num_heads", 0);
  if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
    return n.emitError() << "num_heads (" << heads << ") must be a positive multiple of "
                         << "kv_num_heads (" << kvHeads << ")";
  Value q = n.input(0), k, v;
  if (n.hasInput(1) != n.hasInput(2))
    return n.emitError() << "key and value must be given together";
  if (n.hasInput(1)) {
    k = n.input(1), v = n.input(2);
  } else {
    int64_t hidden = tensorType(q).getDimSize(2);
    if (ShapedType::isDynamic(hidden) || hidden % (heads + 2 * kvHeads) != 0)
      return n.emitError() << "packed QKV hidden size is not a static multiple of "
                           << heads + 2 * kvHeads << " heads";
    int64_t headDim = hidden / (heads + 2 * kvHeads);
    FailureOr<SmallVector<Value>> parts =
        splitLast(n, q, {heads * headDim, kvHeads * headDim, kvHeads * headDim});
    if (failed(parts))
      return failure();
    q = (*parts)[0], k = (*parts)[1], v = (*parts)[2];
  }
  FailureOr<Value> q4 = splitHeads(n, q, heads), k4 = splitHeads(n, k, kvHeads),
                   v4 = splitHeads(n, v, kvHeads);
  if (failed(q4) || failed(k4) || failed(v4))
    return failure();
  Value pastKey = n.hasInput(3) ? n.input(3) : Value();
  Value pastValue = n.hasInput(4) ? n.input(4) : Value();
  if (static_cast<bool>(pastKey) != static_cast<bool>(pastValue))
    return n.emitError() << "past_key and past_value must be given together";
  int64_t sequence = tensorType(*q4).getDimSize(2);
  if (pastKey && (tensorType(pastKey).getRank() != 4 || tensorType(pastValue).getRank() != 4))
    return n.emitError() << "past_key and past_value must be 4-D [batch, kv_heads, "
                            "past, head_dim]";
  if (pastKey) {
    // A cache shared with present_key (fixed capacity, filled up to seqlens_k)
    // cannot be expressed as the graph op's concatenation.
    int64_t past = tensorType(pastKey).getDimSize(2);
    std::optional<RankedTensorType> present = n.declaredOutputType(1);
    if (present && present->getRank() == 4 && !ShapedType::isDynamic(past) &&
        present->getDimSize(2) == past && !ShapedType::isDynamic(sequence) && sequence > 0)
      return n.unsupported("GroupQueryAttention with a KV cache shared between "
                           "past and present (past_present_share_buffer)");
  }

  if (n.intAttr("do_rotary", 0) != 0) {
    if (!n.hasInput(7) || !n.hasInput(8))
      return n.emitError() << "do_rotary needs cos_cache and sin_cache";
    Value positions;
    if (n.hasInput(9)) {
      positions = n.input(9);
    } else {
      // onnxruntime rotates token `s` of batch entry `b` at position
      // `seqlens_k[b] + 1 - sequence + s` (total length minus the new tokens).
      Value start =
          n.create<AddOp>(castTo(n, n.input(5), n.builder().getI64Type()),
                          scalarConstant(n, n.builder().getI64Type(),
                                         ShapedType::isDynamic(sequence) ? 0 : 1 - sequence));
      FailureOr<Value> p = positionsFrom(n, start, sequence);
      if (failed(p))
        return failure();
      positions = *p;
    }
    FailureOr<std::pair<Value, Value>> tables = gatherTables(n, n.input(7), n.input(8), positions);
    if (failed(tables))
      return failure();
    auto [cosTable, sinTable] = *tables;
    bool interleaved = n.intAttr("rotary_interleaved", 0) != 0;
    *q4 = n.create<RotaryOp>(*q4, cosTable, sinTable, interleaved);
    *k4 = n.create<RotaryOp>(*k4, cosTable, sinTable, interleaved);
  }
  FailureOr<float> scale = attentionScale(n, *q4);
  if (failed(scale))
    return failure();
  Value mask = n.hasInput(10) ? n.input(10) : Value();
  FailureOr<AttentionOp> op = buildAttention(n, *q4, *k4, *v4, mask, pastKey, pastValue, *scale,
                                             /*causal=*/true, n.floatAttr("softcap", 0));
  if (failed(op))
    return failure();
  return n.setOutputs({mergeHeads(n, op->getResult()), op->getPresentKey(), op->getPresentValue()});
}

/// `input + skip (+ bias)`, the residual sum the Skip*Normalization ops
/// normalise.
FailureOr<Value> residualSum(NodeContext &n, int64_t biasInput) {
  if (failed(checkElementwiseOperands(n, {n.input(0), n.input(1)})))
    return failure();
  Value sum = n.create<AddOp>(n.input(0), n.input(1));
  if (n.hasInput(biasInput)) {
    if (failed(checkElementwiseOperands(n, {sum, n.input(biasInput)})))
      return failure();
    sum = n.create<AddOp>(sum, n.input(biasInput));
  }
  return sum;
}

LogicalResult skipLayerNorm(NodeContext &n) {
  FailureOr<Value> residual = residualSum(n, 4);
  if (failed(residual))
    return failure();
  Value sum = *residual;
  int64_t axis = tensorType(sum).getRank() - 1;
  Value beta = n.hasInput(3) ? n.input(3) : Value();
  auto op = n.create<LayerNormOp>(sum, n.input(2), beta, n.builder().getI64IntegerAttr(axis),
                                  n.builder().getF32FloatAttr(n.floatAttr("epsilon", 1e-12f)));
  return n.setOutputs({op.getResult(), op.getMean(), op.getInvStdDev(), sum});
}

LogicalResult skipSimplifiedLayerNorm(NodeContext &n) {
  if (n.wantsOutput(1) || n.wantsOutput(2))
    return n.unsupported("SkipSimplifiedLayerNormalization's mean and inv_std_var "
                         "outputs");
  FailureOr<Value> residual = residualSum(n, 3);
  if (failed(residual))
    return failure();
  Value sum = *residual;
  int64_t axis = tensorType(sum).getRank() - 1;
  Value y = n.create<RMSNormOp>(sum, n.input(2), n.builder().getI64IntegerAttr(axis),
                                n.builder().getF32FloatAttr(n.floatAttr("epsilon", 1e-12f)));
  return n.setOutputs({y, Value(), Value(), sum});
}

LogicalResult simplifiedLayerNorm(NodeContext &n) {
  if (n.wantsOutput(1))
    return n.unsupported("SimplifiedLayerNormalization's inv_std_var output");
  Value x = n.input(0);
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", -1), tensorType(x).getRank(), n.loc());
  if (failed(axis))
    return failure();
  Value y = n.create<RMSNormOp>(x, n.input(1), n.builder().getI64IntegerAttr(*axis),
                                n.builder().getF32FloatAttr(n.floatAttr("epsilon", 1e-5f)));
  return n.setOutputs({y});
}

/// Word + position (+ segment) embeddings, then layer normalisation.
LogicalResult embedLayerNorm(NodeContext &n) {
  Value ids = n.input(0);
  RankedTensorType idt = tensorType(ids);
  if (idt.getRank() != 2)
    return n.emitError() << "input_ids must be 2-D [batch, sequence], got " << idt;
  Value positionTable = n.input(3);
  if (tensorType(positionTable).getRank() != 2)
    return n.emitError() << "position_embedding must be 2-D [positions, hidden], got "
                         << tensorType(positionTable);
  if (failed(inferGatherShape(tensorType(n.input(2)).getShape(), idt.getShape(), 0, n.loc())))
    return failure();
  Value sum = n.create<GatherOp>(n.input(2), ids, static_cast<int64_t>(0));
  Value positions;
  if (n.hasInput(8)) {
    if (failed(inferGatherShape(tensorType(positionTable).getShape(),
                                tensorType(n.input(8)).getShape(), 0, n.loc())))
      return failure();
    positions = n.create<GatherOp>(positionTable, n.input(8), static_cast<int64_t>(0));
  } else {
    int64_t sequence = idt.getDimSize(1);
    if (ShapedType::isDynamic(sequence))
      return n.unsupported("EmbedLayerNormalization without position_ids and with a "
                           "dynamic sequence length");
    SmallVector<int64_t> start = {0, 0}, stride = {1, 1},
                         limit = {sequence, tensorType(positionTable).getDimSize(1)};
    if (failed(
            inferSliceShape(tensorType(positionTable).getShape(), start, limit, stride, n.loc())))
      return failure();
    positions = n.create<SliceOp>(positionTable, start, limit, stride);
  }
  if (failed(checkElementwiseOperands(n, {sum, positions})))
    return failure();
  sum = n.create<AddOp>(sum, positions);
  if (n.hasInput(1) != n.hasInput(4))
    return n.emitError() << "segment_ids and segment_embedding must be given together";
  if (n.hasInput(1)) {
    if (failed(inferGatherShape(tensorType(n.input(4)).getShape(),
                                tensorType(n.input(1)).getShape(), 0, n.loc())))
      return failure();
    Value segments = n.create<GatherOp>(n.input(4), n.input(1), static_cast<int64_t>(0));
    if (failed(checkElementwiseOperands(n, {sum, segments})))
      return failure();
    sum = n.create<AddOp>(sum, segments);
  }
  int64_t axis = tensorType(sum).getRank() - 1;
  auto op = n.create<LayerNormOp>(sum, n.input(5), n.input(6), n.builder().getI64IntegerAttr(axis),
                                  n.builder().getF32FloatAttr(n.floatAttr("epsilon", 1e-12f)));
  Value maskIndex;
  if (n.wantsOutput(1)) {
    if (!n.hasInput(7) || n.intAttr("mask_index_type", 1) != 1)
      return n.unsupported("EmbedLayerNormalization's mask_index without a mask or "
                           "with mask_index_type other than 1");
    Value mask = castTo(n, n.input(7), n.builder().getI32Type());
    RankedTensorType mt = tensorType(mask);
    maskIndex = n.create<ReduceOp>(RankedTensorType::get({mt.getDimSize(0)}, mt.getElementType()),
                                   ReductionKind::sum, mask, Value(), ArrayRef<int64_t>{1}, false);
  }
  return n.setOutputs({op.getResult(), maskIndex, sum});
}

LogicalResult gelu(NodeContext &n) {
  return n.setOutputs({n.create<GeluOp>(n.input(0), GeluApproximation::none).getResult()});
}

LogicalResult biasGelu(NodeContext &n) {
  if (failed(checkElementwiseOperands(n, {n.input(0), n.input(1)})))
    return failure();
  Value x = n.create<AddOp>(n.input(0), n.input(1));
  return n.setOutputs({n.create<GeluOp>(x, GeluApproximation::none).getResult()});
}

LogicalResult fastGelu(NodeContext &n) {
  Value x = n.input(0);
  if (n.hasInput(1)) {
    if (failed(checkElementwiseOperands(n, {x, n.input(1)})))
      return failure();
    x = n.create<AddOp>(x, n.input(1));
  }
  return n.setOutputs({n.create<GeluOp>(x, GeluApproximation::tanh).getResult()});
}

/// Inputs (input, position_ids, cos_cache, sin_cache); `position_ids` is
/// `[batch, sequence]` or a `[1]` offset of the first token.
LogicalResult rotaryEmbedding(NodeContext &n) {
  if (n.floatAttr("scale", 1) != 1)
    return n.unsupported("com.microsoft.RotaryEmbedding with scale != 1");
  if (n.intAttr("is_packed_batching", 0) != 0)
    return n.unsupported("com.microsoft.RotaryEmbedding with is_packed_batching");
  Value x = n.input(0);
  int64_t rank = tensorType(x).getRank();
  if (rank == 3) {
    FailureOr<Value> x4 = splitHeads(n, x, n.intAttr("num_heads", 0));
    if (failed(x4))
      return failure();
    x = *x4;
  } else if (rank != 4) {
    return n.emitError() << "input must be 3-D or 4-D, got " << tensorType(x);
  }
  Value positions = n.input(1);
  RankedTensorType pt = tensorType(positions);
  if (pt.getRank() == 1) {
    FailureOr<Value> p = positionsFrom(n, positions, tensorType(x).getDimSize(2));
    if (failed(p))
      return failure();
    positions = *p;
  } else if (pt.getRank() != 2) {
    return n.emitError() << "position_ids must be [batch, sequence] or [1], got " << pt;
  }
  if (tensorType(n.input(2)).getRank() != 2)
    return n.emitError() << "cos_cache must be [positions, rotary_dim / 2], got "
                         << tensorType(n.input(2));
  int64_t rotaryDim = n.intAttr("rotary_embedding_dim", 0);
  int64_t half = tensorType(n.input(2)).getDimSize(1);
  if (rotaryDim != 0 && !ShapedType::isDynamic(half) && 2 * half != rotaryDim)
    return n.emitError() << "cos_cache has " << half << " entries per position, "
                         << "rotary_embedding_dim / 2 is " << rotaryDim / 2;
  FailureOr<std::pair<Value, Value>> tables = gatherTables(n, n.input(2), n.input(3), positions);
  if (failed(tables))
    return failure();
  auto [cosTable, sinTable] = *tables;
  Value y = n.create<RotaryOp>(x, cosTable, sinTable, n.intAttr("interleaved", 0) != 0);
  if (rank == 3)
    y = mergeHeads(n, y);
  return n.setOutputs({y});
}

} // namespace

void registerContribHandlers(HandlerRegistry &r) {
  r.add(kDomain, "Attention", 1, kLatestOpset, contribAttention);
  r.add(kDomain, "MultiHeadAttention", 1, kLatestOpset, multiHeadAttention);
  r.add(kDomain, "GroupQueryAttention", 1, kLatestOpset, groupQueryAttention);
  r.add(kDomain, "SkipLayerNormalization", 1, kLatestOpset, skipLayerNorm);
  r.add(kDomain, "SkipSimplifiedLayerNormalization", 1, kLatestOpset, skipSimplifiedLayerNorm);
  // onnxruntime registers SimplifiedLayerNormalization in the default domain;
  // exporters use either.
  r.add(kDomain, "SimplifiedLayerNormalization", 1, kLatestOpset, simplifiedLayerNorm);
  r.add("", "SimplifiedLayerNormalization", 1, kLatestOpset, simplifiedLayerNorm);
  r.add(kDomain, "EmbedLayerNormalization", 1, kLatestOpset, embedLayerNorm);
  r.add(kDomain, "FastGelu", 1, kLatestOpset, fastGelu);
  r.add(kDomain, "BiasGelu", 1, kLatestOpset, biasGelu);
  r.add(kDomain, "Gelu", 1, kLatestOpset, gelu);
  r.add(kDomain, "RotaryEmbedding", 1, kLatestOpset, rotaryEmbedding);
}

} // namespace strata::onnx

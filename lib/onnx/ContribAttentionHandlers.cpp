//===- ContribAttentionHandlers.cpp - onnxruntime's attention ops ---------===//
//
// The com.microsoft attention family that onnxruntime's transformer optimiser
// and onnxruntime-genai's model builder write: Attention (one packed QKV
// projection, the cache packed as `[2, batch, heads, past, head_size]`),
// MultiHeadAttention, GroupQueryAttention (per-batch cache lengths from
// `seqlens_k`) and RotaryEmbedding. Each becomes `graph.attention` and
// `graph.rotary` with the masks onnxruntime applies built from graph ops, so
// that dynamic batch and sequence lengths need nothing static.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"

#include "dialects/graph/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <limits>

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

int64_t addDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) ? ShapedType::kDynamic : a + b;
}

/// `a` and `b` concatenated along the sequence axis (2) of 4-D tensors.
Value concatSequence(NodeContext &n, Value a, Value b) {
  return n.create<ConcatOp>(ValueRange{a, b}, static_cast<int64_t>(2));
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
  int64_t kvLength = pastKey ? addDims(tensorType(pastKey).getDimSize(2), ks[2]) : ks[2];
  Type element = elementType(q);
  auto type = [&](ArrayRef<int64_t> dims) { return RankedTensorType::get(dims, element); };
  SmallVector<Type> results = {
      type({qs[0], qs[1], qs[2], vs[3]}), type({ks[0], ks[1], kvLength, ks[3]}),
      type({vs[0], vs[1], kvLength, vs[3]}), type({qs[0], qs[1], qs[2], kvLength})};
  OpBuilder &b = n.builder();
  return n.create<AttentionOp>(results, q, k, v, mask, pastKey, pastValue, b.getF32FloatAttr(scale),
                               b.getBoolAttr(causal), b.getF32FloatAttr(softcap),
                               b.getI64IntegerAttr(0), b.getBoolAttr(true));
}

/// The positions `0 .. T-1` of the keys, `T` being the sum of the sequence
/// lengths (axis 2) of `parts` (the past, then the new keys).
Value keyPositions(NodeContext &n, ValueRange parts) {
  Value count;
  int64_t staticCount = 0;
  for (Value part : parts) {
    Value length = dimScalar(n, part, 2);
    count = count ? n.create<AddOp>(count, length).getResult() : length;
    staticCount = addDims(staticCount, tensorType(part).getDimSize(2));
  }
  return iota(n, count, staticCount);
}

/// onnxruntime's `mask_index` as the additive bias it applies (0 where a key
/// is attended, `mask_filter_value` where not), broadcastable to `[batch,
/// heads, queries, keys]`. The forms: 1-D `[batch]`, each entry's key count
/// (right padding); 1-D `[2 * batch]`, the key ends and then the key starts;
/// 2-D `[batch, keys]` and 3-D `[batch, queries, keys]`, raw masks whose
/// positive entries attend. `keyParts` are the keys' 4-D pieces (past first).
FailureOr<Value> maskIndexBias(NodeContext &n, Value mask, ValueRange keyParts, Type element) {
  RankedTensorType mt = tensorType(mask);
  Value filter = scalarConstant(n, element, n.floatAttr("mask_filter_value", -10000));
  Value zero = scalarConstant(n, element, 0);
  Type i64 = n.builder().getI64Type();
  auto asBias = [&](Value attends) -> Value {
    return n.create<WhereOp>(attends, zero, filter).getResult();
  };
  if (mt.getRank() == 2 || mt.getRank() == 3) {
    Value attends = n.create<CompareOp>(ComparisonDirection::gt, mask, scalarLike(n, mask, 0));
    return unsqueeze(n, asBias(attends),
                     mt.getRank() == 2 ? SmallVector<int64_t>{1, 2} : SmallVector<int64_t>{1});
  }
  if (mt.getRank() != 1)
    return n.unsupported("attention mask_index of rank " + std::to_string(mt.getRank()) +
                         " (1-D lengths, 2-D and 3-D raw masks are supported)");
  Value keys = unsqueeze(n, keyPositions(n, keyParts), {0});
  int64_t batch = tensorType(keyParts.back()).getDimSize(0), length = mt.getDimSize(0);
  bool withStarts = !ShapedType::isDynamic(batch) && length == 2 * batch && batch != 0;
  Value ends = castTo(n, mask, i64), starts;
  if (withStarts) {
    FailureOr<SmallVector<Value>> parts = splitLast(n, ends, {batch, batch});
    if (failed(parts))
      return failure();
    ends = (*parts)[0], starts = (*parts)[1];
  }
  Value attends = n.create<CompareOp>(ComparisonDirection::lt, keys, unsqueeze(n, ends, {1}));
  if (starts)
    attends = n.create<AndOp>(
        attends, n.create<CompareOp>(ComparisonDirection::ge, keys, unsqueeze(n, starts, {1})));
  return unsqueeze(n, asBias(attends), {1, 2});
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

/// The additive mask of the contrib attention ops: the key mask at input
/// `maskInput` as a bias, plus the `attention_bias` at `biasInput`; null when
/// the node has neither.
FailureOr<Value> combinedMask(NodeContext &n, int64_t maskInput, int64_t biasInput,
                              ValueRange keyParts, Type element) {
  Value mask;
  if (n.hasInput(maskInput)) {
    FailureOr<Value> bias = maskIndexBias(n, n.input(maskInput), keyParts, element);
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

/// Self-attention with one projection to Q, K and V (`weights` `[hidden, q + k
/// + v]`, `bias` `[q + k + v]`), an optional cache `past` `[2, batch, heads,
/// past, head_size]` and output `present` (the past and the new keys and
/// values, packed the same way).
LogicalResult contribAttention(NodeContext &n) {
  if (n.hasInput(6) || n.intAttr("past_present_share_buffer", 0) != 0)
    return n.unsupported("com.microsoft.Attention with a KV cache shared between past and "
                         "present (past_sequence_length, past_present_share_buffer)");
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
  if (sizes[2] != sizes[0] && (n.hasInput(4) || n.wantsOutput(1)))
    return n.unsupported("com.microsoft.Attention with past or present and a V hidden size "
                         "other than Q's and K's");
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
  SmallVector<Value> keyParts = {*k};
  Value keys = *k, values = *v;
  if (n.hasInput(4)) {
    Value past = n.input(4);
    RankedTensorType pt = tensorType(past);
    if (pt.getRank() != 5 || pt.getDimSize(0) != 2 || pt.getElementType() != xt.getElementType())
      return n.emitError() << "past must be [2, batch, heads, past_sequence, head_size] of the "
                              "input's element type, got "
                           << pt;
    FailureOr<SmallVector<Value>> halves = [&]() -> FailureOr<SmallVector<Value>> {
      if (failed(inferSplitShapes(pt.getShape(), 0, {1, 1}, n.loc())))
        return failure();
      return SmallVector<Value>(
          n.create<SplitOp>(past, static_cast<int64_t>(0), ArrayRef<int64_t>{1, 1}).getResults());
    }();
    if (failed(halves))
      return failure();
    Value pastKey = squeeze(n, (*halves)[0], {0}), pastValue = squeeze(n, (*halves)[1], {0});
    if (failed(inferConcatShape({tensorType(pastKey).getShape(), tensorType(keys).getShape()}, 2,
                                n.loc())))
      return failure();
    keys = concatSequence(n, pastKey, keys);
    values = concatSequence(n, pastValue, values);
    keyParts.insert(keyParts.begin(), pastKey);
  }
  Type element = elementType(*q);
  FailureOr<Value> mask = combinedMask(n, 3, 5, keyParts, element);
  if (failed(mask))
    return failure();
  FailureOr<float> scale = attentionScale(n, *q);
  if (failed(scale))
    return failure();
  FailureOr<AttentionOp> op = buildAttention(n, *q, keys, values, *mask, Value(), Value(), *scale,
                                             n.intAttr("unidirectional", 0) != 0, 0);
  if (failed(op))
    return failure();
  Value present;
  if (n.wantsOutput(1))
    present = n.create<ConcatOp>(ValueRange{unsqueeze(n, keys, {0}), unsqueeze(n, values, {0})},
                                 static_cast<int64_t>(0));
  return n.setOutputs({mergeHeads(n, op->getResult()), present});
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
  Value pastKey = n.hasInput(6) ? n.input(6) : Value();
  Value pastValue = n.hasInput(7) ? n.input(7) : Value();
  if (static_cast<bool>(pastKey) != static_cast<bool>(pastValue))
    return n.emitError() << "past_key and past_value must be given together";
  if (pastKey && tensorType(pastKey).getRank() != 4)
    return n.emitError() << "past_key must be 4-D [batch, heads, past, head_dim], got "
                         << tensorType(pastKey);
  SmallVector<Value> keyParts = {k4};
  if (pastKey)
    keyParts.insert(keyParts.begin(), pastKey);
  Type element = elementType(*q4);
  FailureOr<Value> mask = combinedMask(n, 4, 5, keyParts, element);
  if (failed(mask))
    return failure();
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

/// `start[b] + s` for `s` below the sequence length (axis 2) of `x4`, as
/// `[batch, sequence]` i64, with `start` a `[batch]` (or `[1]`) integer tensor.
FailureOr<Value> positionsFrom(NodeContext &n, Value start, Value x4) {
  if (tensorType(start).getRank() != 1)
    return n.emitError() << "rotary start positions must be [batch] or [1], got "
                         << tensorType(start);
  Value steps = unsqueeze(n, positionsAlong(n, x4, 2), {0});
  Value first = unsqueeze(n, castTo(n, start, n.builder().getI64Type()), {1});
  return n.create<AddOp>(first, steps).getResult();
}

/// onnxruntime's cache layout for GroupQueryAttention without a shared buffer:
/// batch entry `b` holds `past[b]` valid keys, the rest of its `P` past
/// positions being padding, and the `S` new keys go right after them. Returns
/// `present[b, :, t]`: `cache[b, :, t]` for `t < past[b]`, the new key `t -
/// past[b]` for `t < past[b] + S`, zero beyond; `P + S` long. Written as the
/// concatenation that `strata-kv-cache-in-place` appends in place, then the
/// per-entry writes that move a shorter entry's new keys (graph.cache_write).
Value packedPresent(NodeContext &n, Value pastCache, Value fresh, Value pastLengths) {
  Value cache = concatSequence(n, pastCache, fresh);
  return n.create<CacheWriteOp>(tensorType(cache), cache, fresh, pastLengths,
                                static_cast<int64_t>(2));
}

/// Grouped-query attention as onnxruntime's decoders use it: Q/K/V `[batch,
/// sequence, heads * head_dim]` (or packed in `query`), a cache `[batch,
/// kv_heads, P, head_dim]`, causal attention, optional rotary embedding of Q
/// and K. `seqlens_k[b] + 1` is batch entry `b`'s total length; on the first
/// prompt (`total_sequence_length == S`) its past is empty, afterwards it is
/// `seqlens_k[b] + 1 - S` long, so that padded batches keep each entry's
/// tokens together: entry `b`'s new tokens are at positions `past[b] + s`,
/// their keys are stored right after its past, and token `s` sees the keys up
/// to `past[b] + s`.
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
  if (tensorType(q).getRank() != 3)
    return n.emitError() << "query must be 3-D [batch, sequence, hidden], got " << tensorType(q);
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
    // has a present as long as its past.
    int64_t past = tensorType(pastKey).getDimSize(2);
    std::optional<RankedTensorType> present = n.declaredOutputType(1);
    if (present && present->getRank() == 4 && !ShapedType::isDynamic(past) &&
        present->getDimSize(2) == past && !ShapedType::isDynamic(sequence) && sequence > 0)
      return n.unsupported("GroupQueryAttention with a KV cache shared between "
                           "past and present (past_present_share_buffer)");
    for (auto [cache, fresh] : {std::pair(pastKey, *k4), std::pair(pastValue, *v4)})
      if (failed(inferConcatShape({tensorType(cache).getShape(), tensorType(fresh).getShape()}, 2,
                                  n.loc())))
        return failure();
  }
  RankedTensorType lengthsType = tensorType(n.input(5)), totalType = tensorType(n.input(6));
  if (lengthsType.getRank() != 1 || !isa<IntegerType>(lengthsType.getElementType()))
    return n.emitError() << "seqlens_k must be a 1-D integer tensor [batch], got " << lengthsType;
  int64_t batch = tensorType(q).getDimSize(0);
  if (!areCompatibleDims(lengthsType.getDimSize(0), batch))
    return n.emitError() << "seqlens_k has " << lengthsType.getDimSize(0)
                         << " entries, but the batch is " << batch;
  if (!totalType.hasStaticShape() || totalType.getNumElements() != 1 ||
      !isa<IntegerType>(totalType.getElementType()))
    return n.emitError() << "total_sequence_length must be one integer, got " << totalType;

  // past[b]: 0 on the first prompt, else seqlens_k[b] + 1 - S. Every
  // seqlens_k[b] lies in [0, total_sequence_length), as onnxruntime checks:
  // on the first prompt nothing else bounds it.
  Type i64 = n.builder().getI64Type();
  Value total = reshapeWithDims(n, castTo(n, n.input(6), i64), {}, {});
  Value seqlens =
      n.create<CheckRangeOp>(castTo(n, n.input(5), i64), total,
                             "seqlens_k holds a value outside [0, total_sequence_length)");
  Value queries = dimScalar(n, *q4, 2);
  Value firstPrompt = n.create<CompareOp>(ComparisonDirection::eq, total, queries);
  Value pastLengths = n.create<WhereOp>(
      firstPrompt, scalarConstant(n, i64, 0),
      n.create<SubOp>(n.create<AddOp>(seqlens, scalarConstant(n, i64, 1)), queries));

  if (n.intAttr("do_rotary", 0) != 0) {
    if (!n.hasInput(7) || !n.hasInput(8))
      return n.emitError() << "do_rotary needs cos_cache and sin_cache";
    Value positions;
    if (n.hasInput(9)) {
      positions = n.input(9);
    } else {
      FailureOr<Value> p = positionsFrom(n, pastLengths, *q4);
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
  Value keys = pastKey ? packedPresent(n, pastKey, *k4, pastLengths) : *k4;
  Value values = pastKey ? packedPresent(n, pastValue, *v4, pastLengths) : *v4;

  // Token s of entry b sees keys t <= past[b] + s, and none past the entry's
  // last, seqlens_k[b] (a padding token of a first prompt sees the entry's
  // tokens only, as onnxruntime computes it): [batch, 1, S, T].
  Value t = unsqueeze(n, positionsAlong(n, keys, 2), {0, 1});
  Value frontier = n.create<MinOp>(n.create<AddOp>(unsqueeze(n, pastLengths, {1, 2}),
                                                   unsqueeze(n, positionsAlong(n, *q4, 2), {0, 2})),
                                   unsqueeze(n, seqlens, {1, 2}));
  Value mask = unsqueeze(n, n.create<CompareOp>(ComparisonDirection::le, t, frontier), {1});
  if (n.hasInput(10)) {
    Value bias = n.input(10);
    if (failed(inferBroadcastShape({tensorType(bias).getShape(), tensorType(mask).getShape()},
                                   n.loc())))
      return failure();
    mask = n.create<WhereOp>(mask, bias,
                             scalarLike(n, bias, -std::numeric_limits<double>::infinity()));
  }
  FailureOr<float> scale = attentionScale(n, *q4);
  if (failed(scale))
    return failure();
  FailureOr<AttentionOp> op = buildAttention(n, *q4, keys, values, mask, Value(), Value(), *scale,
                                             /*causal=*/false, n.floatAttr("softcap", 0));
  if (failed(op))
    return failure();
  return n.setOutputs({mergeHeads(n, op->getResult()), keys, values});
}

/// Inputs (input, position_ids, cos_cache, sin_cache); `position_ids` is
/// `[batch, sequence]` or a `[1]` offset of the first token. A 3-D input
/// without `num_heads` has heads of `2 * cos_cache.shape[1]` features, as
/// onnxruntime infers them.
LogicalResult rotaryEmbedding(NodeContext &n) {
  if (n.floatAttr("scale", 1) != 1)
    return n.unsupported("com.microsoft.RotaryEmbedding with scale != 1");
  if (n.intAttr("is_packed_batching", 0) != 0)
    return n.unsupported("com.microsoft.RotaryEmbedding with is_packed_batching");
  if (tensorType(n.input(2)).getRank() != 2)
    return n.emitError() << "cos_cache must be [positions, rotary_dim / 2], got "
                         << tensorType(n.input(2));
  int64_t rotaryDim = n.intAttr("rotary_embedding_dim", 0);
  int64_t half = tensorType(n.input(2)).getDimSize(1);
  Value x = n.input(0);
  int64_t rank = tensorType(x).getRank();
  if (rank == 3) {
    int64_t heads = n.intAttr("num_heads", 0);
    if (heads == 0) {
      int64_t hidden = tensorType(x).getDimSize(2);
      if (rotaryDim != 0 || ShapedType::isDynamic(half) || half <= 0 ||
          ShapedType::isDynamic(hidden) || hidden % (2 * half) != 0)
        return n.emitError() << "without num_heads, the heads of a 3-D input are inferred from "
                                "cos_cache (2 * its last dimension features each), which needs "
                                "rotary_embedding_dim 0 and static sizes that divide the hidden "
                                "size; got input "
                             << tensorType(x) << " and cos_cache " << tensorType(n.input(2));
      heads = hidden / (2 * half);
    }
    FailureOr<Value> x4 = splitHeads(n, x, heads);
    if (failed(x4))
      return failure();
    x = *x4;
  } else if (rank != 4) {
    return n.emitError() << "input must be 3-D or 4-D, got " << tensorType(x);
  }
  Value positions = n.input(1);
  RankedTensorType pt = tensorType(positions);
  if (pt.getRank() == 1) {
    FailureOr<Value> p = positionsFrom(n, positions, x);
    if (failed(p))
      return failure();
    positions = *p;
  } else if (pt.getRank() != 2) {
    return n.emitError() << "position_ids must be [batch, sequence] or [1], got " << pt;
  }
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

void registerContribAttentionHandlers(HandlerRegistry &r) {
  r.add(kDomain, "Attention", 1, kLatestOpset, contribAttention);
  r.add(kDomain, "MultiHeadAttention", 1, kLatestOpset, multiHeadAttention);
  r.add(kDomain, "GroupQueryAttention", 1, kLatestOpset, groupQueryAttention);
  r.add(kDomain, "RotaryEmbedding", 1, kLatestOpset, rotaryEmbedding);
}

} // namespace strata::onnx

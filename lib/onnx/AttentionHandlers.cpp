//===- AttentionHandlers.cpp - ONNX Attention and RotaryEmbedding ---------===//
//
// The opset-23/24 transformer ops. Both accept 3-D `[batch, sequence, heads *
// head_dim]` inputs, which are split into the 4-D `[batch, heads, sequence,
// head_dim]` layout `graph.attention` and `graph.rotary` take and merged back
// afterwards. ONNX's causal mask is aligned to the past length, the graph op's
// to the key length; where they differ the causal mask is built as a constant.
// Attention-24's `nonpad_kv_seqlen` (an external KV cache with per-batch valid
// lengths) becomes a boolean key mask built from `graph.range` and folded into
// the mask operand.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"
#include "lib/onnx/TensorConversion.h"

#include "dialects/graph/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

int64_t addDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) ? ShapedType::kDynamic : a + b;
}

/// The most entries of a causal mask built as a constant (16 MiB of i1).
constexpr int64_t kMaxCausalMaskCells = int64_t(1) << 24;

/// The causal mask ONNX means: query `i` sees key `j` iff `j <= i + offset`.
Value causalMaskConstant(NodeContext &n, int64_t queries, int64_t keys, int64_t offset) {
  SmallVector<bool> allowed;
  for (int64_t i = 0; i < queries; ++i)
    for (int64_t j = 0; j < keys; ++j)
      allowed.push_back(j <= i + offset);
  auto type = RankedTensorType::get({queries, keys}, n.builder().getI1Type());
  return n.create<ConstantOp>(cast<ElementsAttr>(DenseElementsAttr::get(type, allowed)));
}

/// `allowed` (i1) applied to `mask`: a boolean mask is intersected with it, an
/// additive one becomes -inf where it is false.
FailureOr<Value> restrictMask(NodeContext &n, Value mask, Value allowed) {
  if (!mask)
    return allowed;
  if (failed(inferBroadcastShape({tensorType(mask).getShape(), tensorType(allowed).getShape()},
                                 n.loc())))
    return failure();
  if (elementType(mask).isInteger(1))
    return n.create<AndOp>(mask, allowed).getResult();
  Value negInf = scalarLike(n, mask, -std::numeric_limits<double>::infinity());
  return n.create<WhereOp>(allowed, mask, negInf).getResult();
}

/// From opset 24 `attn_mask` may cover fewer keys than there are; the rest are
/// masked out (false, or -inf for an additive mask), as ONNX's function body
/// pads it. A mask whose key dimension or the key count is dynamic is left to
/// broadcast.
Value padMaskToKeys(NodeContext &n, Value mask, int64_t kvLength) {
  RankedTensorType type = tensorType(mask);
  int64_t rank = type.getRank();
  if (rank == 0 || ShapedType::isDynamic(kvLength) || type.isDynamicDim(rank - 1) ||
      type.getDimSize(rank - 1) >= kvLength)
    return mask;
  SmallVector<int64_t> padDims(type.getShape());
  padDims.back() = kvLength - type.getDimSize(rank - 1);
  Value padShape = n.create<ConcatOp>(
      ValueRange{shapeSlice(n, mask, 0, rank - 1), i64Constant(n, {padDims.back()})},
      static_cast<int64_t>(0));
  Value padValue = elementType(mask).isInteger(1)
                       ? scalarLike(n, mask, 0)
                       : scalarLike(n, mask, -std::numeric_limits<double>::infinity());
  Value pad = n.create<BroadcastOp>(type.clone(padDims), padValue, padShape);
  return n.create<ConcatOp>(ValueRange{mask, pad}, rank - 1);
}

/// The keys each query may see in an external KV cache whose batch entry `b`
/// holds `valid[b]` valid keys: `[batch, 1, 1, Skv]` with `j < valid[b]`, or,
/// when causal, `[batch, 1, Sq, Skv]` with ONNX's per-batch bottom-right
/// frontier `j <= i + valid[b] - Sq` (which lies below `valid[b]`, so it
/// implies the padding bound).
Value externalCacheMask(NodeContext &n, Value validLengths, Value q, Value k, bool causal) {
  Value valid = unsqueeze(n, validLengths, {1, 2, 3});
  Value keys = positionsAlong(n, k, 2);
  if (!causal)
    return n.create<CompareOp>(ComparisonDirection::lt, keys, valid);
  Value queries = positionsAlong(n, q, 2);
  Value queryCount = dimScalar(n, q, 2);
  Value frontier = n.create<SubOp>(n.create<AddOp>(unsqueeze(n, queries, {1}), valid), queryCount);
  return n.create<CompareOp>(ComparisonDirection::le, keys, frontier);
}

LogicalResult attention(NodeContext &n) {
  Value q = n.input(0), k = n.input(1), v = n.input(2);
  // Opset 25's sliding window; -1 (the default) leaves a side unbounded.
  if (n.intAttr("left_window_size", -1) != -1 || n.intAttr("right_window_size", -1) != -1)
    return n.unsupported("sliding-window Attention (left_window_size, right_window_size)");
  int64_t rank = tensorType(q).getRank();
  if (rank != 3 && rank != 4)
    return n.emitError() << "Q must be 3-D or 4-D, got " << tensorType(q);
  if (tensorType(k).getRank() != rank || tensorType(v).getRank() != rank)
    return n.emitError() << "Q, K and V must have the same rank";
  if (rank == 3) {
    int64_t qHeads = n.intAttr("q_num_heads", 0), kvHeads = n.intAttr("kv_num_heads", 0);
    FailureOr<Value> q4 = splitHeads(n, q, qHeads), k4 = splitHeads(n, k, kvHeads),
                     v4 = splitHeads(n, v, kvHeads);
    if (failed(q4) || failed(k4) || failed(v4))
      return failure();
    q = *q4, k = *k4, v = *v4;
  }
  Value mask = n.hasInput(3) ? n.input(3) : Value();
  Value pastKey = n.hasInput(4) ? n.input(4) : Value();
  Value pastValue = n.hasInput(5) ? n.input(5) : Value();
  if (static_cast<bool>(pastKey) != static_cast<bool>(pastValue))
    return n.emitError() << "past_key and past_value must be given together";
  if (pastKey && (tensorType(pastKey).getRank() != 4 || tensorType(pastValue).getRank() != 4))
    return n.emitError() << "past_key and past_value must be 4-D [batch, heads, past "
                            "sequence, head size], got "
                         << tensorType(pastKey) << " and " << tensorType(pastValue);

  ArrayRef<int64_t> qs = tensorType(q).getShape(), ks = tensorType(k).getShape(),
                    vs = tensorType(v).getShape();
  int64_t pastLength = pastKey ? tensorType(pastKey).getDimSize(2) : 0;
  int64_t kvLength = addDims(pastLength, ks[2]);
  if (mask && n.opset() >= 24)
    mask = padMaskToKeys(n, mask, kvLength);

  float scale;
  if (n.hasAttr("scale")) {
    scale = n.floatAttr("scale", 1);
  } else {
    if (ShapedType::isDynamic(qs[3]))
      return n.unsupported("Attention without `scale` and with a dynamic head size");
    scale = 1.0f / std::sqrt(static_cast<float>(qs[3]));
  }
  float softcap = n.floatAttr("softcap", 0);

  // ONNX numbers the intermediates in the order softcap (1), mask (2); the
  // graph op names the state after the mask 1 and the one after softcap 2.
  int64_t onnxMode = n.intAttr("qk_matmul_output_mode", 0);
  static constexpr int64_t kGraphQkMode[] = {0, 2, 1, 3};
  if (onnxMode < 0 || onnxMode > 3)
    return n.emitError() << "qk_matmul_output_mode must be 0..3, got " << onnxMode;

  bool causal = n.intAttr("is_causal", 0) != 0;
  if (n.hasInput(6)) {
    Value validLengths = n.input(6);
    if (pastKey)
      return n.emitError() << "nonpad_kv_seqlen describes an external KV cache "
                              "and cannot be combined with past_key/past_value";
    if (tensorType(validLengths).getRank() != 1 || !elementType(validLengths).isInteger(64))
      return n.emitError() << "nonpad_kv_seqlen must be a 1-D int64 tensor of "
                              "one length per batch entry, got "
                           << tensorType(validLengths);
    FailureOr<Value> restricted =
        restrictMask(n, mask, externalCacheMask(n, validLengths, q, k, causal));
    if (failed(restricted))
      return failure();
    mask = *restricted;
    causal = false;
  }
  if (causal && !(ks[2] == qs[2] && !ShapedType::isDynamic(qs[2]))) {
    // The graph op aligns the causal diagonal to `kvLength - Sq`, ONNX to the
    // past length; they agree only when the new keys are as many as the
    // queries.
    if (ShapedType::isDynamic(qs[2]) || ShapedType::isDynamic(kvLength))
      return n.unsupported("is_causal with dynamic query or key sequence lengths that "
                           "may differ");
    int64_t cells;
    if (llvm::MulOverflow(qs[2], kvLength, cells) || cells > kMaxCausalMaskCells)
      return n.unsupported("is_causal with a constant causal mask of more than 2^24 entries");
    FailureOr<Value> restricted =
        restrictMask(n, mask, causalMaskConstant(n, qs[2], kvLength, pastLength));
    if (failed(restricted))
      return failure();
    mask = *restricted;
    causal = false;
  }

  // softmax_precision: compute the whole attention in that type and cast back.
  Type element = elementType(q);
  Type compute = element;
  if (n.hasAttr("softmax_precision")) {
    llvm::Expected<Type> t = convertElementType(n.context(), n.intAttr("softmax_precision", 1));
    if (!t)
      return n.emitError() << "softmax_precision: " << llvm::toString(t.takeError());
    compute = *t;
  }
  if (compute != element) {
    q = castTo(n, q, compute), k = castTo(n, k, compute), v = castTo(n, v, compute);
    if (mask && !elementType(mask).isInteger(1))
      mask = castTo(n, mask, compute);
    if (pastKey)
      pastKey = castTo(n, pastKey, compute), pastValue = castTo(n, pastValue, compute);
  }

  int64_t vHead = vs[3];
  auto type = [&](ArrayRef<int64_t> dims) { return RankedTensorType::get(dims, compute); };
  SmallVector<Type> results = {
      type({qs[0], qs[1], qs[2], vHead}), type({ks[0], ks[1], kvLength, ks[3]}),
      type({vs[0], vs[1], kvLength, vHead}), type({qs[0], qs[1], qs[2], kvLength})};
  OpBuilder &b = n.builder();
  auto op = n.create<AttentionOp>(
      results, q, k, v, mask, pastKey, pastValue, b.getF32FloatAttr(scale), b.getBoolAttr(causal),
      b.getF32FloatAttr(softcap), b.getI64IntegerAttr(kGraphQkMode[onnxMode]), b.getBoolAttr(true));
  SmallVector<Value> outs;
  for (Value r : op.getResults())
    outs.push_back(castTo(n, r, element));
  if (rank == 3)
    outs[0] = mergeHeads(n, outs[0]);
  return n.setOutputs(outs);
}

LogicalResult rotaryEmbedding(NodeContext &n) {
  Value x = n.input(0), cosCache = n.input(1), sinCache = n.input(2);
  int64_t rank = tensorType(x).getRank();
  if (rank == 3) {
    FailureOr<Value> x4 = splitHeads(n, x, n.intAttr("num_heads", 0));
    if (failed(x4))
      return failure();
    x = *x4;
  } else if (rank != 4) {
    return n.emitError() << "input must be 3-D or 4-D, got " << tensorType(x);
  }
  if (n.hasInput(3)) {
    for (Value cache : {cosCache, sinCache})
      if (failed(inferGatherShape(tensorType(cache).getShape(), tensorType(n.input(3)).getShape(),
                                  0, n.loc())))
        return failure();
    cosCache = n.create<GatherOp>(cosCache, n.input(3), static_cast<int64_t>(0));
    sinCache = n.create<GatherOp>(sinCache, n.input(3), static_cast<int64_t>(0));
  }
  if (tensorType(cosCache).getRank() != 3 || tensorType(sinCache).getRank() != 3)
    return n.emitError() << "cos_cache and sin_cache must be [batch, sequence, "
                            "rotary_dim / 2] or [positions, rotary_dim / 2] with "
                            "position_ids";
  int64_t headDim = tensorType(x).getDimSize(3);
  int64_t rotaryDim = n.intAttr("rotary_embedding_dim", 0);
  if (rotaryDim == 0)
    rotaryDim = headDim;
  int64_t half = tensorType(cosCache).getDimSize(2);
  if (!ShapedType::isDynamic(rotaryDim) && !ShapedType::isDynamic(half) && 2 * half != rotaryDim)
    return n.emitError() << "cos_cache has " << half
                         << " entries per position, rotary_embedding_dim / 2 is " << rotaryDim / 2;
  Value y = n.create<RotaryOp>(x, cosCache, sinCache, n.intAttr("interleaved", 0) != 0);
  if (rank == 3)
    y = mergeHeads(n, y);
  return n.setOutputs({y});
}

} // namespace

void registerAttentionHandlers(HandlerRegistry &r) {
  r.add("Attention", 23, attention);
  r.add("RotaryEmbedding", 23, rotaryEmbedding);
}

} // namespace strata::onnx

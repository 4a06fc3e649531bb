//===- Decompositions.cpp - Composite ops as their graph ops --------------===//
//
// One pattern per composite op for `strata-decompose`. A pattern that cannot
// decompose its op in the op's form fails with the reason, before it changes
// any IR; the pass reports the reason at the op. Grouped-query attention folds
// the query heads into a group dimension so that each key/value head is shared
// through matmul batch broadcasting, with no copy. Dynamic dimensions (batch,
// sequence and past lengths) are read with `graph.shape_of`: reshapes take
// their shape as an operand and the causal mask compares two ranges.
//
//===----------------------------------------------------------------------===//

#include "passes/decompose/Passes.h"

#include "dialects/graph/GraphDialect.h"

#include <cmath>
#include <limits>

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

Value scalar(PatternRewriter &rewriter, Location loc, Type element, double value) {
  auto type = RankedTensorType::get({}, element);
  return g::ConstantOp::create(rewriter, loc,
                               cast<ElementsAttr>(DenseElementsAttr::get(
                                   type, rewriter.getFloatAttr(element, value).getValue())));
}

Value reshape(PatternRewriter &rewriter, Location loc, Value v, ArrayRef<int64_t> dims) {
  return g::ReshapeOp::create(rewriter, loc, typeOf(v).clone(dims), v, Value());
}

/// Dimension `dim` of `v` as a 1-D i64 tensor of one element.
Value dimOf(PatternRewriter &rewriter, Location loc, Value v, int64_t dim) {
  auto shapeType = RankedTensorType::get({typeOf(v).getRank()}, rewriter.getI64Type());
  Value shape = g::ShapeOfOp::create(rewriter, loc, shapeType, v);
  return g::SliceOp::create(rewriter, loc, shape, ArrayRef<int64_t>{dim},
                            ArrayRef<int64_t>{dim + 1}, ArrayRef<int64_t>{1});
}

/// Dimension `dim` of `v` as a rank-0 i64 tensor.
Value dimScalar(PatternRewriter &rewriter, Location loc, Value v, int64_t dim) {
  return reshape(rewriter, loc, dimOf(rewriter, loc, v, dim), {});
}

/// Reshapes `v` to `dims`, where a dynamic entry takes the size of dimension
/// `from[i]` of `v`; static shapes need no shape operand.
Value reshapeFrom(PatternRewriter &rewriter, Location loc, Value v, ArrayRef<int64_t> dims,
                  ArrayRef<int64_t> from) {
  RankedTensorType result = typeOf(v).clone(dims);
  if (result.hasStaticShape())
    return reshape(rewriter, loc, v, dims);
  SmallVector<Value> parts;
  Type i64 = rewriter.getI64Type();
  for (auto [d, source] : llvm::zip(dims, from)) {
    if (!ShapedType::isDynamic(d)) {
      auto type = RankedTensorType::get({1}, i64);
      parts.push_back(g::ConstantOp::create(
          rewriter, loc, cast<ElementsAttr>(DenseElementsAttr::get(type, ArrayRef<int64_t>{d}))));
      continue;
    }
    parts.push_back(dimOf(rewriter, loc, v, source));
  }
  Value shape = g::ConcatOp::create(rewriter, loc, parts, static_cast<int64_t>(0));
  return g::ReshapeOp::create(rewriter, loc, result, v, shape);
}

/// `0, 1, ..., count - 1` for a rank-0 i64 `count` of static value `size`
/// (or dynamic).
Value iota(PatternRewriter &rewriter, Location loc, Value count, int64_t size) {
  Type i64 = rewriter.getI64Type();
  auto scalarType = RankedTensorType::get({}, i64);
  auto constant = [&](int64_t value) -> Value {
    return g::ConstantOp::create(
        rewriter, loc,
        cast<ElementsAttr>(DenseElementsAttr::get(scalarType, ArrayRef<int64_t>{value})));
  };
  return g::RangeOp::create(rewriter, loc, RankedTensorType::get({size}, i64), constant(0), count,
                            constant(1));
}

/// The causal mask `[Sq, Skv]` for queries `q` and keys `k` (4-D): query `i`
/// sees key `j` iff `j <= i + Skv - Sq`; a constant when both lengths are
/// static.
Value causalMask(PatternRewriter &rewriter, Location loc, Value q, Value k) {
  int64_t sq = typeOf(q).getDimSize(2), skv = typeOf(k).getDimSize(2);
  if (!ShapedType::isDynamic(sq) && !ShapedType::isDynamic(skv)) {
    SmallVector<bool> allowed;
    for (int64_t i = 0; i < sq; ++i)
      for (int64_t j = 0; j < skv; ++j)
        allowed.push_back(j <= i + skv - sq);
    auto maskType = RankedTensorType::get({sq, skv}, rewriter.getI1Type());
    return g::ConstantOp::create(rewriter, loc,
                                 cast<ElementsAttr>(DenseElementsAttr::get(maskType, allowed)));
  }
  Value queries = dimScalar(rewriter, loc, q, 2), keys = dimScalar(rewriter, loc, k, 2);
  Value rows = reshapeFrom(rewriter, loc, iota(rewriter, loc, queries, sq), {sq, 1}, {0, 0});
  Value columns = iota(rewriter, loc, keys, skv);
  Value frontier =
      g::AddOp::create(rewriter, loc, rows, g::SubOp::create(rewriter, loc, keys, queries));
  return g::CompareOp::create(rewriter, loc, g::ComparisonDirection::le, columns, frontier);
}

/// `value` as `type` (a type of the same tensor, possibly more or less static).
Value castTo(PatternRewriter &rewriter, Location loc, Value value, Type type) {
  return value.getType() == type ? value : tensor::CastOp::create(rewriter, loc, type, value);
}

/// The dimensions `axis..rank-1`, which the normalisations normalise over.
SmallVector<int64_t> trailingAxes(int64_t axis, int64_t rank) {
  return llvm::to_vector(llvm::seq<int64_t>(axis, rank));
}

/// `type` with the dimensions from `axis` on set to 1.
RankedTensorType keptDimsType(RankedTensorType type, int64_t axis) {
  SmallVector<int64_t> dims(type.getShape());
  std::fill(dims.begin() + axis, dims.end(), 1);
  return type.clone(dims);
}

struct AttentionToGraph : OpRewritePattern<g::AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(g::AttentionOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value q = op.getQuery(), k = op.getKey(), v = op.getValue();
    Type element = typeOf(q).getElementType();
    // With a past, the keys and values are the concatenations `present_*`.
    RankedTensorType keyType = typeOf(op.getPastKey() ? op.getPresentKey() : k);
    RankedTensorType valueType = typeOf(op.getPastKey() ? op.getPresentValue() : v);
    int64_t hq = typeOf(q).getDimSize(1), hkv = keyType.getDimSize(1);
    if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv))
      return rewriter.notifyMatchFailure(op, "dynamic head counts");
    bool grouped = hq != hkv;
    if (op.getPastKey()) {
      k = g::ConcatOp::create(rewriter, loc, keyType, ValueRange{op.getPastKey(), k},
                              static_cast<int64_t>(2));
      v = g::ConcatOp::create(rewriter, loc, valueType, ValueRange{op.getPastValue(), v},
                              static_cast<int64_t>(2));
    }
    int64_t groups = hq / hkv;
    // [B, Hq, Sq, D] -> [B, Hkv, G, Sq, D]; keys and values [B, Hkv, 1, S, D].
    auto group = [&](Value x, int64_t count) {
      ArrayRef<int64_t> xs = typeOf(x).getShape();
      return reshapeFrom(rewriter, loc, x, {xs[0], hkv, count, xs[2], xs[3]}, {0, 1, 1, 2, 3});
    };
    auto ungroup = [&](Value x) {
      ArrayRef<int64_t> xs = typeOf(x).getShape();
      return reshapeFrom(rewriter, loc, x, {xs[0], hq, xs[3], xs[4]}, {0, 1, 3, 4});
    };
    Value qg = grouped ? group(q, groups) : q;
    Value kg = grouped ? group(k, 1) : k;
    Value vg = grouped ? group(v, 1) : v;
    Value s = g::MatMulOp::create(rewriter, loc, qg, kg, false, true);
    if (grouped)
      s = ungroup(s);
    s = g::MulOp::create(rewriter, loc, s,
                         scalar(rewriter, loc, element, op.getScale().convertToDouble()));
    Value scaled = s;
    double softcap = op.getSoftcap().convertToDouble();
    if (softcap > 0) {
      Value cap = scalar(rewriter, loc, element, softcap);
      s = g::MulOp::create(
          rewriter, loc, g::TanhOp::create(rewriter, loc, g::DivOp::create(rewriter, loc, s, cap)),
          cap);
    }
    Value capped = s;
    Value negInf = scalar(rewriter, loc, element, -std::numeric_limits<double>::infinity());
    if (Value mask = op.getMask()) {
      if (typeOf(mask).getElementType().isInteger(1))
        s = g::WhereOp::create(rewriter, loc, mask, s, negInf);
      else
        s = g::AddOp::create(rewriter, loc, s, mask);
    }
    if (op.getCausal())
      s = g::WhereOp::create(rewriter, loc, causalMask(rewriter, loc, q, k), s, negInf);
    Value masked = s;
    Value p = g::SoftmaxOp::create(rewriter, loc, s, static_cast<int64_t>(3));
    if ((op.getMask() || op.getCausal()) && op.getZeroMaskedRows()) {
      // A query whose keys are all masked attends to nothing: its row of
      // probabilities is zero rather than the NaN of softmax over -inf.
      RankedTensorType st = typeOf(s);
      SmallVector<int64_t> rowShape(st.getShape());
      rowShape[3] = 1;
      Value rowMax = g::ReduceOp::create(rewriter, loc, st.clone(rowShape), g::ReductionKind::max,
                                         s, Value(), ArrayRef<int64_t>{3}, true);
      Value empty = g::CompareOp::create(rewriter, loc, g::ComparisonDirection::eq, rowMax, negInf);
      p = g::WhereOp::create(rewriter, loc, empty, scalar(rewriter, loc, element, 0), p);
    }
    Value pg = grouped ? group(p, groups) : p;
    Value y = g::MatMulOp::create(rewriter, loc, pg, vg, false, false);
    if (grouped)
      y = ungroup(y);
    Value qk[] = {scaled, masked, capped, p};
    rewriter.replaceOp(op, {castTo(rewriter, loc, y, op.getResult().getType()),
                            castTo(rewriter, loc, k, op.getPresentKey().getType()),
                            castTo(rewriter, loc, v, op.getPresentValue().getType()),
                            castTo(rewriter, loc, qk[op.getQkMode()], op.getQk().getType())});
    return success();
  }
};

/// Rotates pairs of the first `rotary_dim` features: halves `(a, b)` of it, or
/// adjacent pairs when interleaved, become `(a cos - b sin, b cos + a sin)`.
struct RotaryToGraph : OpRewritePattern<g::RotaryOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(g::RotaryOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    RankedTensorType type = typeOf(x), tableType = typeOf(op.getCos());
    ArrayRef<int64_t> xs = type.getShape();
    if (ShapedType::isDynamic(xs[3]) || tableType.isDynamicDim(2))
      return rewriter.notifyMatchFailure(op, "a dynamic head size or rotary dimension");
    int64_t half = tableType.getDimSize(2), rotary = 2 * half;
    // cos/sin [B, S, r/2] -> [B, 1, S, r/2], broadcast over heads.
    ArrayRef<int64_t> ts = tableType.getShape();
    Value cos = reshapeFrom(rewriter, loc, op.getCos(), {ts[0], 1, ts[1], half}, {0, 0, 1, 2});
    Value sin = reshapeFrom(rewriter, loc, op.getSin(), {ts[0], 1, ts[1], half}, {0, 0, 1, 2});
    // A window of the last dimension; the others whole ("limit -1" when
    // dynamic).
    auto slice = [&](Value v, int64_t start, int64_t limit, int64_t stride) {
      SmallVector<int64_t> starts = {0, 0, 0, start}, limits, strides = {1, 1, 1, stride};
      for (int64_t d : typeOf(v).getShape())
        limits.push_back(ShapedType::isDynamic(d) ? -1 : d);
      limits[3] = limit;
      return g::SliceOp::create(rewriter, loc, v, starts, limits, strides).getResult();
    };
    bool interleaved = op.getInterleaved();
    Value a = interleaved ? slice(x, 0, rotary, 2) : slice(x, 0, half, 1);
    Value b = interleaved ? slice(x, 1, rotary, 2) : slice(x, half, rotary, 1);
    Value ra = g::SubOp::create(rewriter, loc, g::MulOp::create(rewriter, loc, a, cos),
                                g::MulOp::create(rewriter, loc, b, sin));
    Value rb = g::AddOp::create(rewriter, loc, g::MulOp::create(rewriter, loc, b, cos),
                                g::MulOp::create(rewriter, loc, a, sin));
    Value rotated;
    if (interleaved) {
      // Stack (ra, rb) on a new last dim and merge it back: [.., r/2, 2] -> [.., r].
      SmallVector<int64_t> pairShape = {xs[0], xs[1], xs[2], half, 1}, from = {0, 1, 2, 3, 3};
      Value pairs = g::ConcatOp::create(rewriter, loc,
                                        ValueRange{reshapeFrom(rewriter, loc, ra, pairShape, from),
                                                   reshapeFrom(rewriter, loc, rb, pairShape, from)},
                                        static_cast<int64_t>(4));
      rotated = reshapeFrom(rewriter, loc, pairs, {xs[0], xs[1], xs[2], rotary}, {0, 1, 2, 3});
    } else {
      rotated = g::ConcatOp::create(rewriter, loc, ValueRange{ra, rb}, static_cast<int64_t>(3));
    }
    if (rotary < xs[3])
      rotated = g::ConcatOp::create(rewriter, loc, ValueRange{rotated, slice(x, rotary, xs[3], 1)},
                                    static_cast<int64_t>(3));
    rewriter.replaceOp(op, rotated);
    return success();
  }
};

/// A per-channel parameter (1-D along `axis`) reshaped to broadcast against a
/// tensor of `rank`; per-tensor parameters pass unchanged.
Value alongAxis(PatternRewriter &rewriter, Location loc, Value param, int64_t axis, int64_t rank) {
  RankedTensorType t = typeOf(param);
  if (t.getRank() == 0 || t.getNumElements() == 1)
    return t.getRank() == 0 ? param : reshape(rewriter, loc, param, {});
  SmallVector<int64_t> dims(rank - axis, 1);
  dims[0] = t.getDimSize(0);
  return reshape(rewriter, loc, param, dims);
}

/// `saturate(round_half_even(x / scale) + zero_point)` in the scale's float type,
/// then converted to the integer result type.
struct QuantizeToGraph : OpRewritePattern<g::QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::QuantizeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto intType = cast<IntegerType>(resultType.getElementType());
    Value x = op.getInput();
    Type element = typeOf(x).getElementType();
    int64_t rank = typeOf(x).getRank();
    Value scale = alongAxis(rewriter, loc, op.getScale(), op.getAxis(), rank);
    Value y = g::RoundOp::create(rewriter, loc, g::DivOp::create(rewriter, loc, x, scale));
    if (Value zp = op.getZeroPoint()) {
      zp = alongAxis(rewriter, loc, zp, op.getAxis(), rank);
      y = g::AddOp::create(rewriter, loc, y,
                           g::CastOp::create(rewriter, loc, typeOf(zp).clone(element), zp,
                                             /*input_unsigned=*/op.getIsUnsigned(),
                                             /*result_unsigned=*/false));
    }
    unsigned width = intType.getWidth();
    bool isUnsigned = intType.isUnsigned() || op.getIsUnsigned();
    double lo = isUnsigned ? 0 : -std::ldexp(1.0, width - 1);
    double hi = isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
    y = g::MinOp::create(rewriter, loc,
                         g::MaxOp::create(rewriter, loc, y, scalar(rewriter, loc, element, lo)),
                         scalar(rewriter, loc, element, hi));
    rewriter.replaceOpWithNewOp<g::CastOp>(op, resultType, y, /*input_unsigned=*/false,
                                           /*result_unsigned=*/op.getIsUnsigned());
    return success();
  }
};

/// `(x - zero_point) * scale` in the scale's float type.
struct DequantizeToGraph : OpRewritePattern<g::DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::DequantizeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    Value x = op.getInput();
    int64_t rank = typeOf(x).getRank();
    bool isUnsigned = op.getIsUnsigned();
    Value y = g::CastOp::create(rewriter, loc, typeOf(x).clone(element), x, isUnsigned,
                                /*result_unsigned=*/false);
    if (Value zp = op.getZeroPoint()) {
      zp = alongAxis(rewriter, loc, zp, op.getAxis(), rank);
      y = g::SubOp::create(rewriter, loc, y,
                           g::CastOp::create(rewriter, loc, typeOf(zp).clone(element), zp,
                                             isUnsigned, /*result_unsigned=*/false));
    }
    Value scale = alongAxis(rewriter, loc, op.getScale(), op.getAxis(), rank);
    rewriter.replaceOpWithNewOp<g::MulOp>(op, y, scale);
    return success();
  }
};

/// `(x - mean) * rsqrt(variance + epsilon) * scale + bias` over the trailing
/// dimensions, as reductions that keep the normalised dimensions as 1 and
/// elementwise ops; the mean and the reciprocal standard deviation are results
/// too.
struct LayerNormToGraph : OpRewritePattern<g::LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::LayerNormOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    RankedTensorType type = typeOf(x);
    RankedTensorType statsType = keptDimsType(type, op.getAxis());
    SmallVector<int64_t> axes = trailingAxes(op.getAxis(), type.getRank());
    auto meanOver = [&](Value v) -> Value {
      return g::ReduceOp::create(rewriter, loc, statsType, g::ReductionKind::mean, v, Value(), axes,
                                 /*keep_dims=*/true);
    };
    Value mean = meanOver(x);
    Value centred = g::SubOp::create(rewriter, loc, type, x, mean);
    Value variance = meanOver(g::MulOp::create(rewriter, loc, type, centred, centred));
    Value epsilon = scalar(rewriter, loc, type.getElementType(), op.getEpsilon().convertToDouble());
    Value rstd = g::RsqrtOp::create(rewriter, loc,
                                    g::AddOp::create(rewriter, loc, statsType, variance, epsilon));
    Value y = g::MulOp::create(rewriter, loc, type,
                               g::MulOp::create(rewriter, loc, type, centred, rstd), op.getScale());
    if (Value bias = op.getBias())
      y = g::AddOp::create(rewriter, loc, type, y, bias);
    rewriter.replaceOp(op, {castTo(rewriter, loc, y, op.getResult().getType()),
                            castTo(rewriter, loc, mean, op.getMean().getType()),
                            castTo(rewriter, loc, rstd, op.getInvStdDev().getType())});
    return success();
  }
};

/// `x * rsqrt(mean(x^2) + epsilon) * scale` over the trailing dimensions.
struct RMSNormToGraph : OpRewritePattern<g::RMSNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::RMSNormOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    RankedTensorType type = typeOf(x);
    RankedTensorType statsType = keptDimsType(type, op.getAxis());
    Value meanSquare =
        g::ReduceOp::create(rewriter, loc, statsType, g::ReductionKind::mean,
                            g::MulOp::create(rewriter, loc, type, x, x), Value(),
                            trailingAxes(op.getAxis(), type.getRank()), /*keep_dims=*/true);
    Value epsilon = scalar(rewriter, loc, type.getElementType(), op.getEpsilon().convertToDouble());
    Value rstd = g::RsqrtOp::create(
        rewriter, loc, g::AddOp::create(rewriter, loc, statsType, meanSquare, epsilon));
    Value y = g::MulOp::create(rewriter, loc, type, g::MulOp::create(rewriter, loc, type, x, rstd),
                               op.getScale());
    rewriter.replaceOp(op, castTo(rewriter, loc, y, op.getResult().getType()));
    return success();
  }
};

} // namespace

void populateDecompositionPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionToGraph, RotaryToGraph, LayerNormToGraph, RMSNormToGraph, QuantizeToGraph,
               DequantizeToGraph>(patterns.getContext());
}

} // namespace strata

//===- CompositeToGraph.cpp - Composite ops as simpler graph ops ---------===//
//
// `graph.attention`, `graph.rotary` and the quantisation ops are units for
// fusion, the CUDA target and the quantisation passes; on the way to linalg they
// are rewritten into the graph ops they are made of (matmul, softmax, where,
// slices, arithmetic), which the other patterns then lower.
// Grouped-query attention folds the query heads into a group dimension so that
// each key/value head is shared through matmul batch broadcasting, with no copy.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Passes.h"

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

struct AttentionToGraph : OpRewritePattern<g::AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(g::AttentionOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value q = op.getQuery(), k = op.getKey(), v = op.getValue();
    Type element = typeOf(q).getElementType();
    if (op.getPastKey()) {
      k = g::ConcatOp::create(rewriter, loc, ValueRange{op.getPastKey(), k},
                              static_cast<int64_t>(2));
      v = g::ConcatOp::create(rewriter, loc, ValueRange{op.getPastValue(), v},
                              static_cast<int64_t>(2));
    }
    ArrayRef<int64_t> qs = typeOf(q).getShape(), ks = typeOf(k).getShape(),
                      vs = typeOf(v).getShape();
    int64_t hq = qs[1], hkv = ks[1];
    if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv))
      return rewriter.notifyMatchFailure(op, "dynamic head counts");
    bool grouped = hq != hkv;
    if (grouped &&
        (!typeOf(q).hasStaticShape() || !typeOf(k).hasStaticShape() || !typeOf(v).hasStaticShape()))
      return rewriter.notifyMatchFailure(op, "grouped heads with dynamic shapes");
    int64_t groups = hq / hkv;
    // [B, Hq, Sq, D] -> [B, Hkv, G, Sq, D]; keys and values [B, Hkv, 1, S, D].
    Value qg = grouped ? reshape(rewriter, loc, q, {qs[0], hkv, groups, qs[2], qs[3]}) : q;
    Value kg = grouped ? reshape(rewriter, loc, k, {ks[0], hkv, 1, ks[2], ks[3]}) : k;
    Value vg = grouped ? reshape(rewriter, loc, v, {vs[0], hkv, 1, vs[2], vs[3]}) : v;
    Value s = g::MatMulOp::create(rewriter, loc, qg, kg, false, true);
    if (grouped)
      s = reshape(rewriter, loc, s, {qs[0], hq, qs[2], ks[2]});
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
    if (op.getCausal()) {
      int64_t sq = qs[2], skv = ks[2];
      if (ShapedType::isDynamic(sq) || ShapedType::isDynamic(skv))
        return rewriter.notifyMatchFailure(op, "causal mask over dynamic lengths");
      SmallVector<bool> allowed;
      for (int64_t i = 0; i < sq; ++i)
        for (int64_t j = 0; j < skv; ++j)
          allowed.push_back(j <= i + skv - sq);
      auto maskType = RankedTensorType::get({sq, skv}, rewriter.getI1Type());
      Value causal = g::ConstantOp::create(
          rewriter, loc, cast<ElementsAttr>(DenseElementsAttr::get(maskType, allowed)));
      s = g::WhereOp::create(rewriter, loc, causal, s, negInf);
    }
    Value masked = s;
    Value p = g::SoftmaxOp::create(rewriter, loc, s, static_cast<int64_t>(3));
    if (op.getMask() || op.getCausal()) {
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
    Value pg = grouped ? reshape(rewriter, loc, p, {qs[0], hkv, groups, qs[2], ks[2]}) : p;
    Value y = g::MatMulOp::create(rewriter, loc, pg, vg, false, false);
    if (grouped)
      y = reshape(rewriter, loc, y, {qs[0], hq, qs[2], vs[3]});
    Value qk[] = {scaled, masked, capped, p};
    auto cast = [&](Value value, Type type) -> Value {
      return value.getType() == type ? value : tensor::CastOp::create(rewriter, loc, type, value);
    };
    rewriter.replaceOp(op,
                       {cast(y, op.getResult().getType()), cast(k, op.getPresentKey().getType()),
                        cast(v, op.getPresentValue().getType()),
                        cast(qk[op.getQkMode()], op.getQk().getType())});
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
    if (!type.hasStaticShape() || !tableType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    ArrayRef<int64_t> xs = type.getShape();
    int64_t half = tableType.getDimSize(2), rotary = 2 * half;
    // cos/sin [B, S, r/2] -> [B, 1, S, r/2], broadcast over heads.
    Value cos = reshape(rewriter, loc, op.getCos(), {tableType.getDimSize(0), 1, xs[2], half});
    Value sin = reshape(rewriter, loc, op.getSin(), {tableType.getDimSize(0), 1, xs[2], half});
    auto slice = [&](Value v, int64_t start, int64_t limit, int64_t stride) {
      SmallVector<int64_t> starts = {0, 0, 0, start}, limits(typeOf(v).getShape()),
                           strides = {1, 1, 1, stride};
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
      SmallVector<int64_t> pairShape = {xs[0], xs[1], xs[2], half, 1};
      Value pairs = g::ConcatOp::create(
          rewriter, loc,
          ValueRange{reshape(rewriter, loc, ra, pairShape), reshape(rewriter, loc, rb, pairShape)},
          static_cast<int64_t>(4));
      rotated = reshape(rewriter, loc, pairs, {xs[0], xs[1], xs[2], rotary});
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

} // namespace

void populateCompositeToGraphPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionToGraph, RotaryToGraph, QuantizeToGraph, DequantizeToGraph>(
      patterns.getContext());
}

} // namespace strata

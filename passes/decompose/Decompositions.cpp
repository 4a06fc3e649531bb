//===- Decompositions.cpp - Composite ops as their graph ops --------------===//
//
// One pattern per composite op for `strata-decompose`. A pattern that cannot
// decompose its op in the op's form fails with the reason, before it changes
// any IR; the pass reports the reason at the op. Grouped-query attention folds
// the query heads into a group dimension so that each key/value head is shared
// through matmul batch broadcasting, with no copy.
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
    ArrayRef<int64_t> qs = typeOf(q).getShape(), ks = keyType.getShape(), vs = valueType.getShape();
    int64_t hq = qs[1], hkv = ks[1];
    if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv))
      return rewriter.notifyMatchFailure(op, "dynamic head counts");
    bool grouped = hq != hkv;
    if (grouped &&
        (!typeOf(q).hasStaticShape() || !keyType.hasStaticShape() || !valueType.hasStaticShape()))
      return rewriter.notifyMatchFailure(op, "grouped-query heads with dynamic shapes");
    if (op.getCausal() && (ShapedType::isDynamic(qs[2]) || ShapedType::isDynamic(ks[2])))
      return rewriter.notifyMatchFailure(op, "causal mask over dynamic sequence lengths");
    if (op.getPastKey()) {
      k = g::ConcatOp::create(rewriter, loc, keyType, ValueRange{op.getPastKey(), k},
                              static_cast<int64_t>(2));
      v = g::ConcatOp::create(rewriter, loc, valueType, ValueRange{op.getPastValue(), v},
                              static_cast<int64_t>(2));
    }
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
    if (!type.hasStaticShape() || !tableType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes of the input or the tables");
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

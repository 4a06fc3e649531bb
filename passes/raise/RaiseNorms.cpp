//===- RaiseNorms.cpp - Raise layer and RMS normalisation -----------------===//
//
// Both normalisations are anchored at a mean over the trailing dimensions and
// read forwards: the variance (or mean square), `+ epsilon` inside a square
// root, and then, in any association, the product of the centred input with
// the inverse root (or its quotient by the root) and at most one scale; a
// layer norm may add a bias last. A scale or bias qualifies only when it
// varies along the normalised dimensions alone, as the ops define it.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Passes.h"
#include "passes/raise/ReadProduct.h"

using namespace mlir;
using namespace strata::raise;
namespace g = strata::graph;

namespace strata {
namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The first normalised dimension when `reduce` is a mean of floats over the
/// trailing dimensions that keeps them.
std::optional<int64_t> trailingMeanAxis(g::ReduceOp reduce) {
  RankedTensorType input = typeOf(reduce.getInput());
  ArrayRef<int64_t> axes = reduce.getAxes();
  if (reduce.getKind() != g::ReductionKind::mean || reduce.getAxesValue() ||
      !reduce.getKeepDims() || !isa<FloatType>(input.getElementType()) || axes.empty() ||
      axes.back() != input.getRank() - 1)
    return std::nullopt;
  for (auto [i, axis] : llvm::enumerate(axes))
    if (axis != axes.front() + static_cast<int64_t>(i))
      return std::nullopt;
  return axes.front();
}

/// The user of `v` that is a trailing mean from `axis` of `v`, or null.
g::ReduceOp trailingMeanOf(Value v, int64_t axis) {
  for (Operation *user : v.getUsers())
    if (auto reduce = dyn_cast<g::ReduceOp>(user))
      if (reduce.getInput() == v && trailingMeanAxis(reduce) == axis)
        return reduce;
  return {};
}

/// The `x` of `x * x` or `pow(x, 2)`, or null.
Value squaredValue(Value v) {
  if (auto mul = v.getDefiningOp<g::MulOp>())
    return mul.getLhs() == mul.getRhs() ? mul.getLhs() : Value();
  if (auto pow = v.getDefiningOp<g::PowOp>())
    return isNear(splatValue(pow.getRhs()), 2.0) ? pow.getLhs() : Value();
  return {};
}

/// The square of `v` among its users (`v * v` or `pow(v, 2)`), or null.
Value squareOf(Value v) {
  for (Operation *user : v.getUsers())
    if (isa<g::MulOp, g::PowOp>(user) && squaredValue(user->getResult(0)) == v)
      return user->getResult(0);
  return {};
}

/// `1 / sqrt(variance + epsilon)` as the normalisation reads it: the inverse
/// as a value (`rsqrt` or `reciprocal(sqrt)`), or the root it divides by.
struct InverseRoot {
  double epsilon = 0;
  /// `sqrt(variance + epsilon)`; null with `rsqrt`.
  Value root;
  /// The ops that start the normalised product: products by the inverse, or
  /// quotients by the root.
  SmallVector<Operation *> starts;
  /// The values equal to the inverse: `rsqrt(...)` or `reciprocal(root)`.
  SmallVector<Value> inverses;
};

std::optional<InverseRoot> readInverseRoot(Value variance) {
  if (!variance.hasOneUse())
    return std::nullopt;
  Operation *add = *variance.getUsers().begin();
  auto sum = dyn_cast<g::AddOp>(add);
  if (!sum)
    return std::nullopt;
  Value epsilonValue = sum.getLhs() == variance ? sum.getRhs() : sum.getLhs();
  std::optional<double> epsilon = splatValue(epsilonValue);
  if (!epsilon || *epsilon < 0 || sum.getType() != variance.getType() || !sum->hasOneUse())
    return std::nullopt;
  InverseRoot inverseRoot;
  inverseRoot.epsilon = *epsilon;
  Operation *next = *sum->getUsers().begin();
  auto addStarts = [&](Value inverse) {
    inverseRoot.inverses.push_back(inverse);
    for (Operation *user : inverse.getUsers())
      if (isa<g::MulOp>(user))
        inverseRoot.starts.push_back(user);
  };
  if (auto rsqrt = dyn_cast<g::RsqrtOp>(next)) {
    addStarts(rsqrt.getResult());
    return inverseRoot;
  }
  auto sqrt = dyn_cast<g::SqrtOp>(next);
  if (!sqrt)
    return std::nullopt;
  inverseRoot.root = sqrt.getResult();
  for (Operation *user : sqrt->getUsers()) {
    if (auto div = dyn_cast<g::DivOp>(user); div && div.getRhs() == inverseRoot.root)
      inverseRoot.starts.push_back(user);
    else if (auto reciprocal = dyn_cast<g::ReciprocalOp>(user))
      addStarts(reciprocal.getResult());
  }
  return inverseRoot;
}

/// Whether `w`, multiplied into or added to an `x` normalised from `axis`,
/// varies along the normalised dimensions alone: what the ops' scale and bias
/// do.
bool variesAlongNormalised(Value w, Value x, int64_t axis) {
  RankedTensorType type = typeOf(w);
  ArrayRef<int64_t> normalised = typeOf(x).getShape().drop_front(axis);
  if (type.getElementType() != typeOf(x).getElementType())
    return false;
  ArrayRef<int64_t> shape = type.getShape();
  if (shape.size() > normalised.size()) {
    ArrayRef<int64_t> leading = shape.take_front(shape.size() - normalised.size());
    if (!type.hasStaticShape() || llvm::any_of(leading, [](int64_t d) { return d != 1; }))
      return false;
    shape = shape.take_back(normalised.size());
  }
  size_t offset = normalised.size() - shape.size();
  for (auto [i, d] : llvm::enumerate(shape))
    if (d != 1 && d != normalised[offset + i])
      return false;
  return true;
}

/// `w` without the leading unit dimensions beyond the normalised rank, so
/// that the op's verifier reads it as a scale or bias of those dimensions.
Value asNormalisedOperand(PatternRewriter &rewriter, Value w, Value x, int64_t axis) {
  RankedTensorType type = typeOf(w);
  int64_t rank = typeOf(x).getRank() - axis;
  if (type.getRank() <= rank)
    return w;
  RankedTensorType trimmed = type.clone(type.getShape().take_back(rank));
  // Exporters reshape a weight to add the unit dimensions; reshape the weight.
  if (auto reshape = w.getDefiningOp<g::ReshapeOp>()) {
    w = reshape.getInput();
    if (w.getType() == trimmed)
      return w;
  }
  return g::ReshapeOp::create(rewriter, w.getLoc(), trimmed, w, Value());
}

/// A scale of one, for a normalisation written without one.
Value unitScale(PatternRewriter &rewriter, Location loc, Type element) {
  auto type = RankedTensorType::get({}, element);
  return g::ConstantOp::create(rewriter, loc,
                               cast<ElementsAttr>(DenseElementsAttr::get(
                                   type, rewriter.getFloatAttr(element, 1.0).getValue())));
}

/// The normalised product: its op and the scale in it, if any.
struct Normalised {
  Operation *op = nullptr;
  Value scale;
};

/// The largest product, climbing single uses from `start`, that reads as
/// `centred / root * scale` (or `centred * inverse * scale`), the scale being
/// optional and varying along the normalised dimensions only.
std::optional<Normalised> climbNormalised(Operation *start, Value centred, Value x, int64_t axis,
                                          const InverseRoot &inverseRoot) {
  std::optional<Normalised> best;
  Operation *current = start;
  while (true) {
    Product product = readProduct(current->getResult(0));
    bool byInverse = llvm::any_of(inverseRoot.inverses,
                                  [&](Value inverse) { return product.takeFactor(inverse); });
    bool matches = product.takeFactor(centred) &&
                   (byInverse || (inverseRoot.root && product.takeDivisor(inverseRoot.root))) &&
                   product.divisors.empty() && isNear(product.constant, 1.0) &&
                   product.factors.size() <= 1 && current->getResult(0).getType() == x.getType();
    Value scale = matches && !product.factors.empty() ? product.factors.front() : Value();
    if (scale && (scale == x || scale == centred || !variesAlongNormalised(scale, x, axis)))
      matches = false;
    if (matches)
      best = Normalised{current, scale};
    else if (best)
      break;
    if (!current->hasOneUse())
      break;
    current = *current->getUsers().begin();
    if (!isa<g::MulOp, g::DivOp>(current))
      break;
  }
  return best;
}

/// The first normalised product among the starts of `inverseRoot`.
std::optional<Normalised> findNormalised(Value centred, Value x, int64_t axis,
                                         const InverseRoot &inverseRoot) {
  for (Operation *start : inverseRoot.starts)
    if (std::optional<Normalised> found = climbNormalised(start, centred, x, axis, inverseRoot))
      return found;
  return std::nullopt;
}

/// Whether `v` is `y - mean(y)` with the mean from `axis`: a layer norm's
/// centred input, which the layer norm pattern raises.
bool isCentred(Value v, int64_t axis) {
  auto sub = v.getDefiningOp<g::SubOp>();
  auto mean = sub ? sub.getRhs().getDefiningOp<g::ReduceOp>() : g::ReduceOp();
  return mean && mean.getInput() == sub.getLhs() && trailingMeanAxis(mean) == axis;
}

/// Replaces the uses of `from` after `op` in its block with `to`, when the
/// types agree.
void replaceLaterUses(PatternRewriter &rewriter, Value from, Value to, Operation *op) {
  if (from.getType() != to.getType())
    return;
  rewriter.replaceUsesWithIf(from, to, [&](OpOperand &use) {
    Operation *user = use.getOwner();
    return user->getBlock() == op->getBlock() && op->isBeforeInBlock(user);
  });
}

/// `x / sqrt(mean(x^2) + epsilon) * scale`, anchored at the mean.
struct RaiseRMSNorm : OpRewritePattern<g::ReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::ReduceOp meanSquare, PatternRewriter &rewriter) const override {
    std::optional<int64_t> axis = trailingMeanAxis(meanSquare);
    Value x = squaredValue(meanSquare.getInput());
    if (!axis || !x || x.getType() != meanSquare.getInput().getType())
      return rewriter.notifyMatchFailure(meanSquare, "not a trailing mean of a square");
    if (isCentred(x, *axis))
      return rewriter.notifyMatchFailure(meanSquare, "a variance: the layer norm pattern's");
    std::optional<InverseRoot> inverseRoot = readInverseRoot(meanSquare.getResult());
    if (!inverseRoot)
      return rewriter.notifyMatchFailure(meanSquare, "not followed by sqrt(. + epsilon)");
    std::optional<Normalised> normalised = findNormalised(x, x, *axis, *inverseRoot);
    if (!normalised)
      return rewriter.notifyMatchFailure(meanSquare, "x is not divided by the root");
    rewriter.setInsertionPoint(normalised->op);
    Location loc = normalised->op->getLoc();
    Value scale = normalised->scale ? asNormalisedOperand(rewriter, normalised->scale, x, *axis)
                                    : unitScale(rewriter, loc, typeOf(x).getElementType());
    rewriter.replaceOpWithNewOp<g::RMSNormOp>(normalised->op, x, scale,
                                              rewriter.getI64IntegerAttr(*axis),
                                              rewriter.getF32FloatAttr(inverseRoot->epsilon));
    return success();
  }
};

/// The variance of `x` from `axis`, given its mean and `centred = x - mean`:
/// `mean(centred^2)` or `mean(x^2) - mean^2`.
Value varianceOf(Value x, Value mean, Value centred, int64_t axis) {
  if (Value square = squareOf(centred))
    if (g::ReduceOp variance = trailingMeanOf(square, axis))
      return variance.getResult();
  Value meanSquared = squareOf(mean);
  Value xSquared = squareOf(x);
  g::ReduceOp meanOfSquares = xSquared ? trailingMeanOf(xSquared, axis) : g::ReduceOp();
  if (!meanSquared || !meanOfSquares || !meanSquared.hasOneUse())
    return {};
  auto sub = dyn_cast<g::SubOp>(*meanSquared.getUsers().begin());
  if (!sub || sub.getLhs() != meanOfSquares.getResult() || sub.getRhs() != meanSquared)
    return {};
  return sub.getResult();
}

/// `(x - mean(x)) / sqrt(var(x) + epsilon) * scale + bias`, anchored at the
/// mean of `x`.
struct RaiseLayerNorm : OpRewritePattern<g::ReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::ReduceOp mean, PatternRewriter &rewriter) const override {
    std::optional<int64_t> axis = trailingMeanAxis(mean);
    Value x = mean.getInput();
    if (!axis)
      return rewriter.notifyMatchFailure(mean, "not a trailing mean");
    Value centred;
    for (Operation *user : mean->getUsers())
      if (auto sub = dyn_cast<g::SubOp>(user); sub && sub.getLhs() == x &&
                                               sub.getRhs() == mean.getResult() &&
                                               sub.getType() == x.getType())
        centred = sub.getResult();
    if (!centred)
      return rewriter.notifyMatchFailure(mean, "x - mean(x) is not computed");
    Value variance = varianceOf(x, mean.getResult(), centred, *axis);
    if (!variance)
      return rewriter.notifyMatchFailure(mean, "the variance is not computed");
    std::optional<InverseRoot> inverseRoot = readInverseRoot(variance);
    if (!inverseRoot)
      return rewriter.notifyMatchFailure(mean, "not followed by sqrt(variance + epsilon)");
    std::optional<Normalised> normalised = findNormalised(centred, x, *axis, *inverseRoot);
    if (!normalised)
      return rewriter.notifyMatchFailure(mean, "x - mean is not divided by the root");
    Operation *root = normalised->op;
    Value bias;
    if (root->hasOneUse())
      if (auto add = dyn_cast<g::AddOp>(*root->getUsers().begin());
          add && add.getType() == x.getType()) {
        Value other = add.getLhs() == root->getResult(0) ? add.getRhs() : add.getLhs();
        if (other != x && variesAlongNormalised(other, x, *axis)) {
          bias = other;
          root = add;
        }
      }
    rewriter.setInsertionPoint(root);
    Location loc = root->getLoc();
    Value scale = normalised->scale ? asNormalisedOperand(rewriter, normalised->scale, x, *axis)
                                    : unitScale(rewriter, loc, typeOf(x).getElementType());
    if (bias)
      bias = asNormalisedOperand(rewriter, bias, x, *axis);
    auto layerNorm =
        g::LayerNormOp::create(rewriter, loc, x, scale, bias, rewriter.getI64IntegerAttr(*axis),
                               rewriter.getF32FloatAttr(inverseRoot->epsilon));
    replaceLaterUses(rewriter, mean.getResult(), layerNorm.getMean(), layerNorm);
    for (Value inverse : inverseRoot->inverses)
      replaceLaterUses(rewriter, inverse, layerNorm.getInvStdDev(), layerNorm);
    rewriter.replaceOp(root, layerNorm.getResult());
    return success();
  }
};

} // namespace

void populateRaiseNormPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseRMSNorm, RaiseLayerNorm>(patterns.getContext());
}

} // namespace strata

//===- RaiseActivations.cpp - Raise GELU and SiLU -------------------------===//
//
// GELU is anchored at its erf or tanh, the one op every form of it has, and
// read outwards: the argument of the erf or tanh must be the formula's
// function of `x`, and the ops above it `x * 0.5 * (1 + ...)` in any
// association. SiLU is anchored at its sigmoid.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Passes.h"
#include "passes/raise/ReadProduct.h"

#include <cmath>

using namespace mlir;
using namespace strata::raise;
namespace g = strata::graph;

namespace strata {
namespace {

/// The value `x` when `product` is `constant * x`, or null.
Value scaledValue(const Product &product, double constant) {
  if (product.factors.size() != 1 || !product.divisors.empty() ||
      !isNear(product.constant, constant))
    return {};
  return product.factors.front();
}

/// Whether `v` is `pow(x, 3)`.
bool isPowCube(Value v, Value x) {
  if (auto pow = v.getDefiningOp<g::PowOp>())
    return pow.getLhs() == x && isNear(splatValue(pow.getRhs()), 3.0);
  return false;
}

/// Whether `v` is `0.044715 * x^3`, the cube as `pow(x, 3)` or `x * x * x`.
bool isCubicTerm(Value v, Value x) {
  Product term = readProduct(v);
  if (!term.divisors.empty() || !isNear(term.constant, 0.044715))
    return false;
  if (term.factors.size() == 1)
    return isPowCube(term.factors.front(), x);
  return term.factors.size() == 3 && llvm::all_of(term.factors, [&](Value f) { return f == x; });
}

/// The op computing `x * 0.5 * (1 + activation)`, where `activation` is the
/// result of the erf or tanh: climbs the products above `1 + activation`
/// until one reads as exactly that, with the type of `x`.
Operation *halfXTimesOnePlus(Value activation, Value x) {
  if (!activation.hasOneUse())
    return nullptr;
  Operation *add = *activation.getUsers().begin();
  if (add->getNumResults() != 1)
    return nullptr;
  Value onePlus = add->getResult(0);
  if (addendOf(onePlus, 1.0) != activation)
    return nullptr;
  Value current = onePlus;
  while (current.hasOneUse()) {
    Operation *user = current.getUses().begin()->getOwner();
    if (!isa<g::MulOp, g::DivOp>(user))
      return nullptr;
    current = user->getResult(0);
    Product product = readProduct(current);
    if (product.divisors.empty() && product.factors.size() == 2 && product.takeFactor(x) &&
        product.takeFactor(onePlus) && isNear(product.constant, 0.5))
      return current.getType() == x.getType() ? user : nullptr;
  }
  return nullptr;
}

/// Replaces `root` with `graph.gelu x` in the approximation given.
LogicalResult replaceWithGelu(PatternRewriter &rewriter, Operation *root, Value x,
                              g::GeluApproximation approximation) {
  rewriter.replaceOpWithNewOp<g::GeluOp>(
      root, x.getType(), x, g::GeluApproximationAttr::get(rewriter.getContext(), approximation));
  return success();
}

/// `x * 0.5 * (1 + erf(x / sqrt(2)))`.
struct RaiseGeluErf : OpRewritePattern<g::ErfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::ErfOp erf, PatternRewriter &rewriter) const override {
    Value x = scaledValue(readProduct(erf.getInput()), std::sqrt(0.5));
    if (!x)
      return rewriter.notifyMatchFailure(erf, "the argument is not x / sqrt(2)");
    Operation *root = halfXTimesOnePlus(erf.getResult(), x);
    if (!root)
      return rewriter.notifyMatchFailure(erf, "the erf is not in x * 0.5 * (1 + erf)");
    return replaceWithGelu(rewriter, root, x, g::GeluApproximation::none);
  }
};

/// `x * 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.
struct RaiseGeluTanh : OpRewritePattern<g::TanhOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::TanhOp tanh, PatternRewriter &rewriter) const override {
    Value inner = scaledValue(readProduct(tanh.getInput()), std::sqrt(2.0 / M_PI));
    auto sum = inner ? inner.getDefiningOp<g::AddOp>() : g::AddOp();
    if (!sum)
      return rewriter.notifyMatchFailure(tanh, "the argument is not sqrt(2 / pi) * (a + b)");
    Value x;
    if (isCubicTerm(sum.getRhs(), sum.getLhs()))
      x = sum.getLhs();
    else if (isCubicTerm(sum.getLhs(), sum.getRhs()))
      x = sum.getRhs();
    else
      return rewriter.notifyMatchFailure(tanh, "the sum is not x + 0.044715 * x^3");
    Operation *root = halfXTimesOnePlus(tanh.getResult(), x);
    if (!root)
      return rewriter.notifyMatchFailure(tanh, "the tanh is not in x * 0.5 * (1 + tanh)");
    return replaceWithGelu(rewriter, root, x, g::GeluApproximation::tanh);
  }
};

/// `x * sigmoid(x)`.
struct RaiseSilu : OpRewritePattern<g::SigmoidOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::SigmoidOp sigmoid, PatternRewriter &rewriter) const override {
    Value x = sigmoid.getInput();
    for (Operation *user : sigmoid->getUsers()) {
      auto mul = dyn_cast<g::MulOp>(user);
      if (!mul || mul.getType() != x.getType())
        continue;
      if ((mul.getLhs() == x && mul.getRhs() == sigmoid.getResult()) ||
          (mul.getRhs() == x && mul.getLhs() == sigmoid.getResult())) {
        rewriter.replaceOpWithNewOp<g::SiluOp>(mul, x.getType(), x);
        return success();
      }
    }
    return rewriter.notifyMatchFailure(sigmoid, "no user is x * sigmoid(x)");
  }
};

} // namespace

void populateRaiseActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseGeluErf, RaiseGeluTanh, RaiseSilu>(patterns.getContext());
}

} // namespace strata

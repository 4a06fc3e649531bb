//===- ApproximateMath.cpp - Inline f32 math approximations ---------------===//
//
// Implements `strata-cpu-approximate-math` with the upstream patterns.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

/// `math.powf %x, c` for a constant small integer c (|c| <= 4; a scalar or a
/// vector splat) as products of x (and one division for negative c), as exact
/// as powf to an ulp or two.
struct PowToProducts : OpRewritePattern<math::PowFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::PowFOp op, PatternRewriter &rewriter) const override {
    APFloat exponent(0.0);
    if (!matchPattern(op.getRhs(), m_ConstantFloat(&exponent)))
      return failure();
    double e = exponent.convertToDouble();
    if (!(std::abs(e) <= 4) || e != std::trunc(e) || e == 0)
      return failure();
    Location loc = op.getLoc();
    Value x = op.getLhs(), result = x;
    for (int i = 1; i < std::abs(static_cast<int>(e)); ++i)
      result = arith::MulFOp::create(rewriter, loc, result, x);
    if (e < 0) {
      APFloat oneValue = rewriter.getFloatAttr(getElementTypeOrSelf(x.getType()), 1.0).getValue();
      Value one = createScalarOrSplatConstant(rewriter, loc, x.getType(), oneValue);
      result = arith::DivFOp::create(rewriter, loc, one, result);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ApproximateMath : strata::impl::ApproximateMathBase<ApproximateMath> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return llvm::is_contained({math::ExpOp::getOperationName(), math::ErfOp::getOperationName(),
                                 math::TanhOp::getOperationName()},
                                name);
    });
    patterns.add<PowToProducts>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

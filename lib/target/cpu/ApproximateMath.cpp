//===- ApproximateMath.cpp - Inline f32 math approximations ---------------===//
//
// Implements `strata-cpu-approximate-math` with the upstream patterns.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {
struct ApproximateMath : strata::impl::ApproximateMathBase<ApproximateMath> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return llvm::is_contained(
          {math::ExpOp::getOperationName(), math::ExpM1Op::getOperationName(),
           math::ErfOp::getOperationName(), math::TanhOp::getOperationName(),
           math::LogOp::getOperationName(), math::Log1pOp::getOperationName(),
           math::Log2Op::getOperationName(), math::SinOp::getOperationName(),
           math::CosOp::getOperationName()},
          name);
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

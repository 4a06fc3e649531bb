//===- LowerGraphElementwise.cpp - The elementwise lowering pass ----------===//
//
// Applies the elementwise-to-linalg patterns to a function.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_LOWERGRAPHELEMENTWISE
#include "lib/lowering/Passes.h.inc"
} // namespace strata

namespace {
struct LowerGraphElementwise
    : strata::impl::LowerGraphElementwiseBase<LowerGraphElementwise> {
  void runOnOperation() override {
    mlir::RewritePatternSet patterns(&getContext());
    strata::populateElementwiseToLinalgPatterns(patterns);
    if (failed(mlir::applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

//===- LowerGraphToLinalg.cpp - Graph ops to linalg on tensors -----------===//
//
// Applies every family's graph-to-linalg patterns to a function.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_LOWERGRAPHTOLINALG
#include "lib/lowering/Passes.h.inc"
} // namespace strata

namespace {
struct LowerGraphToLinalg
    : strata::impl::LowerGraphToLinalgBase<LowerGraphToLinalg> {
  void runOnOperation() override {
    mlir::RewritePatternSet patterns(&getContext());
    strata::populateElementwiseToLinalgPatterns(patterns);
    strata::populateContractionToLinalgPatterns(patterns);
    strata::populateReductionToLinalgPatterns(patterns);
    strata::populateStructuralToLinalgPatterns(patterns);
    if (failed(mlir::applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

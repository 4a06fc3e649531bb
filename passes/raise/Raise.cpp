//===- Raise.cpp - Raise exported primitive subgraphs to graph ops --------===//
//
// Implements `strata-raise`: applies the raising patterns until none matches;
// the primitive ops a raise leaves unused are removed as it goes.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_RAISE
#include "passes/raise/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

struct Raise : strata::impl::RaiseBase<Raise> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet patternSet(context);
    strata::populateRaiseActivationPatterns(patternSet);
    strata::populateRaiseAttentionPatterns(patternSet);
    strata::populateRaiseNormPatterns(patternSet);
    patterns = FrozenRewritePatternSet(std::move(patternSet));
    return success();
  }

  void runOnOperation() override {
    if (failed(applyPatternsGreedily(getOperation(), patterns)))
      signalPassFailure();
  }

  FrozenRewritePatternSet patterns;
};

} // namespace

//===- FuseElementwise.cpp - Producer-consumer fusion on tensors ----------===//
//
// Implements `strata-cpu-fuse-elementwise` with the upstream elementwise
// fusion patterns and a control function that keeps contractions intact and
// never duplicates a producer's work.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

bool shouldFuse(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  if (!producer || !consumer || !producer->hasOneUse())
    return false;
  return !linalg::isaContractionOpInterface(consumer);
}

struct FuseElementwise : strata::impl::FuseElementwiseBase<FuseElementwise> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

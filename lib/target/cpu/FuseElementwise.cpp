//===- FuseElementwise.cpp - Producer-consumer fusion on tensors ----------===//
//
// Implements `strata-cpu-fuse-elementwise` with the upstream elementwise
// fusion patterns and a control function that keeps contractions intact and
// never duplicates a producer's work. Shared fills are cloned first: CSE
// merges identical fills, and bufferisation would then copy the one filled
// buffer for every consumer instead of filling each.
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

/// Gives every use of a multi-use `linalg.fill` its own copy of the fill.
void cloneSharedFills(Operation *root) {
  SmallVector<linalg::FillOp> shared;
  root->walk([&](linalg::FillOp fill) {
    if (fill.hasPureTensorSemantics() && !fill->hasOneUse() && !fill->use_empty())
      shared.push_back(fill);
  });
  for (linalg::FillOp fill : shared) {
    for (OpOperand &use : llvm::make_early_inc_range(llvm::drop_begin(fill->getUses()))) {
      OpBuilder b(use.getOwner());
      use.set(b.clone(*fill)->getResult(0));
    }
  }
}

struct FuseElementwise : strata::impl::FuseElementwiseBase<FuseElementwise> {
  void runOnOperation() override {
    cloneSharedFills(getOperation());
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

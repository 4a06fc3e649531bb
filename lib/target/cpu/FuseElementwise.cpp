//===- FuseElementwise.cpp - Producer-consumer fusion on tensors ----------===//
//
// Implements `strata-cpu-fuse-elementwise` with the upstream elementwise
// fusion patterns and a control function that keeps contractions intact,
// never duplicates a producer's work and fuses only within a fusion group;
// then inlines the groups. Shared fills are cloned first: CSE
// merges identical fills, and bufferisation would then copy the one filled
// buffer for every consumer instead of filling each.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

/// The fusion group (`scf.execute_region`, see strata-lower-graph-to-linalg)
/// that holds `op`, or null outside groups.
Operation *groupOf(Operation *op) { return op->getParentOfType<scf::ExecuteRegionOp>(); }

bool shouldFuse(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  if (!producer || !consumer || !producer->hasOneUse() || groupOf(producer) != groupOf(consumer))
    return false;
  return !linalg::isaContractionOpInterface(consumer);
}

/// Replaces each fusion group by the ops it holds.
void inlineGroups(Operation *root) {
  SmallVector<scf::ExecuteRegionOp> groups;
  root->walk([&](scf::ExecuteRegionOp group) {
    if (group.getRegion().hasOneBlock())
      groups.push_back(group);
  });
  IRRewriter rewriter(root->getContext());
  for (scf::ExecuteRegionOp group : groups) {
    Block &body = group.getRegion().front();
    auto yield = cast<scf::YieldOp>(body.getTerminator());
    SmallVector<Value> results(yield.getOperands());
    rewriter.eraseOp(yield);
    rewriter.inlineBlockBefore(&body, group);
    rewriter.replaceOp(group, results);
  }
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
      return signalPassFailure();
    inlineGroups(getOperation());
  }
};

} // namespace

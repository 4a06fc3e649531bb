//===- FusionGroupToRegion.cpp - Fusion groups to scf.execute_region ------===//
//
// A fusion group reaches the target's tensor passes as an
// `scf.execute_region` marked `no_inline`, an upstream op that holds the
// group's ops as they are lowered and that the canonicaliser keeps; the
// target fuses within each and then inlines them.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace {

struct LowerFusionGroup : OpRewritePattern<strata::graph::FusionGroupOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(strata::graph::FusionGroupOp group,
                                PatternRewriter &rewriter) const override {
    auto region = scf::ExecuteRegionOp::create(rewriter, group.getLoc(), group.getResultTypes());
    region.setNoInline(true);
    rewriter.inlineRegionBefore(group.getBody(), region.getRegion(), region.getRegion().end());
    Operation *yield = region.getRegion().front().getTerminator();
    rewriter.setInsertionPoint(yield);
    rewriter.replaceOpWithNewOp<scf::YieldOp>(yield, yield->getOperands());
    rewriter.replaceOp(group, region.getResults());
    return success();
  }
};

} // namespace

void strata::populateFusionGroupToRegionPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerFusionGroup>(patterns.getContext());
}

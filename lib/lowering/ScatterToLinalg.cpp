//===- ScatterToLinalg.cpp - Scatter-adds to scf/linalg -------------------===//
//
// `graph.scatter_add`: a zero result, then an `scf.for` over the indices
// whose each step reads one index (checked, negative ones wrapped), adds the
// matching row of the updates to that row of the result with `linalg.add`
// and writes it back. Rows named twice add up, in index order; the loop
// carries the result, which bufferises to one buffer updated in place.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

struct ScatterAddToLinalg : OpRewritePattern<g::ScatterAddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::ScatterAddOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value updates = op.getUpdates(), indices = op.getIndices();
    if (type.isDynamicDim(0))
      return rewriter.notifyMatchFailure(op, "dynamic row count");
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
    // The result's dimensions after the first are the updates'.
    SmallVector<std::pair<Value, int64_t>> dims{{Value(), 0}};
    for (int64_t i = 1; i < type.getRank(); ++i)
      dims.push_back({updates, i});
    Value result = filledTensor(rewriter, loc, type, dims, zero);
    Value rows = arith::ConstantIndexOp::create(rewriter, loc, type.getDimSize(0));
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value count = dimSize(rewriter, loc, updates, 0);
    auto loop = scf::ForOp::create(
        rewriter, loc, c0, count, c1, ValueRange{result},
        [&](OpBuilder &b, Location l, Value n, ValueRange carried) {
          Value index = checkedIndex(b, l, tensor::ExtractOp::create(b, l, indices, n), rows, 0);
          Value row = extractAlong(b, l, carried[0], 0, index);
          Value update = extractAlong(b, l, updates, 0, n);
          Value sum =
              linalg::AddOp::create(b, l, ValueRange{row, update}, ValueRange{row}).getResult(0);
          scf::YieldOp::create(b, l, insertAlong(b, l, sum, carried[0], 0, index));
        });
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }
};

} // namespace

void populateScatterToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ScatterAddToLinalg>(patterns.getContext());
}

} // namespace strata

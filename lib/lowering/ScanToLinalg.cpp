//===- ScanToLinalg.cpp - Running sums to scf/linalg ----------------------===//
//
// `graph.cumsum`: an `scf.for` along the axis carries the sum so far (a tensor
// of the input's shape without the axis), adds one slice of the input per step
// with `linalg.add` and inserts the sum into the result. An axis read at run
// time picks one such loop per dimension with `scf.index_switch`.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

/// The running sum of signless `x` along `axis`: element `i` of the result is
/// the sum of elements `0..i` (`0..i-1` when `exclusive`), counted from the end
/// when `reverse`.
Value runningSum(OpBuilder &b, Location loc, Value x, int64_t axis, bool exclusive, bool reverse) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = type.getElementType();
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
  Value sum = filledTensor(b, loc, dropDim(type, axis), dimsWithout(x, axis), zero);
  Value result = emptyTensor(b, loc, type, allDims(x));
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value n = dimSize(b, loc, x, axis);
  auto loop = scf::ForOp::create(
      b, loc, c0, n, c1, ValueRange{result, sum},
      [&](OpBuilder &nb, Location l, Value i, ValueRange carried) {
        Value position =
            reverse
                ? arith::SubIOp::create(nb, l, arith::SubIOp::create(nb, l, n, c1), i).getResult()
                : i;
        Value out = carried[0], before = carried[1];
        // Exclusive sums are written before the element is added, so that the
        // addition may update the carried sum in place.
        if (exclusive)
          out = insertAlong(nb, l, before, out, axis, position);
        Value slice = extractAlong(nb, l, x, axis, position);
        Value after = linalg::AddOp::create(nb, l, ValueRange{before, slice}, ValueRange{before})
                          .getResult(0);
        if (!exclusive)
          out = insertAlong(nb, l, after, out, axis, position);
        scf::YieldOp::create(nb, l, ValueRange{out, after});
      });
  return loop.getResult(0);
}

/// One running sum along a known axis, or one per dimension behind a switch.
struct CumSumToLinalg : OpRewritePattern<g::CumSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::CumSumOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    if (rank == 0)
      return rewriter.notifyMatchFailure(op, "rank-0 operand");
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    Value x = op.getInput();
    auto scan = [&](OpBuilder &b, int64_t axis) {
      return runningSum(b, loc, x, axis, exclusive, reverse);
    };
    Value sum;
    DenseIntElementsAttr constantAxis;
    if (!op.getAxisValue()) {
      sum = scan(rewriter, op.getAxis());
    } else if (matchPattern(op.getAxisValue(), m_Constant(&constantAxis))) {
      int64_t axis = (*constantAxis.getValues<APInt>().begin()).getSExtValue();
      if (axis < -rank || axis >= rank)
        return rewriter.notifyMatchFailure(op, "constant axis out of range");
      sum = scan(rewriter, axis < 0 ? axis + rank : axis);
    } else {
      sum = scanAlongRuntimeAxis(rewriter, loc, op.getAxisValue(), x, scan);
    }
    rewriter.replaceOp(op, sum);
    return success();
  }

  /// One scan per dimension, chosen by the run-time axis; the last dimension
  /// is the default case (the axis is checked to be in range).
  static Value scanAlongRuntimeAxis(OpBuilder &b, Location loc, Value axisValue, Value x,
                                    function_ref<Value(OpBuilder &, int64_t)> scan) {
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    Value raw =
        arith::IndexCastOp::create(b, loc, b.getIndexType(), extractOnly(b, loc, axisValue));
    Value axis = normalizeAxis(b, loc, raw, rank);
    auto cases = llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
    auto sw = scf::IndexSwitchOp::create(b, loc, TypeRange{x.getType()}, axis, cases, cases.size());
    OpBuilder::InsertionGuard guard(b);
    auto fill = [&](Region &region, int64_t dim) {
      b.setInsertionPointToStart(&region.emplaceBlock());
      scf::YieldOp::create(b, loc, scan(b, dim));
    };
    for (auto [i, region] : llvm::enumerate(sw.getCaseRegions()))
      fill(region, i);
    fill(sw.getDefaultRegion(), rank - 1);
    return sw.getResult(0);
  }
};

} // namespace

void populateScanToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CumSumToLinalg>(patterns.getContext());
}

} // namespace strata

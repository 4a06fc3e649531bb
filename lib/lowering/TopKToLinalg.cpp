//===- TopKToLinalg.cpp - Top-k selection to scf/linalg -------------------===//
//
// `graph.top_k` as k selection passes. Output order ranks larger values first
// (smaller ones without `largest`) and equal values by lower index, a strict
// total order on (value, index). Pass `p` is a `linalg.generic` that reduces
// along the axis to the first element of each row, in that order, that comes
// after the one pass `p - 1` found (read back from the outputs); an `scf.for`
// over `p` inserts it into the values and indices. That is O(k n) per row and
// needs no sort.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/program/RuntimeCheck.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

/// k selection passes in an `scf.for`, writing position `p` of both outputs.
struct TopKToLinalg : OpRewritePattern<g::TopKOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::TopKOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto valuesType = cast<RankedTensorType>(op.getValues().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    bool isUnsigned = op.getIsUnsigned();
    bool largest = op.getLargest();
    Value x = op.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    Type t = inType.getElementType(), i64 = rewriter.getI64Type();
    int64_t axis = op.getAxis(), rank = inType.getRank();

    Value k = valuesType.isDynamicDim(axis)
                  ? arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                               extractOnly(rewriter, loc, op.getK()))
                        .getResult()
                  : arith::ConstantIndexOp::create(rewriter, loc, valuesType.getDimSize(axis))
                        .getResult();
    // A k read at run time selects at most the whole axis; a negative one
    // compares as a huge unsigned index.
    if (valuesType.isDynamicDim(axis))
      program::emitRuntimeCheck(rewriter, loc,
                                arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ule, k,
                                                      dimSize(rewriter, loc, x, axis)),
                                "k lies outside [0, n], n being the size of axis " +
                                    std::to_string(axis) + " of the input");
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      if (valuesType.isDynamicDim(d))
        sizes.push_back(d == axis ? k : dimSize(rewriter, loc, x, d));
    Value values = tensor::EmptyOp::create(rewriter, loc, valuesType.getShape(), t, sizes);
    Value indices = tensor::EmptyOp::create(rewriter, loc, indicesType.getShape(), i64, sizes);

    RankedTensorType rowType = dropDim(inType, axis), rowIndexType = rowType.clone(i64);

    AffineMap all = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap row = all.dropResult(axis);
    SmallVector<AffineMap> maps = {all, row, row, row, row};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;
    // Whether (a, ai) comes before (v, vi) in output order.
    auto precedes = [&](OpBuilder &b, Location l, Value a, Value ai, Value v, Value vi) {
      Value beats, equal;
      if (isa<FloatType>(t)) {
        beats = arith::CmpFOp::create(
            b, l, largest ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT, a, v);
        equal = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a, v);
      } else {
        arith::CmpIPredicate p =
            largest ? (isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
                    : (isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt);
        beats = arith::CmpIOp::create(b, l, p, a, v);
        equal = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, a, v);
      }
      Value lower = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, ai, vi);
      return arith::OrIOp::create(b, l, beats, arith::AndIOp::create(b, l, equal, lower))
          .getResult();
    };

    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(
        rewriter, loc, c0, k, c1, ValueRange{values, indices},
        [&](OpBuilder &b, Location l, Value p, ValueRange carried) {
          // Pass 0 may take any element; the others read what pass p - 1 wrote.
          Value first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, p, c0);
          Value before = arith::MaxSIOp::create(b, l, arith::SubIOp::create(b, l, p, c1), c0);
          Value previous = extractAlong(b, l, carried[0], axis, before);
          Value previousIndex = extractAlong(b, l, carried[1], axis, before);
          // Pass p reduces in place into position p of the outputs, from (the
          // last value in output order, the largest index), which comes after
          // every element.
          auto fillAt = [&](Value outputs, Value value) {
            Value slot = extractAlong(b, l, outputs, axis, p);
            return linalg::FillOp::create(b, l, ValueRange{value}, ValueRange{slot}).getResult(0);
          };
          Value best = fillAt(carried[0], extremeValue(b, l, t, largest, isUnsigned));
          Value bestIndex =
              fillAt(carried[1], arith::ConstantOp::create(b, l, b.getI64IntegerAttr(INT64_MAX)));
          auto pass = linalg::GenericOp::create(
              b, l, TypeRange{rowType, rowIndexType}, ValueRange{x, previous, previousIndex},
              ValueRange{best, bestIndex}, maps, iterators,
              [&](OpBuilder &nb, Location nl, ValueRange a) {
                Value v = a[0], prev = a[1], prevIndex = a[2], cur = a[3], curIndex = a[4];
                Value i = arith::IndexCastOp::create(nb, nl, nb.getI64Type(),
                                                     linalg::IndexOp::create(nb, nl, axis));
                Value after =
                    arith::OrIOp::create(nb, nl, first, precedes(nb, nl, prev, prevIndex, v, i));
                Value take =
                    arith::AndIOp::create(nb, nl, after, precedes(nb, nl, v, i, cur, curIndex));
                linalg::YieldOp::create(
                    nb, nl,
                    ValueRange{arith::SelectOp::create(nb, nl, take, v, cur),
                               arith::SelectOp::create(nb, nl, take, i, curIndex)});
              });
          scf::YieldOp::create(
              b, l,
              ValueRange{insertAlong(b, l, pass.getResult(0), carried[0], axis, p),
                         insertAlong(b, l, pass.getResult(1), carried[1], axis, p)});
        });
    rewriter.replaceOp(op, loop.getResults());
    return success();
  }
};

} // namespace

void populateTopKToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<TopKToLinalg>(patterns.getContext());
}

} // namespace strata

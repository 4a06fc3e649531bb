//===- ScatterToLinalg.cpp - Writes at places read at run time -----------===//
//
// `graph.scatter_add`: a zero result, then an `scf.for` over the indices
// whose each step reads one index (checked, negative ones wrapped), adds the
// matching row of the updates to that row of the result with `linalg.add`
// and writes it back. Rows named twice add up, in index order; the loop
// carries the result, which bufferises to one buffer updated in place.
//
// `graph.cache_write`: an `scf.for` that checks every entry's length, then
// one over the entries that carries the cache and, for each, inserts the
// entry's new positions at its length and fills the slice after them with
// zeros. It writes only those positions and allocates nothing, so a cache
// that is the view of an argument (the KV cache appended in place) is
// updated where it lies.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/program/RuntimeCheck.h"

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

struct CacheWriteToLinalg : OpRewritePattern<g::CacheWriteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::CacheWriteOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value fresh = op.getFresh(), lengths = op.getLengths();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank(), axis = static_cast<int64_t>(op.getAxis());
    Value size = dimSize(rewriter, loc, op.getCache(), axis);
    Value count = dimSize(rewriter, loc, fresh, axis);
    program::emitRuntimeCheck(
        rewriter, loc, arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ule, count, size),
        "more new positions than the cache holds along axis " + llvm::Twine(axis));
    Value room = arith::SubIOp::create(rewriter, loc, size, count);
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value entries = dimSize(rewriter, loc, op.getCache(), 0);
    program::emitRuntimeCheck(rewriter, loc,
                              arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                                    dimSize(rewriter, loc, lengths, 0), entries),
                              "the lengths of filled positions are not one per entry of the cache");
    // Off the axis, the new positions have the cache's sizes.
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis ||
          (!type.isDynamicDim(d) && !cast<RankedTensorType>(fresh.getType()).isDynamicDim(d)))
        continue;
      program::emitRuntimeCheck(rewriter, loc,
                                arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                                      dimSize(rewriter, loc, fresh, d),
                                                      dimSize(rewriter, loc, op.getCache(), d)),
                                "the new positions' dimension " + llvm::Twine(d) +
                                    " differs from the cache's");
    }
    // Every length is checked before anything is written, so that a step
    // stopped by one leaves a cache kept between steps as it was.
    auto lengthAt = [&](OpBuilder &b, Location l, Value entry) {
      return arith::IndexCastOp::create(b, l, b.getIndexType(),
                                        tensor::ExtractOp::create(b, l, lengths, entry))
          .getResult();
    };
    scf::ForOp::create(
        rewriter, loc, c0, entries, c1, ValueRange{},
        [&](OpBuilder &b, Location l, Value entry, ValueRange) {
          // Unsigned: a negative length fails too.
          program::emitRuntimeCheck(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::ule, lengthAt(b, l, entry), room),
              "an entry's length of filled positions leaves no room for the new ones in the "
              "cache (axis " +
                  llvm::Twine(axis) + ")");
          scf::YieldOp::create(b, l);
        });
    auto loop = scf::ForOp::create(
        rewriter, loc, c0, entries, c1, ValueRange{op.getCache()},
        [&](OpBuilder &b, Location l, Value entry, ValueRange carried) {
          Value length = lengthAt(b, l, entry);
          SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes;
          SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
          for (int64_t d = 0; d < rank; ++d)
            sizes.push_back(d == 0 ? OpFoldResult(b.getIndexAttr(1))
                                   : tensor::getMixedSize(b, l, fresh, d));
          offsets[0] = entry;
          Value row = tensor::ExtractSliceOp::create(b, l, fresh, offsets, sizes, strides);
          offsets[axis] = length;
          Value written =
              tensor::InsertSliceOp::create(b, l, row, carried[0], offsets, sizes, strides);
          Value end = arith::AddIOp::create(b, l, length, count);
          offsets[axis] = end;
          sizes[axis] = arith::SubIOp::create(b, l, size, end).getResult();
          // Filled where it lies: a slice of the carried cache, not a new tensor.
          Value tail = tensor::ExtractSliceOp::create(b, l, written, offsets, sizes, strides);
          Value zeros = linalg::FillOp::create(b, l, zero, tail).getResult(0);
          scf::YieldOp::create(
              b, l,
              tensor::InsertSliceOp::create(b, l, zeros, written, offsets, sizes, strides)
                  .getResult());
        });
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }
};

} // namespace

void populateScatterToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ScatterAddToLinalg, CacheWriteToLinalg>(patterns.getContext());
}

} // namespace strata

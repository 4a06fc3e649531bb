//===- TileAndVectorize.cpp - Vector-width tiles of elementwise ops -------===//
//
// Implements `strata-cpu-tile-and-vectorize` with the upstream tiling
// (TilingInterface to scf.for) and linalg vectoriser.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_TILEANDVECTORIZE
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

/// The tile width for `op`'s innermost loop, or 0 if `op` does not qualify.
int64_t tileWidth(linalg::LinalgOp op, int64_t widest) {
  if (!op.hasPureBufferSemantics() || op.getNumReductionLoops() != 0 || op.getNumLoops() == 0 ||
      op.hasDynamicShape())
    return 0;
  if (!isa<linalg::GenericOp, linalg::FillOp>(op.getOperation()))
    return 0;
  unsigned inner = op.getNumLoops() - 1;
  auto isInner = [inner](AffineExpr e) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    return dim && dim.getPosition() == inner;
  };
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    bool isOutput = op.isDpsInit(&operand);
    // An input may index a dimension by 0 (a unit dimension broadcast, as an
    // attention mask's over the heads); the output writes every element.
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/!isOutput))
      return 0;
    // Along the innermost loop, an operand is read or written contiguously
    // (its last dimension) or not at all (broadcast; never for the output).
    bool usesInner = map.getNumResults() > 0 && isInner(map.getResults().back());
    bool usesElsewhere = llvm::any_of(map.getResults().drop_back(), isInner);
    if (usesElsewhere || (isOutput && !usesInner))
      return 0;
    // Booleans live as bytes in memory but as bits in vectors: leave them,
    // and element types other than integers and floats.
    Type element = getElementTypeOrSelf(operand.get().getType());
    if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() < 8)
      return 0;
    if (auto type = dyn_cast<MemRefType>(operand.get().getType())) {
      int64_t offset;
      SmallVector<int64_t> strides;
      if (usesInner && (failed(type.getStridesAndOffset(strides, offset)) || strides.back() != 1))
        return 0;
    }
  }
  int64_t extent = op.getStaticLoopRanges()[inner];
  for (int64_t w = widest; w >= 4; w /= 2)
    if (extent % w == 0)
      return w;
  return 0;
}

/// Marks the outermost of `loops` (one per dimension of an all-parallel op
/// of static `extents`, the last tiled by `width`) that has more than one
/// iteration as shareable among threads, with the elements one iteration
/// computes (strata-cpu-share-kernels).
void markShareable(ArrayRef<LoopLikeOpInterface> loops, ArrayRef<int64_t> extents, int64_t width) {
  for (size_t d = 0; d < loops.size() && d < extents.size(); ++d) {
    int64_t tile = d + 1 == extents.size() ? width : 1;
    if (extents[d] <= tile)
      continue;
    int64_t elements = tile;
    for (size_t inner = d + 1; inner < extents.size(); ++inner)
      elements *= extents[inner];
    loops[d]->setAttr(strata::kShareableLoop,
                      IntegerAttr::get(IntegerType::get(loops[d]->getContext(), 64), elements));
    return;
  }
}

struct TileAndVectorize : strata::impl::TileAndVectorizeBase<TileAndVectorize> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, int64_t>> work;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (int64_t w = tileWidth(op, vectorWidth))
        if (succeeded(linalg::vectorizeOpPrecondition(op)))
          work.push_back({op, w});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, width] : work) {
      SmallVector<OpFoldResult> sizes(op.getNumLoops(), rewriter.getIndexAttr(1));
      sizes.back() = rewriter.getIndexAttr(width);
      scf::SCFTilingOptions options;
      options.setTileSizes(sizes);
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled =
          scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled)) {
        op.emitError("tiling failed");
        return signalPassFailure();
      }
      markShareable(tiled->loops, op.getStaticLoopRanges(), width);
      rewriter.eraseOp(op);
      for (Operation *tile : tiled->tiledOps) {
        rewriter.setInsertionPoint(tile);
        FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(rewriter, tile);
        if (failed(vectorized)) {
          tile->emitError("vectorisation failed");
          return signalPassFailure();
        }
        rewriter.eraseOp(tile);
      }
    }
  }
};

} // namespace

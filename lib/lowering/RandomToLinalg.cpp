//===- RandomToLinalg.cpp - Random graph ops to linalg --------------------===//
//
// `graph.dropout`. In inference mode it passes the input through with an
// all-true mask. In training mode, or when the mode is read at run time, one
// `linalg.generic` draws a number in [0, 1) per element from a counter-based
// generator (the splitmix64 finaliser of the seed plus the element's row-major
// position), keeps the element where that number is at least the ratio and
// scales the kept ones by 1 / (1 - ratio). The draws depend only on the seed
// (0 when the op has none) and the position, so every run of a program drops
// the same elements; a ratio of 0 keeps all of them unchanged.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/graph/ScalarBuilders.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

/// A number in [0, 1) as f32: the top 24 bits of the splitmix64 finaliser of
/// `seed + (counter + 1) * golden` (i64 operands).
Value uniformDraw(OpBuilder &b, Location loc, Value seed, Value counter) {
  auto c = [&](uint64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(static_cast<int64_t>(v)))
        .getResult();
  };
  auto mix = [&](Value z, uint64_t shift, uint64_t multiplier) {
    Value folded = arith::XOrIOp::create(b, loc, z, arith::ShRUIOp::create(b, loc, z, c(shift)));
    return arith::MulIOp::create(b, loc, folded, c(multiplier)).getResult();
  };
  Value z = arith::AddIOp::create(
      b, loc, seed,
      arith::MulIOp::create(b, loc, arith::AddIOp::create(b, loc, counter, c(1)),
                            c(0x9E3779B97F4A7C15ULL)));
  z = mix(z, 30, 0xBF58476D1CE4E5B9ULL);
  z = mix(z, 27, 0x94D049BB133111EBULL);
  z = arith::XOrIOp::create(b, loc, z, arith::ShRUIOp::create(b, loc, z, c(31)));
  Value top = arith::ShRUIOp::create(b, loc, z, c(40));
  Value asFloat = arith::UIToFPOp::create(b, loc, b.getF32Type(), top);
  return arith::MulFOp::create(b, loc, asFloat,
                               arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0x1p-24f)));
}

/// Identity in inference mode; otherwise one generic that draws, masks and
/// scales.
struct DropoutToLinalg : OpRewritePattern<g::DropoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::DropoutOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    auto maskType = cast<RankedTensorType>(op.getMask().getType());
    if (!op.getTraining() && !op.getTrainingValue()) {
      Value yes = arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(true));
      rewriter.replaceOp(op, {x, filledTensor(rewriter, loc, maskType, allDims(x), yes)});
      return success();
    }
    Type element = type.getElementType(), f32 = rewriter.getF32Type();
    Value ratio = arith::ConstantOp::create(rewriter, loc, op.getRatioAttr());
    if (Value r = op.getRatioValue())
      ratio = g::buildScalarCast(rewriter, loc, extractOnly(rewriter, loc, r), f32,
                                 /*inputUnsigned=*/false, /*resultUnsigned=*/false);
    Value training =
        op.getTrainingValue()
            ? extractOnly(rewriter, loc, op.getTrainingValue())
            : arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(true)).getResult();
    ratio = arith::SelectOp::create(
        rewriter, loc, training, ratio,
        arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0)));
    Value keptFraction = g::buildScalarCast(
        rewriter, loc,
        arith::SubFOp::create(rewriter, loc,
                              arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(1)),
                              ratio),
        element, /*inputUnsigned=*/false, /*resultUnsigned=*/false);
    Value seed = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getI64IntegerAttr(op.getSeed().value_or(0)));
    Value zero = arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(element));
    int64_t rank = type.getRank();
    SmallVector<Value> dims;
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(dimSize(rewriter, loc, x, d));
    SmallVector<AffineMap> maps(3, AffineMap::getMultiDimIdentityMap(rank, getContext()));
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type, maskType}, ValueRange{x},
        ValueRange{emptyTensor(rewriter, loc, type, allDims(x)),
                   emptyTensor(rewriter, loc, maskType, allDims(x))},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value position = arith::ConstantIndexOp::create(b, l, 0);
          for (int64_t d = 0; d < rank; ++d)
            position = arith::AddIOp::create(b, l, arith::MulIOp::create(b, l, position, dims[d]),
                                             linalg::IndexOp::create(b, l, d));
          Value counter = arith::IndexCastOp::create(b, l, b.getI64Type(), position);
          Value keep = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE,
                                             uniformDraw(b, l, seed, counter), ratio);
          Value scaled = arith::DivFOp::create(b, l, args[0], keptFraction);
          linalg::YieldOp::create(
              b, l, ValueRange{arith::SelectOp::create(b, l, keep, scaled, zero), keep});
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void populateRandomToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<DropoutToLinalg>(patterns.getContext());
}

} // namespace strata

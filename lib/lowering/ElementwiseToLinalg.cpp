//===- ElementwiseToLinalg.cpp - Elementwise graph ops to linalg ----------===//
//
// One `linalg.generic` per elementwise graph op, that is per op implementing
// `ScalarBodyOpInterface`: broadcast through indexing maps (or, for dynamic
// dimensions that may be 1 at run time, through index arithmetic in the body,
// with a run-time check that the operands' sizes agree), the result shape from
// `tensor.empty`, and the body from the op's scalar body.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/program/RuntimeCheck.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

/// Whether `operand` may be broadcast along a dynamic dimension at run time: it
/// has a dynamic dimension and the op has other operands, whose run-time sizes
/// there may differ (equal static types do not mean equal run-time shapes).
/// Such an operand cannot be read through an indexing map (the map cannot know
/// whether the dimension is 1) and is read with `tensor.extract` instead.
bool broadcastsAtRunTime(Value operand, ValueRange operands) {
  return operands.size() > 1 && !cast<RankedTensorType>(operand.getType()).hasStaticShape();
}

/// The size of each dynamic result dimension: the largest of the operands'
/// sizes there (numpy broadcasting: each is 1 or the result's size). A
/// static 1 only ever broadcasts, so it takes no part: with a dynamic size of
/// 0 beside it the result is empty, not of size 1.
SmallVector<Value> dynamicResultSizes(OpBuilder &b, Location loc, ValueRange operands,
                                      RankedTensorType resultType) {
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < resultType.getRank(); ++i) {
    if (!resultType.isDynamicDim(i))
      continue;
    Value size;
    for (Value v : operands) {
      auto t = cast<RankedTensorType>(v.getType());
      int64_t j = i - (resultType.getRank() - t.getRank());
      if (j < 0 || t.getDimSize(j) == 1)
        continue;
      Value d = dimSize(b, loc, v, j);
      size = size ? arith::MaxUIOp::create(b, loc, size, d).getResult() : d;
    }
    sizes.push_back(size ? size : arith::ConstantIndexOp::create(b, loc, 1).getResult());
  }
  return sizes;
}

/// Stops the program unless, in each dimension of the result whose size the
/// types leave open, every operand's size is 1 or the result's (`sizes`: the
/// result's dynamic sizes): an operand of another size would be read outside
/// its bounds.
void checkBroadcast(OpBuilder &b, Location loc, ValueRange operands, RankedTensorType resultType,
                    ArrayRef<Value> sizes) {
  if (operands.size() < 2)
    return;
  int64_t rank = resultType.getRank();
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t i = 0, dynamic = 0; i < rank; ++i) {
    Value resultSize = resultType.isDynamicDim(i)
                           ? sizes[dynamic++]
                           : arith::ConstantIndexOp::create(b, loc, resultType.getDimSize(i));
    Value fits;
    for (Value v : operands) {
      auto t = cast<RankedTensorType>(v.getType());
      int64_t j = i - (rank - t.getRank());
      if (j < 0 || t.getDimSize(j) == 1 || (!t.isDynamicDim(j) && !resultType.isDynamicDim(i)))
        continue;
      Value size = dimSize(b, loc, v, j);
      Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, size, resultSize);
      if (t.isDynamicDim(j))
        ok = arith::OrIOp::create(
            b, loc, ok, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, size, one));
      fits = fits ? arith::AndIOp::create(b, loc, fits, ok).getResult() : ok;
    }
    if (fits)
      program::emitRuntimeCheck(b, loc, fits,
                                "the operands cannot be broadcast together: in dimension " +
                                    std::to_string(i) +
                                    " of the result, an operand's size is neither 1 nor the "
                                    "others'");
  }
}

struct ElementwiseToGeneric : OpInterfaceRewritePattern<g::ScalarBodyOpInterface> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(g::ScalarBodyOpInterface op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    ValueRange operands = op->getOperands();
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    // Operands read through maps, and those read element by element together
    // with their dimension sizes.
    SmallVector<int64_t> mapped, extracted;
    SmallVector<SmallVector<Value>> extractedDims;
    for (auto [i, operand] : llvm::enumerate(operands)) {
      auto type = cast<RankedTensorType>(operand.getType());
      if (broadcastsAtRunTime(operand, operands)) {
        extracted.push_back(i);
        SmallVector<Value> dims;
        for (int64_t j = 0; j < type.getRank(); ++j)
          dims.push_back(dimSize(rewriter, loc, operand, j));
        extractedDims.push_back(dims);
        continue;
      }
      mapped.push_back(i);
      inputs.push_back(operand);
      maps.push_back(
          broadcastMap(type.getShape(), resultType.getShape(), resultType.getRank(), 0, ctx));
    }
    maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
    SmallVector<Value> sizes = dynamicResultSizes(rewriter, loc, operands, resultType);
    checkBroadcast(rewriter, loc, operands, resultType, sizes);
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType(), sizes);
    SmallVector<utils::IteratorType> iterators(resultType.getRank(), utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> scalars(operands.size());
          for (auto [k, i] : llvm::enumerate(mapped))
            scalars[i] = args[k];
          for (auto [k, i] : llvm::enumerate(extracted))
            scalars[i] =
                extractBroadcast(b, l, operands[i], extractedDims[k], resultType.getRank());
          linalg::YieldOp::create(b, l, op.buildScalarBody(b, l, scalars));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseToGeneric>(patterns.getContext());
}

} // namespace strata

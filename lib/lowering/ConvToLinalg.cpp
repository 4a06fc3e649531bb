//===- ConvToLinalg.cpp - graph.conv to linalg ----------------------------===//
//
// A convolution of any spatial rank becomes `tensor.pad` (zeros, when it has
// pads) and one `linalg.generic` over (n, f, y_1..y_d, c, k_1..k_d) with the
// channel and kernel dimensions as reductions. The input is read at
// `(n, (f floordiv F_per_group) * C_per_group + c, y_i * stride_i + k_i *
// dilation_i)`, which covers groups without reshaping anything.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

struct ConvToGeneric : OpRewritePattern<g::ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(g::ConvOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    Type element = resultType.getElementType();
    int64_t spatial = resultType.getRank() - 2;
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(), pads = op.getPads();
    Value zero = arith::ConstantOp::create(rewriter, loc, rewriter.getFloatAttr(element, 0));

    Value input = op.getInput();
    if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
      SmallVector<OpFoldResult> low(2, rewriter.getIndexAttr(0)), high(2, rewriter.getIndexAttr(0));
      SmallVector<int64_t> dims(inputType.getShape());
      for (int64_t i = 0; i < spatial; ++i) {
        low.push_back(rewriter.getIndexAttr(pads[i]));
        high.push_back(rewriter.getIndexAttr(pads[spatial + i]));
        if (!inputType.isDynamicDim(2 + i))
          dims[2 + i] += pads[i] + pads[spatial + i];
      }
      input = tensor::PadOp::create(rewriter, loc, inputType.clone(dims), input, low, high, zero);
    }

    // The result's dynamic sizes: the batch, and (x - dilation * (k - 1) - 1)
    // / stride + 1 of each dynamic padded spatial size x.
    SmallVector<Value> dynamicSizes;
    if (resultType.isDynamicDim(0))
      dynamicSizes.push_back(dimSize(rewriter, loc, input, 0));
    for (int64_t i = 0; i < spatial; ++i) {
      if (!resultType.isDynamicDim(2 + i))
        continue;
      auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(rewriter, loc, v); };
      Value span =
          arith::SubIOp::create(rewriter, loc, dimSize(rewriter, loc, input, 2 + i),
                                index(dilations[i] * (filterType.getDimSize(2 + i) - 1) + 1));
      Value steps = arith::DivUIOp::create(rewriter, loc, span, index(strides[i]));
      dynamicSizes.push_back(arith::AddIOp::create(rewriter, loc, steps, index(1)));
    }
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType, dynamicSizes);
    Value init =
        linalg::FillOp::create(rewriter, loc, ValueRange{zero}, ValueRange{empty}).getResult(0);

    // Iteration dims: n, f, y_1..y_d, c, k_1..k_d.
    int64_t rank = 3 + 2 * spatial;
    AffineExpr n = getAffineDimExpr(0, ctx), f = getAffineDimExpr(1, ctx),
               c = getAffineDimExpr(2 + spatial, ctx);
    int64_t filtersPerGroup = filterType.getDimSize(0) / op.getGroup();
    int64_t channelsPerGroup = filterType.getDimSize(1);
    SmallVector<AffineExpr> inputExprs = {n, f.floorDiv(filtersPerGroup) * channelsPerGroup + c};
    SmallVector<AffineExpr> filterExprs = {f, c}, outputExprs = {n, f};
    for (int64_t i = 0; i < spatial; ++i) {
      AffineExpr y = getAffineDimExpr(2 + i, ctx), k = getAffineDimExpr(3 + spatial + i, ctx);
      inputExprs.push_back(y * strides[i] + k * dilations[i]);
      filterExprs.push_back(k);
      outputExprs.push_back(y);
    }
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, inputExprs, ctx),
                                   AffineMap::get(rank, 0, filterExprs, ctx),
                                   AffineMap::get(rank, 0, outputExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(2 + spatial, utils::IteratorType::parallel);
    iterators.append(1 + spatial, utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{input, op.getFilter()}, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value product = arith::MulFOp::create(b, l, args[0], args[1]);
          linalg::YieldOp::create(b, l, arith::AddFOp::create(b, l, args[2], product).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateConvToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvToGeneric>(patterns.getContext());
}

} // namespace strata

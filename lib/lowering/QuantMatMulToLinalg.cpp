//===- QuantMatMulToLinalg.cpp - graph.matmul_nbits to linalg -------------===//
//
// The product with packed, block-quantised weights becomes one
// `linalg.generic` over (lhs leading dims..., n, k) with k a reduction. The
// weights, scales and zero points are read through indexing maps that select
// the byte and the block of each k (`k floordiv block_size`, `(k mod
// block_size) floordiv values_per_byte`), and the body takes the value out of
// its byte and dequantises it: the weights are never expanded in memory.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

/// The `bits`-bit unsigned value at bit `(position mod perByte) * bits` of
/// `byte` (an i8), as i32.
Value unpack(OpBuilder &b, Location loc, Value byte, Value position, int64_t bits) {
  Type i32 = b.getI32Type();
  Value wide = arith::ExtUIOp::create(b, loc, i32, byte);
  if (bits == 8)
    return wide;
  auto constant = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value slot = arith::RemUIOp::create(b, loc, position, constant(8 / bits));
  Value shift = arith::IndexCastUIOp::create(b, loc, i32,
                                             arith::MulIOp::create(b, loc, slot, constant(bits)));
  Value shifted = arith::ShRUIOp::create(b, loc, wide, shift);
  Value mask = arith::ConstantIntOp::create(b, loc, i32, (int64_t(1) << bits) - 1);
  return arith::AndIOp::create(b, loc, shifted, mask);
}

struct MatMulNBitsToGeneric : OpRewritePattern<g::MatMulNBitsOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(g::MatMulNBitsOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank(); // result dims, then k
    int64_t bits = op.getBits(), blockSize = op.getBlockSize(), perByte = 8 / bits;
    AffineExpr n = getAffineDimExpr(rank - 1, ctx), k = getAffineDimExpr(rank, ctx);
    AffineExpr block = k.floorDiv(blockSize);
    SmallVector<AffineExpr> lhsExprs, outExprs;
    for (int64_t i = 0; i < rank - 1; ++i) {
      lhsExprs.push_back(getAffineDimExpr(i, ctx));
      outExprs.push_back(getAffineDimExpr(i, ctx));
    }
    lhsExprs.push_back(k);
    outExprs.push_back(n);
    auto map = [&](ArrayRef<AffineExpr> exprs) { return AffineMap::get(rank + 1, 0, exprs, ctx); };
    SmallVector<Value> inputs = {op.getLhs(), op.getWeights(), op.getScales()};
    SmallVector<AffineMap> maps = {
        map(lhsExprs), map({n, block, (k % blockSize).floorDiv(perByte)}), map({n, block})};
    if (Value zp = op.getZeroPoints()) {
      inputs.push_back(zp);
      maps.push_back(map({n, block.floorDiv(perByte)}));
    }
    maps.push_back(map(outExprs));

    SmallVector<std::pair<Value, int64_t>> sources;
    for (int64_t i = 0; i < rank - 1; ++i)
      sources.push_back({op.getLhs(), i});
    sources.push_back({op.getWeights(), 0});
    Type element = resultType.getElementType();
    Value zero = arith::ConstantOp::create(rewriter, loc, rewriter.getFloatAttr(element, 0));
    Value init = filledTensor(rewriter, loc, resultType, sources, zero);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    bool hasZeroPoints = static_cast<bool>(op.getZeroPoints());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value kIndex = linalg::IndexOp::create(b, l, rank);
          Value q = unpack(b, l, args[1], kIndex, bits);
          Value zeroPoint;
          if (hasZeroPoints) {
            Value blockIndex = arith::DivUIOp::create(
                b, l, kIndex, arith::ConstantIndexOp::create(b, l, blockSize));
            zeroPoint = unpack(b, l, args[3], blockIndex, bits);
          } else {
            zeroPoint =
                arith::ConstantIntOp::create(b, l, b.getI32Type(), int64_t(1) << (bits - 1));
          }
          Value centred = arith::SubIOp::create(b, l, q, zeroPoint);
          Value weight =
              arith::MulFOp::create(b, l, arith::SIToFPOp::create(b, l, element, centred), args[2]);
          Value product = arith::MulFOp::create(b, l, args[0], weight);
          linalg::YieldOp::create(b, l,
                                  arith::AddFOp::create(b, l, args.back(), product).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateQuantMatMulToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulNBitsToGeneric>(patterns.getContext());
}

} // namespace strata

//===- ContractionToLinalg.cpp - graph.matmul and einsum to linalg --------===//
//
// A batched matmul becomes one `linalg.generic` over (batch..., m, n, k) with k a
// reduction: transposes and batch broadcasting live in the indexing maps, so no
// operand is copied. Named-op specialisation and library calls come later in the
// target pipelines.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

struct MatMulToGeneric : OpRewritePattern<g::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(g::MatMulOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
    int64_t batch = resultType.getRank() - 2;
    int64_t rank = resultType.getRank() + 1; // (batch..., m, n, k)
    AffineExpr m = getAffineDimExpr(batch, ctx), n = getAffineDimExpr(batch + 1, ctx),
               k = getAffineDimExpr(batch + 2, ctx);
    ArrayRef<int64_t> resultBatch = resultType.getShape().drop_back(2);

    auto operandMap = [&](RankedTensorType t, AffineExpr rows, AffineExpr cols, bool transposed) {
      AffineMap batchMap = broadcastMap(t.getShape().drop_back(2), resultBatch, rank, 0, ctx);
      SmallVector<AffineExpr> exprs(batchMap.getResults());
      exprs.push_back(transposed ? cols : rows);
      exprs.push_back(transposed ? rows : cols);
      return AffineMap::get(rank, 0, exprs, ctx);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < batch; ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    outExprs.append({m, n});
    SmallVector<AffineMap> maps = {operandMap(lhsType, m, k, op.getTransposeLhs()),
                                   operandMap(rhsType, k, n, op.getTransposeRhs()),
                                   AffineMap::get(rank, 0, outExprs, ctx)};

    SmallVector<std::pair<Value, int64_t>> sources(resultType.getRank());
    for (int64_t i = 0; i < batch; ++i) {
      for (auto [v, t] : {std::pair{op.getLhs(), lhsType}, std::pair{op.getRhs(), rhsType}}) {
        int64_t j = i - (batch - (t.getRank() - 2));
        if (j >= 0 && t.getDimSize(j) != 1) {
          sources[i] = {v, j};
          break;
        }
      }
    }
    sources[batch] = {op.getLhs(), lhsType.getRank() - (op.getTransposeLhs() ? 1 : 2)};
    sources[batch + 1] = {op.getRhs(), rhsType.getRank() - (op.getTransposeRhs() ? 2 : 1)};
    for (int64_t i = 0; i < resultType.getRank(); ++i)
      if (resultType.isDynamicDim(i) && !sources[i].first)
        return rewriter.notifyMatchFailure(op, "no operand gives a dynamic batch size");

    Value lhs = op.getLhs();
    Value rhs = op.getRhs();
    Type element = resultType.getElementType();
    bool isFloat = isa<FloatType>(element);
    Value zero =
        arith::ConstantOp::create(rewriter, loc,
                                  isFloat ? cast<TypedAttr>(rewriter.getFloatAttr(element, 0))
                                          : cast<TypedAttr>(rewriter.getIntegerAttr(element, 0)));
    Value init = filledTensor(rewriter, loc, resultType, sources, zero);
    SmallVector<utils::IteratorType> iterators(rank - 1, utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{lhs, rhs}, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value product, sum;
          if (isFloat) {
            product = arith::MulFOp::create(b, l, args[0], args[1]);
            sum = arith::AddFOp::create(b, l, args[2], product);
          } else {
            product = arith::MulIOp::create(b, l, args[0], args[1]);
            sum = arith::AddIOp::create(b, l, args[2], product);
          }
          linalg::YieldOp::create(b, l, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// One iteration dimension per subscript letter (output letters first, as
/// parallel dims, then the summed ones as reductions); each operand reads
/// through the map of its subscripts, so a repeated letter reads a diagonal.
struct EinsumToGeneric : OpRewritePattern<g::EinsumOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(g::EinsumOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto [lhs, rhs] = op.getEquation().split("->");
    SmallVector<StringRef> terms;
    lhs.split(terms, ',');
    std::string letters = rhs.str();
    for (StringRef term : terms)
      for (char c : term)
        if (letters.find(c) == std::string::npos)
          letters += c;
    int64_t rank = letters.size();
    auto mapOf = [&](StringRef subscripts) {
      SmallVector<AffineExpr> exprs;
      for (char c : subscripts)
        exprs.push_back(getAffineDimExpr(letters.find(c), ctx));
      return AffineMap::get(rank, 0, exprs, ctx);
    };
    SmallVector<AffineMap> maps;
    ValueRange inputs = op.getInputs();
    for (StringRef term : terms)
      maps.push_back(mapOf(term));
    maps.push_back(mapOf(rhs));
    auto resultType = cast<RankedTensorType>(op.getType());
    // Each output dimension takes its size from an operand that has the letter
    // unbroadcast.
    SmallVector<std::pair<Value, int64_t>> sources(rhs.size(), {inputs.front(), 0});
    for (auto [i, c] : llvm::enumerate(rhs)) {
      for (auto [term, input] : llvm::zip(terms, inputs)) {
        size_t at = term.find(c);
        if (at != StringRef::npos && cast<RankedTensorType>(input.getType()).getDimSize(at) != 1) {
          sources[i] = {input, static_cast<int64_t>(at)};
          break;
        }
      }
    }
    Type element = resultType.getElementType();
    bool isFloat = isa<FloatType>(element);
    Value zero =
        arith::ConstantOp::create(rewriter, loc,
                                  isFloat ? cast<TypedAttr>(rewriter.getFloatAttr(element, 0))
                                          : cast<TypedAttr>(rewriter.getIntegerAttr(element, 0)));
    Value init = filledTensor(rewriter, loc, resultType, sources, zero);
    SmallVector<utils::IteratorType> iterators;
    for (int64_t i = 0; i < rank; ++i)
      iterators.push_back(i < static_cast<int64_t>(rhs.size()) ? utils::IteratorType::parallel
                                                               : utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value product = args.front();
          for (Value v : args.drop_front().drop_back())
            product = isFloat ? arith::MulFOp::create(b, l, product, v).getResult()
                              : arith::MulIOp::create(b, l, product, v).getResult();
          Value sum = isFloat ? arith::AddFOp::create(b, l, args.back(), product).getResult()
                              : arith::AddIOp::create(b, l, args.back(), product).getResult();
          linalg::YieldOp::create(b, l, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateContractionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulToGeneric, EinsumToGeneric>(patterns.getContext());
}

} // namespace strata

//===- ElementwiseToLinalg.cpp - Elementwise graph ops to linalg ----------===//
//
// One `linalg.generic` per elementwise graph op: broadcast through indexing maps,
// the result shape from `tensor.empty` (dynamic sizes read from an operand), and
// the body from ScalarOps.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"
#include "lib/lowering/ScalarOps.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

/// Where each dynamic dimension of the result gets its size: an operand that has
/// that dimension unbroadcast.
FailureOr<SmallVector<std::pair<Value, int64_t>>>
dynamicSizeSources(ValueRange operands, RankedTensorType resultType) {
  SmallVector<std::pair<Value, int64_t>> sources(resultType.getRank());
  for (int64_t i = 0; i < resultType.getRank(); ++i) {
    if (!resultType.isDynamicDim(i))
      continue;
    for (Value v : operands) {
      auto t = cast<RankedTensorType>(v.getType());
      int64_t j = i - (resultType.getRank() - t.getRank());
      if (j >= 0 && t.getDimSize(j) != 1) {
        sources[i] = {v, j};
        break;
      }
    }
    if (!sources[i].first)
      return failure();
  }
  return sources;
}

/// The element type that determines an op's scalar semantics.
Type operandElementType(Operation *op) {
  Value carrier = isa<g::WhereOp>(op) ? op->getOperand(1) : op->getOperand(0);
  return cast<RankedTensorType>(carrier.getType()).getElementType();
}

template <typename OpTy>
struct ElementwiseToGeneric : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Type resultElement = signlessType(resultType.getElementType());
    ScalarTypes types{operandElementType(op), resultType.getElementType()};

    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (Value operand : op->getOperands()) {
      inputs.push_back(signlessView(rewriter, loc, operand));
      maps.push_back(broadcastMap(cast<RankedTensorType>(operand.getType()).getShape(),
                                  resultType.getShape(), resultType.getRank(), 0, ctx));
    }
    maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
    FailureOr<SmallVector<std::pair<Value, int64_t>>> sources =
        dynamicSizeSources(inputs, resultType);
    if (failed(sources))
      return rewriter.notifyMatchFailure(op, "no operand gives a dynamic size");
    Value init = emptyTensor(rewriter, loc, resultType.clone(resultElement), *sources);
    SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                               utils::IteratorType::parallel);
    bool bodyFailed = false;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          FailureOr<Value> v = buildScalarOp(b, l, op, args.drop_back(), types);
          bodyFailed = failed(v);
          linalg::YieldOp::create(b, l, bodyFailed ? args.back() : *v);
        });
    if (bodyFailed) {
      rewriter.eraseOp(generic);
      return rewriter.notifyMatchFailure(op, "no scalar form");
    }
    rewriter.replaceOp(op, restoreSignedness(rewriter, loc, generic.getResult(0),
                                             resultType));
    return success();
  }
};

template <typename... OpTys>
void addElementwise(RewritePatternSet &patterns) {
  patterns.add<ElementwiseToGeneric<OpTys>...>(patterns.getContext());
}

} // namespace

void populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  addElementwise<g::NegOp, g::AbsOp, g::SignOp, g::ExpOp, g::LogOp, g::SqrtOp,
                 g::RsqrtOp, g::ReciprocalOp, g::TanhOp, g::SigmoidOp, g::ErfOp,
                 g::SinOp, g::CosOp, g::FloorOp, g::CeilOp, g::RoundOp, g::ReluOp,
                 g::SiluOp, g::NotOp, g::GeluOp, g::IsNanOp, g::IsInfOp, g::CastOp,
                 g::AddOp, g::SubOp, g::MulOp, g::DivOp, g::PowOp, g::MaxOp, g::MinOp,
                 g::AndOp, g::OrOp, g::XorOp, g::ModOp, g::CompareOp, g::WhereOp>(
      patterns);
}

} // namespace strata

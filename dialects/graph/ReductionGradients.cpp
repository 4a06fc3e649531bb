//===- ReductionGradients.cpp - Gradient rules of reductions and products -===//
//
// GradientOpInterface for the ops that combine elements: reductions (the
// result's gradient broadcast back over the reduced dimensions, times each
// kind's derivative), softmax and log-softmax along their axis, and the
// matrix product (each operand's gradient a product of the result's gradient
// with the other operand, summed over the batch dimensions it was broadcast
// along).
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/GradientBuilders.h"
#include "dialects/graph/GraphDialect.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace strata::graph {
namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

} // namespace

Gradients ReduceOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> flowing = flowingGradient(*this, grads[0]);
  if (failed(flowing) || !*flowing)
    return failed(flowing) ? Gradients(failure()) : noGradients(*this);
  Value g = *flowing;
  if (getAxesValue())
    return emitOpError("has a gradient rule for axes given as an attribute only");
  Location loc = getLoc();
  Value x = getInput();
  RankedTensorType input = typeOf(x);
  Type element = input.getElementType();
  SmallVector<int64_t> kept(input.getShape());
  int64_t count = 1;
  for (int64_t axis : getAxes()) {
    count *= kept[axis];
    kept[axis] = 1;
  }
  // The result and its gradient with the reduced dimensions kept, stretched
  // over the input.
  auto spread = [&](Value v) {
    return buildBroadcast(b, loc, buildReshape(b, loc, v, input.clone(kept)), input);
  };
  Value gb = spread(g);
  auto c = [&](double v) { return buildScalarTensor(b, loc, element, v); };
  Value dx;
  switch (getKind()) {
  case ReductionKind::sum:
    dx = gb;
    break;
  case ReductionKind::mean:
    dx = DivOp::create(b, loc, gb, c(static_cast<double>(count)));
    break;
  case ReductionKind::max:
  case ReductionKind::min: {
    // Ties share the gradient equally.
    Value hits = CompareOp::create(b, loc, ComparisonDirection::eq, x, spread(getResult()));
    Value mask = CastOp::create(b, loc, input, hits);
    Value share = spread(buildSum(b, loc, mask, getAxes(), /*keepDims=*/true));
    dx = DivOp::create(b, loc, MulOp::create(b, loc, gb, mask), share);
    break;
  }
  case ReductionKind::sum_square:
    dx = MulOp::create(b, loc, gb, MulOp::create(b, loc, c(2.0), x));
    break;
  case ReductionKind::l1:
    dx = MulOp::create(b, loc, gb, SignOp::create(b, loc, x));
    break;
  case ReductionKind::l2:
    dx = MulOp::create(b, loc, gb, DivOp::create(b, loc, x, spread(getResult())));
    break;
  case ReductionKind::log_sum:
    dx = MulOp::create(b, loc, gb,
                       ExpOp::create(b, loc, NegOp::create(b, loc, spread(getResult()))));
    break;
  case ReductionKind::log_sum_exp:
    dx = MulOp::create(b, loc, gb,
                       ExpOp::create(b, loc, SubOp::create(b, loc, x, spread(getResult()))));
    break;
  case ReductionKind::prod:
    return emitOpError("has no gradient rule for 'prod'");
  }
  return SmallVector<Value>{dx};
}

Gradients SoftmaxOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> flowing = flowingGradient(*this, grads[0]);
  if (failed(flowing) || !*flowing)
    return failed(flowing) ? Gradients(failure()) : noGradients(*this);
  Value g = *flowing;
  // y (g - sum(g y)) along the axis.
  Location loc = getLoc();
  Value y = getResult();
  Value gy = MulOp::create(b, loc, g, y);
  Value total = buildSum(b, loc, gy, {static_cast<int64_t>(getAxis())}, /*keepDims=*/true);
  return SmallVector<Value>{MulOp::create(b, loc, y, SubOp::create(b, loc, g, total))};
}

Gradients LogSoftmaxOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> flowing = flowingGradient(*this, grads[0]);
  if (failed(flowing) || !*flowing)
    return failed(flowing) ? Gradients(failure()) : noGradients(*this);
  Value g = *flowing;
  // g - exp(y) sum(g) along the axis.
  Location loc = getLoc();
  Value total = buildSum(b, loc, g, {static_cast<int64_t>(getAxis())}, /*keepDims=*/true);
  Value p = ExpOp::create(b, loc, getResult());
  return SmallVector<Value>{SubOp::create(b, loc, g, MulOp::create(b, loc, p, total))};
}

Gradients MatMulOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> flowing = flowingGradient(*this, grads[0]);
  if (failed(flowing) || !*flowing)
    return failed(flowing) ? Gradients(failure()) : noGradients(*this);
  Value g = *flowing;
  // C = op(A) op(B) with op a transpose of the last two dimensions where the
  // flag says: d op(A) = g op(B)^T and d op(B) = op(A)^T g, each transposed
  // back where its operand was.
  Location loc = getLoc();
  Value a = getLhs(), bv = getRhs();
  bool ta = getTransposeLhs(), tb = getTransposeRhs();
  Value da =
      ta ? MatMulOp::create(b, loc, bv, g, tb, true) : MatMulOp::create(b, loc, g, bv, false, !tb);
  Value db =
      tb ? MatMulOp::create(b, loc, g, a, true, ta) : MatMulOp::create(b, loc, a, g, !ta, false);
  return SmallVector<Value>{sumToShape(b, loc, da, typeOf(a)), sumToShape(b, loc, db, typeOf(bv))};
}

} // namespace strata::graph

//===- ElementwiseGradients.cpp - Gradient rules of elementwise ops -------===//
//
// GradientOpInterface for the elementwise family. A unary op's rule multiplies
// the result's gradient by its derivative, built from the operand and the
// result; a binary op's sums each operand's part back to the operand's shape
// when broadcasting stretched it. Integer and boolean results carry no
// gradient, nor do ops whose derivative is zero almost everywhere (floor,
// ceil, round, sign) or which only compare.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/GradientBuilders.h"
#include "dialects/graph/GraphDialect.h"

#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;

namespace strata::graph {
namespace {

/// Graph ops at one place, for writing derivatives as expressions.
struct Emit {
  OpBuilder &b;
  Location loc;
  Type element;

  Value c(double value) { return buildScalarTensor(b, loc, element, value); }
  Value add(Value x, Value y) { return AddOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return SubOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return MulOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return DivOp::create(b, loc, x, y); }
  Value neg(Value x) { return NegOp::create(b, loc, x); }
  Value exp(Value x) { return ExpOp::create(b, loc, x); }
  Value erf(Value x) { return ErfOp::create(b, loc, x); }
  Value tanh(Value x) { return TanhOp::create(b, loc, x); }
  Value sigmoid(Value x) { return SigmoidOp::create(b, loc, x); }
  Value cmp(ComparisonDirection d, Value x, Value y) { return CompareOp::create(b, loc, d, x, y); }
  Value where(Value cond, Value x, Value y) { return WhereOp::create(b, loc, cond, x, y); }
};

/// The gradient of a float unary op: the result's gradient times
/// `derivative(emit, operand, result)`.
Gradients unary(OpBuilder &b, Operation *op, ArrayRef<Value> grads,
                function_ref<Value(Emit &, Value, Value)> derivative) {
  Value g = grads[0];
  if (!g || !isFloatTensor(op->getResult(0)))
    return noGradients(op);
  Emit e{b, op->getLoc(), getElementTypeOrSelf(g.getType())};
  return SmallVector<Value>{e.mul(g, derivative(e, op->getOperand(0), op->getResult(0)))};
}

/// The gradient of a float binary op from the parts `lhsPart` and `rhsPart`
/// (each of the broadcast shape, or null for none), summed back to the
/// operands' shapes.
Gradients binary(OpBuilder &b, Operation *op, ArrayRef<Value> grads,
                 function_ref<std::pair<Value, Value>(Emit &, Value, Value, Value, Value)> parts) {
  Value g = grads[0];
  if (!g || !isFloatTensor(op->getResult(0)))
    return noGradients(op);
  Location loc = op->getLoc();
  Emit e{b, loc, getElementTypeOrSelf(g.getType())};
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  auto [dl, dr] = parts(e, g, lhs, rhs, op->getResult(0));
  auto back = [&](Value part, Value operand) -> Value {
    if (!part)
      return Value();
    auto target = cast<RankedTensorType>(operand.getType());
    return sumToShape(b, loc, buildBroadcast(b, loc, part, cast<RankedTensorType>(g.getType())),
                      target);
  };
  return SmallVector<Value>{back(dl, lhs), back(dr, rhs)};
}

} // namespace

Gradients NegOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads, [](Emit &e, Value, Value) { return e.c(-1.0); });
}

Gradients AbsOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads,
               [](Emit &e, Value x, Value) -> Value { return SignOp::create(e.b, e.loc, x); });
}

Gradients SignOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }
Gradients FloorOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }
Gradients CeilOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }
Gradients RoundOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }
Gradients NotOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }
Gradients IsNanOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }
Gradients IsInfOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }
Gradients AndOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }
Gradients OrOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }
Gradients XorOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }
Gradients CompareOp::buildGradients(OpBuilder &, ArrayRef<Value>) { return noGradients(*this); }

Gradients ExpOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads, [](Emit &, Value, Value y) { return y; });
}

Gradients LogOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads, [](Emit &e, Value x, Value) { return e.div(e.c(1.0), x); });
}

Gradients SqrtOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads, [](Emit &e, Value, Value y) { return e.div(e.c(0.5), y); });
}

Gradients RsqrtOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  // d(x^-1/2) = -1/2 x^-3/2 = -1/2 y^3.
  return unary(b, *this, grads,
               [](Emit &e, Value, Value y) { return e.mul(e.c(-0.5), e.mul(y, e.mul(y, y))); });
}

Gradients ReciprocalOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads, [](Emit &e, Value, Value y) { return e.neg(e.mul(y, y)); });
}

Gradients TanhOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads,
               [](Emit &e, Value, Value y) { return e.sub(e.c(1.0), e.mul(y, y)); });
}

Gradients SigmoidOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads,
               [](Emit &e, Value, Value y) { return e.mul(y, e.sub(e.c(1.0), y)); });
}

Gradients ErfOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  // 2 / sqrt(pi) * exp(-x^2).
  return unary(b, *this, grads, [](Emit &e, Value x, Value) {
    return e.mul(e.c(2.0 / std::sqrt(M_PI)), e.exp(e.neg(e.mul(x, x))));
  });
}

Gradients SinOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads,
               [](Emit &e, Value x, Value) -> Value { return CosOp::create(e.b, e.loc, x); });
}

Gradients CosOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads,
               [](Emit &e, Value x, Value) { return e.neg(SinOp::create(e.b, e.loc, x)); });
}

Gradients ReluOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return unary(b, *this, grads, [](Emit &e, Value x, Value) {
    return e.where(e.cmp(ComparisonDirection::gt, x, e.c(0.0)), e.c(1.0), e.c(0.0));
  });
}

Gradients SiluOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  // s + x s (1 - s), s = sigmoid(x).
  return unary(b, *this, grads, [](Emit &e, Value x, Value) {
    Value s = e.sigmoid(x);
    return e.mul(s, e.add(e.c(1.0), e.mul(x, e.sub(e.c(1.0), s))));
  });
}

Gradients GeluOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  bool tanhForm = getApproximate() == GeluApproximation::tanh;
  return unary(b, *this, grads, [tanhForm](Emit &e, Value x, Value) {
    if (!tanhForm) {
      // Phi(x) + x phi(x): the normal distribution's CDF and density.
      Value cdf = e.mul(e.c(0.5), e.add(e.c(1.0), e.erf(e.mul(x, e.c(M_SQRT1_2)))));
      Value density = e.mul(e.c(1.0 / std::sqrt(2.0 * M_PI)), e.exp(e.mul(e.c(-0.5), e.mul(x, x))));
      return e.add(cdf, e.mul(x, density));
    }
    // y = x/2 (1 + tanh(u)), u = c (x + a x^3):
    // y' = (1 + t)/2 + x/2 (1 - t^2) c (1 + 3 a x^2).
    const double c = std::sqrt(2.0 / M_PI), a = 0.044715;
    Value x2 = e.mul(x, x);
    Value t = e.tanh(e.mul(e.c(c), e.add(x, e.mul(e.c(a), e.mul(x2, x)))));
    Value du = e.mul(e.c(c), e.add(e.c(1.0), e.mul(e.c(3.0 * a), x2)));
    return e.add(e.mul(e.c(0.5), e.add(e.c(1.0), t)),
                 e.mul(e.mul(e.c(0.5), x), e.mul(e.sub(e.c(1.0), e.mul(t, t)), du)));
  });
}

Gradients CastOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  Value g = grads[0];
  if (!g || !isFloatTensor(getInput()) || !isFloatTensor(getResult()))
    return noGradients(*this);
  return SmallVector<Value>{CastOp::create(b, getLoc(), getInput().getType(), g)};
}

Gradients AddOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return binary(b, *this, grads,
                [](Emit &, Value g, Value, Value, Value) { return std::make_pair(g, g); });
}

Gradients SubOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return binary(b, *this, grads,
                [](Emit &e, Value g, Value, Value, Value) { return std::make_pair(g, e.neg(g)); });
}

Gradients MulOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return binary(b, *this, grads, [](Emit &e, Value g, Value x, Value y, Value) {
    return std::make_pair(e.mul(g, y), e.mul(g, x));
  });
}

Gradients DivOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  // d(x/y) = dx / y - dy x / y^2 = dx / y - dy z / y.
  return binary(b, *this, grads, [](Emit &e, Value g, Value, Value y, Value z) {
    Value dl = e.div(g, y);
    return std::make_pair(dl, e.neg(e.mul(dl, z)));
  });
}

Gradients PowOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  // d(x^y) = y x^(y-1) dx + x^y log(x) dy.
  return binary(b, *this, grads, [](Emit &e, Value g, Value x, Value y, Value z) {
    Value dl = e.mul(g, e.mul(y, PowOp::create(e.b, e.loc, x, e.sub(y, e.c(1.0)))));
    Value dr = e.mul(g, e.mul(z, LogOp::create(e.b, e.loc, x)));
    return std::make_pair(dl, dr);
  });
}

Gradients MaxOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  // The larger operand takes the gradient; the left one on a tie.
  return binary(b, *this, grads, [](Emit &e, Value g, Value x, Value y, Value) {
    Value left = e.cmp(ComparisonDirection::ge, x, y);
    return std::make_pair(e.where(left, g, e.c(0.0)), e.where(left, e.c(0.0), g));
  });
}

Gradients MinOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  return binary(b, *this, grads, [](Emit &e, Value g, Value x, Value y, Value) {
    Value left = e.cmp(ComparisonDirection::le, x, y);
    return std::make_pair(e.where(left, g, e.c(0.0)), e.where(left, e.c(0.0), g));
  });
}

Gradients ModOp::buildGradients(OpBuilder &, ArrayRef<Value> grads) {
  if (grads[0] && isFloatTensor(getResult()))
    return emitOpError("has no gradient rule for floats");
  return noGradients(*this);
}

Gradients WhereOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  Value g = grads[0];
  if (!g || !isFloatTensor(getResult()))
    return noGradients(*this);
  Location loc = getLoc();
  Emit e{b, loc, getElementTypeOrSelf(g.getType())};
  Value zero = e.c(0.0);
  auto type = cast<RankedTensorType>(g.getType());
  auto back = [&](Value part, Value operand) {
    return sumToShape(b, loc, buildBroadcast(b, loc, part, type),
                      cast<RankedTensorType>(operand.getType()));
  };
  return SmallVector<Value>{Value(), back(e.where(getCondition(), g, zero), getOnTrue()),
                            back(e.where(getCondition(), zero, g), getOnFalse())};
}

} // namespace strata::graph

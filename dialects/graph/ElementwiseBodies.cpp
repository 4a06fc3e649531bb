//===- ElementwiseBodies.cpp - Scalar bodies of elementwise ops -----------===//
//
// `ScalarBodyOpInterface::buildScalarBody` of every elementwise op, in the
// order of ElementwiseOps.td: the one definition of what each op computes on
// one element. Operands are signless; ops that read signedness take it from
// their unsigned attributes. Floating-point max/min propagate NaN, integer
// division truncates, and `mod` without `fmod` takes the divisor's sign.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/GraphDialect.h"
#include "dialects/graph/ScalarBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace strata::graph {

namespace {

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

/// `FloatOp` on floats, `IntOp` on integers.
template <typename FloatOp, typename IntOp>
Value floatOrInt(OpBuilder &b, Location loc, Value x, Value y) {
  if (isFloat(x))
    return FloatOp::create(b, loc, x, y);
  return IntOp::create(b, loc, x, y);
}

/// `FloatOp` on floats, `UnsignedOp` or `SignedOp` on integers.
template <typename FloatOp, typename UnsignedOp, typename SignedOp>
Value bySignedness(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isFloat(x))
    return FloatOp::create(b, loc, x, y);
  if (isUnsigned)
    return UnsignedOp::create(b, loc, x, y);
  return SignedOp::create(b, loc, x, y);
}

} // namespace

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

Value NegOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0];
  if (isFloat(x))
    return arith::NegFOp::create(b, loc, x);
  return arith::SubIOp::create(b, loc, buildScalarConstant(b, loc, x.getType(), 0), x);
}

Value AbsOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0];
  if (isFloat(x))
    return math::AbsFOp::create(b, loc, x);
  return getIsUnsigned() ? x : math::AbsIOp::create(b, loc, x).getResult();
}

/// -1, 0 or 1; a float NaN stays NaN (every comparison with it is false).
Value SignOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0];
  Type t = x.getType();
  Value zero = buildScalarConstant(b, loc, t, 0);
  Value one = buildScalarConstant(b, loc, t, 1);
  if (!isFloat(x)) {
    if (getIsUnsigned()) {
      Value nonZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
      return arith::SelectOp::create(b, loc, nonZero, one, zero);
    }
    Value pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
    Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
    Value negOrZero =
        arith::SelectOp::create(b, loc, neg, buildScalarConstant(b, loc, t, -1), zero);
    return arith::SelectOp::create(b, loc, pos, one, negOrZero);
  }
  Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
  Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  Value negOrX = arith::SelectOp::create(b, loc, neg, buildScalarConstant(b, loc, t, -1), x);
  Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, zero);
  negOrX = arith::SelectOp::create(b, loc, isZero, zero, negOrX);
  return arith::SelectOp::create(b, loc, pos, one, negOrX);
}

Value ExpOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::ExpOp::create(b, loc, operands[0]);
}

Value LogOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::LogOp::create(b, loc, operands[0]);
}

Value SqrtOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::SqrtOp::create(b, loc, operands[0]);
}

Value RsqrtOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::RsqrtOp::create(b, loc, operands[0]);
}

Value ReciprocalOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0];
  return arith::DivFOp::create(b, loc, buildScalarConstant(b, loc, x.getType(), 1), x);
}

Value TanhOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::TanhOp::create(b, loc, operands[0]);
}

Value SigmoidOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return buildSigmoid(b, loc, operands[0]);
}

Value ErfOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::ErfOp::create(b, loc, operands[0]);
}

Value SinOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::SinOp::create(b, loc, operands[0]);
}

Value CosOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::CosOp::create(b, loc, operands[0]);
}

Value FloorOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::FloorOp::create(b, loc, operands[0]);
}

Value CeilOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::CeilOp::create(b, loc, operands[0]);
}

Value RoundOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return math::RoundEvenOp::create(b, loc, operands[0]);
}

Value ReluOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0];
  Value zero = buildScalarConstant(b, loc, x.getType(), 0);
  if (isFloat(x))
    return arith::MaximumFOp::create(b, loc, x, zero);
  return getIsUnsigned() ? x : arith::MaxSIOp::create(b, loc, x, zero).getResult();
}

Value SiluOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0];
  return arith::MulFOp::create(b, loc, x, buildSigmoid(b, loc, x));
}

Value NotOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0];
  return arith::XOrIOp::create(b, loc, x, buildScalarConstant(b, loc, x.getType(), 1));
}

Value GeluOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0];
  Type t = x.getType();
  Value inner;
  if (getApproximate() == GeluApproximation::tanh) {
    Value x3 = arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, buildScalarConstant(b, loc, t, 0.044715), x3));
    inner = math::TanhOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, buildScalarConstant(b, loc, t, std::sqrt(2.0 / M_PI)), poly));
  } else {
    inner = math::ErfOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, buildScalarConstant(b, loc, t, M_SQRT1_2)));
  }
  Value onePlus = arith::AddFOp::create(b, loc, buildScalarConstant(b, loc, t, 1), inner);
  Value half = arith::MulFOp::create(b, loc, buildScalarConstant(b, loc, t, 0.5), x);
  return arith::MulFOp::create(b, loc, half, onePlus);
}

Value IsNanOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0];
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
}

Value IsInfOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0];
  auto equals = [&](double inf) -> Value {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                                 buildScalarConstant(b, loc, x.getType(), inf));
  };
  if (getDetectPositive() && getDetectNegative())
    return arith::OrIOp::create(b, loc, equals(INFINITY), equals(-INFINITY));
  if (getDetectPositive())
    return equals(INFINITY);
  if (getDetectNegative())
    return equals(-INFINITY);
  return buildScalarConstant(b, loc, b.getI1Type(), 0);
}

Value CastOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return buildScalarCast(b, loc, operands[0], elementTypeOf(getResult()), getInputUnsigned(),
                         getResultUnsigned());
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

Value AddOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return floatOrInt<arith::AddFOp, arith::AddIOp>(b, loc, operands[0], operands[1]);
}

Value SubOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return floatOrInt<arith::SubFOp, arith::SubIOp>(b, loc, operands[0], operands[1]);
}

Value MulOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return floatOrInt<arith::MulFOp, arith::MulIOp>(b, loc, operands[0], operands[1]);
}

Value DivOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return bySignedness<arith::DivFOp, arith::DivUIOp, arith::DivSIOp>(b, loc, operands[0],
                                                                     operands[1], getIsUnsigned());
}

Value PowOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return floatOrInt<math::PowFOp, math::IPowIOp>(b, loc, operands[0], operands[1]);
}

Value MaxOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return bySignedness<arith::MaximumFOp, arith::MaxUIOp, arith::MaxSIOp>(
      b, loc, operands[0], operands[1], getIsUnsigned());
}

Value MinOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return bySignedness<arith::MinimumFOp, arith::MinUIOp, arith::MinSIOp>(
      b, loc, operands[0], operands[1], getIsUnsigned());
}

Value AndOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return arith::AndIOp::create(b, loc, operands[0], operands[1]);
}

Value OrOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return arith::OrIOp::create(b, loc, operands[0], operands[1]);
}

Value XorOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return arith::XOrIOp::create(b, loc, operands[0], operands[1]);
}

Value ModOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  Value x = operands[0], y = operands[1];
  if (isFloat(x))
    return arith::RemFOp::create(b, loc, x, y);
  if (getIsUnsigned())
    return arith::RemUIOp::create(b, loc, x, y);
  return getFmod() ? arith::RemSIOp::create(b, loc, x, y).getResult() : buildFloorMod(b, loc, x, y);
}

Value CompareOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return buildScalarCompare(b, loc, getDirection(), operands[0], operands[1], getIsUnsigned());
}

Value WhereOp::buildScalarBody(OpBuilder &b, Location loc, ValueRange operands) {
  return arith::SelectOp::create(b, loc, operands[0], operands[1], operands[2]);
}

} // namespace strata::graph

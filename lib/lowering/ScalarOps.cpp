//===- ScalarOps.cpp - Scalar semantics of elementwise graph ops ----------===//
//
// One function per semantic group: unary math, binary arithmetic, comparison,
// casts. Floating-point max/min propagate NaN (`maximumf`), comparisons are
// ordered except `ne`, integer division truncates, and `mod` without `fmod`
// takes the divisor's sign.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/ScalarOps.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
namespace g = strata::graph;

namespace strata {

Type signlessType(Type type) {
  if (auto it = dyn_cast<IntegerType>(type); it && !it.isSignless())
    return IntegerType::get(type.getContext(), it.getWidth());
  return type;
}

namespace {

bool isUnsigned(Type t) { return t.isUnsignedInteger(); }

Value floatConst(OpBuilder &b, Location loc, Type t, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(t, v));
}

Value intConst(OpBuilder &b, Location loc, Type t, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v));
}

Value zeroOf(OpBuilder &b, Location loc, Type t) {
  return isa<FloatType>(t) ? floatConst(b, loc, t, 0) : intConst(b, loc, t, 0);
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value negX = arith::NegFOp::create(b, loc, x);
  Value denom =
      arith::AddFOp::create(b, loc, floatConst(b, loc, t, 1), math::ExpOp::create(b, loc, negX));
  return arith::DivFOp::create(b, loc, floatConst(b, loc, t, 1), denom);
}

Value gelu(OpBuilder &b, Location loc, Value x, g::GeluApproximation mode) {
  Type t = x.getType();
  Value inner;
  if (mode == g::GeluApproximation::tanh) {
    Value x3 = arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, floatConst(b, loc, t, 0.044715), x3));
    inner = math::TanhOp::create(
        b, loc, arith::MulFOp::create(b, loc, floatConst(b, loc, t, std::sqrt(2.0 / M_PI)), poly));
  } else {
    inner = math::ErfOp::create(b, loc,
                                arith::MulFOp::create(b, loc, x, floatConst(b, loc, t, M_SQRT1_2)));
  }
  Value onePlus = arith::AddFOp::create(b, loc, floatConst(b, loc, t, 1), inner);
  Value half = arith::MulFOp::create(b, loc, floatConst(b, loc, t, 0.5), x);
  return arith::MulFOp::create(b, loc, half, onePlus);
}

/// -1, 0 or 1 (NaN stays NaN through the float comparisons being false).
Value sign(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  bool isFloat = isa<FloatType>(t);
  Value zero = zeroOf(b, loc, t);
  Value one = isFloat ? floatConst(b, loc, t, 1) : intConst(b, loc, t, 1);
  Value minusOne = isFloat ? floatConst(b, loc, t, -1) : intConst(b, loc, t, -1);
  Value pos = isFloat
                  ? arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero).getResult()
                  : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero).getResult();
  Value neg = isFloat
                  ? arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero).getResult()
                  : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero).getResult();
  Value negOrX = arith::SelectOp::create(b, loc, neg, minusOne, isFloat ? x : zero);
  if (isFloat) {
    Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, zero);
    negOrX = arith::SelectOp::create(b, loc, isZero, zero, negOrX);
  }
  return arith::SelectOp::create(b, loc, pos, one, negOrX);
}

FailureOr<Value> unary(OpBuilder &b, Location loc, Operation *op, Value x, ScalarTypes types) {
  Type t = x.getType();
  bool isFloat = isa<FloatType>(t);
  return llvm::TypeSwitch<Operation *, FailureOr<Value>>(op)
      .Case([&](g::NegOp) -> Value {
        return isFloat ? arith::NegFOp::create(b, loc, x).getResult()
                       : arith::SubIOp::create(b, loc, zeroOf(b, loc, t), x).getResult();
      })
      .Case([&](g::AbsOp) -> Value {
        if (isFloat)
          return math::AbsFOp::create(b, loc, x);
        return isUnsigned(types.operand) ? x : math::AbsIOp::create(b, loc, x).getResult();
      })
      .Case([&](g::SignOp) { return sign(b, loc, x); })
      .Case([&](g::ExpOp) -> Value { return math::ExpOp::create(b, loc, x); })
      .Case([&](g::LogOp) -> Value { return math::LogOp::create(b, loc, x); })
      .Case([&](g::SqrtOp) -> Value { return math::SqrtOp::create(b, loc, x); })
      .Case([&](g::RsqrtOp) -> Value { return math::RsqrtOp::create(b, loc, x); })
      .Case([&](g::ReciprocalOp) -> Value {
        return arith::DivFOp::create(b, loc, floatConst(b, loc, t, 1), x);
      })
      .Case([&](g::TanhOp) -> Value { return math::TanhOp::create(b, loc, x); })
      .Case([&](g::SigmoidOp) { return sigmoid(b, loc, x); })
      .Case([&](g::ErfOp) -> Value { return math::ErfOp::create(b, loc, x); })
      .Case([&](g::SinOp) -> Value { return math::SinOp::create(b, loc, x); })
      .Case([&](g::CosOp) -> Value { return math::CosOp::create(b, loc, x); })
      .Case([&](g::FloorOp) -> Value { return math::FloorOp::create(b, loc, x); })
      .Case([&](g::CeilOp) -> Value { return math::CeilOp::create(b, loc, x); })
      .Case([&](g::RoundOp) -> Value { return math::RoundEvenOp::create(b, loc, x); })
      .Case([&](g::ReluOp) -> Value {
        if (isFloat)
          return arith::MaximumFOp::create(b, loc, x, zeroOf(b, loc, t));
        return isUnsigned(types.operand)
                   ? x
                   : arith::MaxSIOp::create(b, loc, x, zeroOf(b, loc, t)).getResult();
      })
      .Case(
          [&](g::SiluOp) -> Value { return arith::MulFOp::create(b, loc, x, sigmoid(b, loc, x)); })
      .Case([&](g::GeluOp gop) { return gelu(b, loc, x, gop.getApproximate()); })
      .Case([&](g::NotOp) -> Value {
        return arith::XOrIOp::create(b, loc, x, intConst(b, loc, t, 1));
      })
      .Case([&](g::IsNanOp) -> Value {
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
      })
      .Case([&](g::IsInfOp iop) -> Value {
        auto equals = [&](double inf) -> Value {
          return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                                       floatConst(b, loc, t, inf));
        };
        if (iop.getDetectPositive() && iop.getDetectNegative())
          return arith::OrIOp::create(b, loc, equals(INFINITY), equals(-INFINITY));
        if (iop.getDetectPositive())
          return equals(INFINITY);
        if (iop.getDetectNegative())
          return equals(-INFINITY);
        return intConst(b, loc, b.getI1Type(), 0);
      })
      .Case([&](g::CastOp) { return buildScalarCast(b, loc, x, types.operand, types.result); })
      .Default([](Operation *) { return failure(); });
}

/// Python-style remainder: the sign of the divisor.
Value floorMod(OpBuilder &b, Location loc, Value a, Value d) {
  Type t = a.getType();
  Value r = arith::RemSIOp::create(b, loc, a, d);
  Value zero = zeroOf(b, loc, t);
  Value nonZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
  Value rNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
  Value dNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d, zero);
  Value signsDiffer = arith::XOrIOp::create(b, loc, rNeg, dNeg);
  Value fix = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
  return arith::SelectOp::create(b, loc, fix, arith::AddIOp::create(b, loc, r, d), r);
}

Value compare(OpBuilder &b, Location loc, g::ComparisonDirection d, Value x, Value y,
              Type operand) {
  if (isa<FloatType>(x.getType())) {
    arith::CmpFPredicate p;
    switch (d) {
    case g::ComparisonDirection::eq:
      p = arith::CmpFPredicate::OEQ;
      break;
    case g::ComparisonDirection::ne:
      p = arith::CmpFPredicate::UNE;
      break;
    case g::ComparisonDirection::lt:
      p = arith::CmpFPredicate::OLT;
      break;
    case g::ComparisonDirection::le:
      p = arith::CmpFPredicate::OLE;
      break;
    case g::ComparisonDirection::gt:
      p = arith::CmpFPredicate::OGT;
      break;
    case g::ComparisonDirection::ge:
      p = arith::CmpFPredicate::OGE;
      break;
    }
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  bool u = isUnsigned(operand) || operand.isInteger(1);
  arith::CmpIPredicate p;
  switch (d) {
  case g::ComparisonDirection::eq:
    p = arith::CmpIPredicate::eq;
    break;
  case g::ComparisonDirection::ne:
    p = arith::CmpIPredicate::ne;
    break;
  case g::ComparisonDirection::lt:
    p = u ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
    break;
  case g::ComparisonDirection::le:
    p = u ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
    break;
  case g::ComparisonDirection::gt:
    p = u ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
    break;
  case g::ComparisonDirection::ge:
    p = u ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
    break;
  }
  return arith::CmpIOp::create(b, loc, p, x, y);
}

FailureOr<Value> binary(OpBuilder &b, Location loc, Operation *op, Value x, Value y,
                        ScalarTypes types) {
  bool isFloat = isa<FloatType>(x.getType());
  bool u = isUnsigned(types.operand);
  return llvm::TypeSwitch<Operation *, FailureOr<Value>>(op)
      .Case([&](g::AddOp) -> Value {
        return isFloat ? arith::AddFOp::create(b, loc, x, y).getResult()
                       : arith::AddIOp::create(b, loc, x, y).getResult();
      })
      .Case([&](g::SubOp) -> Value {
        return isFloat ? arith::SubFOp::create(b, loc, x, y).getResult()
                       : arith::SubIOp::create(b, loc, x, y).getResult();
      })
      .Case([&](g::MulOp) -> Value {
        return isFloat ? arith::MulFOp::create(b, loc, x, y).getResult()
                       : arith::MulIOp::create(b, loc, x, y).getResult();
      })
      .Case([&](g::DivOp) -> Value {
        if (isFloat)
          return arith::DivFOp::create(b, loc, x, y);
        return u ? arith::DivUIOp::create(b, loc, x, y).getResult()
                 : arith::DivSIOp::create(b, loc, x, y).getResult();
      })
      .Case([&](g::PowOp) -> FailureOr<Value> {
        if (isFloat)
          return math::PowFOp::create(b, loc, x, y).getResult();
        return math::IPowIOp::create(b, loc, x, y).getResult();
      })
      .Case([&](g::MaxOp) -> Value {
        if (isFloat)
          return arith::MaximumFOp::create(b, loc, x, y);
        return u ? arith::MaxUIOp::create(b, loc, x, y).getResult()
                 : arith::MaxSIOp::create(b, loc, x, y).getResult();
      })
      .Case([&](g::MinOp) -> Value {
        if (isFloat)
          return arith::MinimumFOp::create(b, loc, x, y);
        return u ? arith::MinUIOp::create(b, loc, x, y).getResult()
                 : arith::MinSIOp::create(b, loc, x, y).getResult();
      })
      .Case([&](g::AndOp) -> Value { return arith::AndIOp::create(b, loc, x, y); })
      .Case([&](g::OrOp) -> Value { return arith::OrIOp::create(b, loc, x, y); })
      .Case([&](g::XorOp) -> Value { return arith::XOrIOp::create(b, loc, x, y); })
      .Case([&](g::ModOp mop) -> Value {
        if (isFloat)
          return arith::RemFOp::create(b, loc, x, y);
        if (u)
          return arith::RemUIOp::create(b, loc, x, y);
        return mop.getFmod() ? arith::RemSIOp::create(b, loc, x, y).getResult()
                             : floorMod(b, loc, x, y);
      })
      .Case([&](g::CompareOp cop) {
        return compare(b, loc, cop.getDirection(), x, y, types.operand);
      })
      .Default([](Operation *) { return failure(); });
}

} // namespace

Value buildScalarCast(OpBuilder &b, Location loc, Value v, Type from, Type to) {
  Type target = signlessType(to);
  if (signlessType(from) == target)
    return v;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth()
               ? arith::ExtFOp::create(b, loc, target, v).getResult()
               : arith::TruncFOp::create(b, loc, target, v).getResult();
  if (to.isInteger(1)) {
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                   floatConst(b, loc, from, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v,
                                 intConst(b, loc, v.getType(), 0));
  }
  bool fromUnsigned = isUnsigned(from) || from.isInteger(1);
  if (toFloat)
    return fromUnsigned ? arith::UIToFPOp::create(b, loc, target, v).getResult()
                        : arith::SIToFPOp::create(b, loc, target, v).getResult();
  if (fromFloat)
    return isUnsigned(to) ? arith::FPToUIOp::create(b, loc, target, v).getResult()
                          : arith::FPToSIOp::create(b, loc, target, v).getResult();
  unsigned fromWidth = from.getIntOrFloatBitWidth(), toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, target, v);
  return fromUnsigned ? arith::ExtUIOp::create(b, loc, target, v).getResult()
                      : arith::ExtSIOp::create(b, loc, target, v).getResult();
}

FailureOr<Value> buildScalarOp(OpBuilder &b, Location loc, Operation *op, ValueRange args,
                               ScalarTypes types) {
  if (auto where = dyn_cast<g::WhereOp>(op))
    return arith::SelectOp::create(b, loc, args[0], args[1], args[2]).getResult();
  if (args.size() == 1)
    return unary(b, loc, op, args[0], types);
  if (args.size() == 2)
    return binary(b, loc, op, args[0], args[1], types);
  return failure();
}

} // namespace strata

//===- ScalarBuilders.cpp - Pieces of elementwise scalar bodies -----------===//
//
// See ScalarBuilders.h. Floating-point comparisons are ordered except `ne`,
// casts from floats to integers truncate toward zero, and integer widening
// follows the signedness the caller gives.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/ScalarBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace strata::graph {

Value buildScalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value buildScalarCast(OpBuilder &b, Location loc, Value v, Type to, bool inputUnsigned,
                      bool resultUnsigned) {
  Type from = v.getType();
  if (from == to)
    return v;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth()
               ? arith::ExtFOp::create(b, loc, to, v).getResult()
               : arith::TruncFOp::create(b, loc, to, v).getResult();
  if (to.isInteger(1)) {
    Value zero = buildScalarConstant(b, loc, from, 0);
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
  }
  bool fromUnsigned = inputUnsigned || from.isInteger(1);
  if (toFloat)
    return fromUnsigned ? arith::UIToFPOp::create(b, loc, to, v).getResult()
                        : arith::SIToFPOp::create(b, loc, to, v).getResult();
  if (fromFloat)
    return resultUnsigned ? arith::FPToUIOp::create(b, loc, to, v).getResult()
                          : arith::FPToSIOp::create(b, loc, to, v).getResult();
  if (from.getIntOrFloatBitWidth() > to.getIntOrFloatBitWidth())
    return arith::TruncIOp::create(b, loc, to, v);
  return fromUnsigned ? arith::ExtUIOp::create(b, loc, to, v).getResult()
                      : arith::ExtSIOp::create(b, loc, to, v).getResult();
}

Value buildScalarCompare(OpBuilder &b, Location loc, ComparisonDirection direction, Value x,
                         Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType())) {
    arith::CmpFPredicate p = arith::CmpFPredicate::OEQ;
    switch (direction) {
    case ComparisonDirection::eq:
      p = arith::CmpFPredicate::OEQ;
      break;
    case ComparisonDirection::ne:
      p = arith::CmpFPredicate::UNE;
      break;
    case ComparisonDirection::lt:
      p = arith::CmpFPredicate::OLT;
      break;
    case ComparisonDirection::le:
      p = arith::CmpFPredicate::OLE;
      break;
    case ComparisonDirection::gt:
      p = arith::CmpFPredicate::OGT;
      break;
    case ComparisonDirection::ge:
      p = arith::CmpFPredicate::OGE;
      break;
    }
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  bool u = isUnsigned || x.getType().isInteger(1);
  arith::CmpIPredicate p = arith::CmpIPredicate::eq;
  switch (direction) {
  case ComparisonDirection::eq:
    p = arith::CmpIPredicate::eq;
    break;
  case ComparisonDirection::ne:
    p = arith::CmpIPredicate::ne;
    break;
  case ComparisonDirection::lt:
    p = u ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
    break;
  case ComparisonDirection::le:
    p = u ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
    break;
  case ComparisonDirection::gt:
    p = u ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
    break;
  case ComparisonDirection::ge:
    p = u ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
    break;
  }
  return arith::CmpIOp::create(b, loc, p, x, y);
}

Value buildSigmoid(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value negX = arith::NegFOp::create(b, loc, x);
  Value denom = arith::AddFOp::create(b, loc, buildScalarConstant(b, loc, t, 1),
                                      math::ExpOp::create(b, loc, negX));
  return arith::DivFOp::create(b, loc, buildScalarConstant(b, loc, t, 1), denom);
}

Value buildFloorMod(OpBuilder &b, Location loc, Value a, Value d) {
  Type t = a.getType();
  Value r = arith::RemSIOp::create(b, loc, a, d);
  Value zero = buildScalarConstant(b, loc, t, 0);
  Value nonZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
  Value rNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
  Value dNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d, zero);
  Value signsDiffer = arith::XOrIOp::create(b, loc, rNeg, dNeg);
  Value fix = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
  return arith::SelectOp::create(b, loc, fix, arith::AddIOp::create(b, loc, r, d), r);
}

} // namespace strata::graph

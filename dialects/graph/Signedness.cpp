//===- Signedness.cpp - Unsigned attributes not about the first operand ---===//
//
// `SignednessOpInterface` for the ops whose unsigned attributes describe
// something other than their first operand: `graph.cast` reads its input and
// writes its result with a signedness each, and `graph.quantize` writes
// unsigned integers. The other ops use the interface's default methods.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/GraphDialect.h"

using namespace mlir;

namespace strata::graph {

void CastOp::recordSignedness() {
  if (elementTypeOf(getInput()).isUnsignedInteger())
    setInputUnsigned(true);
  if (elementTypeOf(getResult()).isUnsignedInteger())
    setResultUnsigned(true);
}

LogicalResult CastOp::verifySignedness() {
  if (failed(verifyUnsignedAttr(*this, getInputUnsignedAttrName(), elementTypeOf(getInput()),
                                getInputUnsigned())))
    return failure();
  return verifyUnsignedAttr(*this, getResultUnsignedAttrName(), elementTypeOf(getResult()),
                            getResultUnsigned());
}

void QuantizeOp::recordSignedness() {
  if (elementTypeOf(getResult()).isUnsignedInteger())
    setIsUnsigned(true);
}

LogicalResult QuantizeOp::verifySignedness() {
  return verifyUnsignedAttr(*this, getIsUnsignedAttrName(), elementTypeOf(getResult()),
                            getIsUnsigned());
}

} // namespace strata::graph

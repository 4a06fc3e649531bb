//===- GradientBuilders.cpp - Pieces of gradient rules --------------------===//

#include "dialects/graph/GradientBuilders.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace strata::graph {

bool isFloatTensor(Value v) { return isa<FloatType>(getElementTypeOrSelf(v.getType())); }

Gradients noGradients(Operation *op) { return SmallVector<Value>(op->getNumOperands(), Value()); }

FailureOr<Value> flowingGradient(Operation *op, Value grad) {
  if (!grad || !isFloatTensor(op->getResult(0)))
    return Value();
  for (Type t : llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes()))
    if (!cast<RankedTensorType>(t).hasStaticShape())
      return op->emitOpError("has a gradient rule for static shapes only");
  return grad;
}

Value buildScalarTensor(OpBuilder &b, Location loc, Type element, double value) {
  auto type = RankedTensorType::get({}, element);
  Attribute scalar = isa<FloatType>(element)
                         ? Attribute(b.getFloatAttr(element, value))
                         : Attribute(b.getIntegerAttr(element, static_cast<int64_t>(value)));
  return ConstantOp::create(b, loc, cast<ElementsAttr>(DenseElementsAttr::get(type, scalar)));
}

Value buildZeros(OpBuilder &b, Location loc, RankedTensorType type) {
  return ConstantOp::create(
      b, loc,
      cast<ElementsAttr>(DenseElementsAttr::get(type, b.getZeroAttr(type.getElementType()))));
}

Value buildSum(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> axes, bool keepDims) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    if (!llvm::is_contained(axes, static_cast<int64_t>(i)))
      shape.push_back(d);
    else if (keepDims)
      shape.push_back(1);
  }
  return ReduceOp::create(b, loc, type.clone(shape), ReductionKind::sum, v, Value(), axes,
                          keepDims);
}

Value sumToShape(OpBuilder &b, Location loc, Value grad, RankedTensorType target) {
  auto type = cast<RankedTensorType>(grad.getType());
  if (type == target)
    return grad;
  int64_t extra = type.getRank() - target.getRank();
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (i < extra || (target.getDimSize(i - extra) == 1 && type.getDimSize(i) != 1))
      axes.push_back(i);
  Value summed = axes.empty() ? grad : buildSum(b, loc, grad, axes, /*keepDims=*/true);
  return buildReshape(b, loc, summed, target);
}

Value buildBroadcast(OpBuilder &b, Location loc, Value v, RankedTensorType type) {
  if (v.getType() == type)
    return v;
  return BroadcastOp::create(b, loc, type, v, Value());
}

Value buildReshape(OpBuilder &b, Location loc, Value v, RankedTensorType type) {
  if (v.getType() == type)
    return v;
  return ReshapeOp::create(b, loc, type, v, Value());
}

Value gradientOrZeros(OpBuilder &b, Location loc, Value grad, Type type) {
  return grad ? grad : buildZeros(b, loc, cast<RankedTensorType>(type));
}

} // namespace strata::graph

//===- GraphInterfaces.cpp - What passes ask of graph ops -----------------===//
//
// The generated interface definitions and the helpers their shared and default
// methods call.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/GraphInterfaces.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace strata::graph {

#include "dialects/graph/GraphInterfaces.cpp.inc"

FailureOr<OpShapes> resolveShapes(Operation *op, DimResolver resolve) {
  auto sizesOf = [&](Value value) -> FailureOr<SmallVector<int64_t, 4>> {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type)
      return failure();
    SmallVector<int64_t, 4> sizes;
    for (int64_t dim = 0; dim < type.getRank(); ++dim) {
      if (!type.isDynamicDim(dim)) {
        sizes.push_back(type.getDimSize(dim));
        continue;
      }
      std::optional<int64_t> resolved = resolve(value, dim);
      if (!resolved)
        return failure();
      sizes.push_back(*resolved);
    }
    return sizes;
  };
  OpShapes shapes;
  for (Value operand : op->getOperands()) {
    FailureOr<SmallVector<int64_t, 4>> sizes = sizesOf(operand);
    if (failed(sizes))
      return failure();
    shapes.operands.push_back(std::move(*sizes));
  }
  for (Value result : op->getResults()) {
    FailureOr<SmallVector<int64_t, 4>> sizes = sizesOf(result);
    if (failed(sizes))
      return failure();
    shapes.results.push_back(std::move(*sizes));
  }
  return shapes;
}

Type elementTypeOf(Value value) { return cast<ShapedType>(value.getType()).getElementType(); }

LogicalResult verifyUnsignedAttr(Operation *op, StringRef name, Type element, bool isSet) {
  if (!isSet || (element.isSignlessInteger() && !element.isInteger(1)))
    return success();
  return op->emitOpError("'") << name << "' applies to signless integers of more than one bit, not "
                              << element;
}

} // namespace strata::graph

//===- KnownElements.cpp - Elements of shape tensors known at compile time -===//

#include "dialects/graph/KnownElements.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace strata::graph {
namespace {

/// How deep the arithmetic is followed (shape computations are shallow).
constexpr int kMaxDepth = 16;

/// The elements of a static tensor of rank at most 1, or nothing.
std::optional<int64_t> staticLength(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() > 1 || !type.hasStaticShape() ||
      !isa<IntegerType>(type.getElementType()))
    return std::nullopt;
  return type.getNumElements();
}

std::optional<ShapeElement> known(Value value, int64_t index, int depth);

ShapeElement number(int64_t value) { return {value, Value(), 0}; }

/// Element `index` of an elementwise result of `length` elements, read from
/// `operand`, which broadcasts to it (one element, or as many).
std::optional<ShapeElement> broadcastElement(Value operand, int64_t index, int64_t length,
                                             int depth) {
  std::optional<int64_t> size = staticLength(operand);
  if (!size || (*size != 1 && *size != length))
    return std::nullopt;
  return known(operand, *size == 1 ? 0 : index, depth + 1);
}

std::optional<ShapeElement> known(Value value, int64_t index, int depth) {
  std::optional<int64_t> length = staticLength(value);
  if (depth > kMaxDepth || !length || index < 0 || index >= *length)
    return std::nullopt;
  DenseIntElementsAttr constant;
  if (matchPattern(value, m_Constant(&constant))) {
    APInt element = constant.getValues<APInt>()[index];
    return number(element.getBitWidth() == 1 ? static_cast<int64_t>(element.getZExtValue())
                                             : element.getSExtValue());
  }
  Operation *op = value.getDefiningOp();
  if (auto shape = dyn_cast_if_present<ShapeOfOp>(op)) {
    int64_t dim = cast<RankedTensorType>(shape.getInput().getType()).getDimSize(index);
    if (ShapedType::isDynamic(dim))
      return ShapeElement{std::nullopt, shape.getInput(), index};
    return number(dim);
  }
  if (auto concat = dyn_cast_if_present<ConcatOp>(op)) {
    for (Value input : concat.getInputs()) {
      std::optional<int64_t> size = staticLength(input);
      if (!size)
        return std::nullopt;
      if (index < *size)
        return known(input, index, depth + 1);
      index -= *size;
    }
    return std::nullopt;
  }
  if (auto reshape = dyn_cast_if_present<ReshapeOp>(op))
    return staticLength(reshape.getInput()) ? known(reshape.getInput(), index, depth + 1)
                                            : std::nullopt;
  if (auto gather = dyn_cast_if_present<GatherOp>(op)) {
    std::optional<int64_t> size = staticLength(gather.getInput());
    std::optional<ShapeElement> at = known(gather.getIndices(), index, depth + 1);
    if (gather.getAxis() != 0 || !size || !at || !at->value)
      return std::nullopt;
    int64_t position = *at->value < 0 ? *at->value + *size : *at->value;
    return known(gather.getInput(), position, depth + 1);
  }
  if (auto compare = dyn_cast_if_present<CompareOp>(op)) {
    ComparisonDirection direction = compare.getDirection();
    if (direction != ComparisonDirection::eq && direction != ComparisonDirection::ne)
      return std::nullopt;
    std::optional<ShapeElement> lhs = broadcastElement(compare.getLhs(), index, *length, depth);
    std::optional<ShapeElement> rhs = broadcastElement(compare.getRhs(), index, *length, depth);
    // Equal when the same number or the same dimension; different only as
    // two different numbers.
    if (!lhs || !rhs || (!(*lhs == *rhs) && (!lhs->value || !rhs->value)))
      return std::nullopt;
    return number((*lhs == *rhs) == (direction == ComparisonDirection::eq) ? 1 : 0);
  }
  if (auto where = dyn_cast_if_present<WhereOp>(op)) {
    std::optional<ShapeElement> condition =
        broadcastElement(where.getCondition(), index, *length, depth);
    if (condition && condition->value)
      return broadcastElement(*condition->value ? where.getOnTrue() : where.getOnFalse(), index,
                              *length, depth);
    std::optional<ShapeElement> onTrue = broadcastElement(where.getOnTrue(), index, *length, depth);
    std::optional<ShapeElement> onFalse =
        broadcastElement(where.getOnFalse(), index, *length, depth);
    return onTrue && onFalse && *onTrue == *onFalse ? onTrue : std::nullopt;
  }
  return std::nullopt;
}

} // namespace

std::optional<ShapeElement> elementOf(Value value, int64_t index) { return known(value, index, 0); }

} // namespace strata::graph

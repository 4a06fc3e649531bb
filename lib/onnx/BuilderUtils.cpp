//===- BuilderUtils.cpp - Graph-op building blocks for handlers -----------===//
//
// Compositions shared by the op handlers. Reshapes of values with dynamic
// dimensions compute their target shape with graph ops, which fold away once
// shapes are known.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"

#include "dialects/graph/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace strata::onnx {

RankedTensorType tensorType(Value v) { return cast<RankedTensorType>(v.getType()); }

Type elementType(Value v) { return tensorType(v).getElementType(); }

LogicalResult checkElementwiseOperands(NodeContext &n, ValueRange values) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : values) {
    if (elementType(v) != elementType(values.front()))
      return n.emitError() << "inputs have different element types (" << elementType(values.front())
                           << " and " << elementType(v) << ")";
    shapes.push_back(tensorType(v).getShape());
  }
  return graph::inferBroadcastShape(shapes, n.loc());
}

Value scalarConstant(NodeContext &n, Type element, double value) {
  auto type = RankedTensorType::get({}, element);
  Attribute attr;
  if (auto ft = dyn_cast<FloatType>(element)) {
    attr = DenseElementsAttr::get(type, FloatAttr::get(ft, value).getValue());
  } else if (element.isInteger(1)) {
    attr = DenseElementsAttr::get(type, value != 0);
  } else {
    // Truncates toward zero and wraps to the width, as a C cast would: a value
    // an unsigned or narrow type cannot hold (from a model that feeds integers
    // to a float activation) must not assert.
    auto it = cast<IntegerType>(element);
    attr = DenseElementsAttr::get(type, APInt(it.getWidth(), static_cast<int64_t>(value),
                                              /*isSigned=*/true, /*implicitTrunc=*/true));
  }
  return n.create<graph::ConstantOp>(cast<ElementsAttr>(attr));
}

Value scalarLike(NodeContext &n, Value like, double value) {
  return scalarConstant(n, elementType(like), value);
}

Value i64Constant(NodeContext &n, ArrayRef<int64_t> values) {
  auto type =
      RankedTensorType::get({static_cast<int64_t>(values.size())}, n.builder().getI64Type());
  return n.create<graph::ConstantOp>(cast<ElementsAttr>(DenseElementsAttr::get(type, values)));
}

Value castTo(NodeContext &n, Value v, Type element) {
  if (elementType(v) == element)
    return v;
  return n.create<graph::CastOp>(tensorType(v).clone(element), v);
}

Value shapeOf(NodeContext &n, Value v) {
  auto type = RankedTensorType::get({tensorType(v).getRank()}, n.builder().getI64Type());
  return n.create<graph::ShapeOfOp>(type, v);
}

Value shapeSlice(NodeContext &n, Value v, int64_t begin, int64_t end) {
  Value shape = shapeOf(n, v);
  int64_t rank = tensorType(v).getRank();
  if (begin == 0 && end == rank)
    return shape;
  SmallVector<int64_t> start = {begin}, limit = {end}, stride = {1};
  return n.create<graph::SliceOp>(shape, start, limit, stride);
}

Value dimScalar(NodeContext &n, Value v, int64_t dim) {
  return n.create<graph::ReshapeOp>(RankedTensorType::get({}, n.builder().getI64Type()),
                                    shapeSlice(n, v, dim, dim + 1), Value());
}

Value iota(NodeContext &n, Value count, int64_t staticCount) {
  Type i64 = n.builder().getI64Type();
  return n.create<graph::RangeOp>(RankedTensorType::get({staticCount}, i64),
                                  scalarConstant(n, i64, 0), count, scalarConstant(n, i64, 1));
}

Value positionsAlong(NodeContext &n, Value v, int64_t dim) {
  return iota(n, dimScalar(n, v, dim), tensorType(v).getDimSize(dim));
}

Value reshapeWithDims(NodeContext &n, Value v, ArrayRef<int64_t> dims,
                      ArrayRef<int64_t> dynamicFrom) {
  RankedTensorType type = tensorType(v);
  auto result = RankedTensorType::get(dims, type.getElementType());
  if (result == type)
    return v;
  if (result.getNumDynamicDims() == 0 || (type.hasStaticShape() && result.getNumDynamicDims() == 1))
    return n.create<graph::ReshapeOp>(result, v, Value());
  SmallVector<Value> parts;
  for (auto [d, from] : llvm::zip(dims, dynamicFrom)) {
    if (!ShapedType::isDynamic(d))
      parts.push_back(i64Constant(n, {d}));
    else if (from < 0)
      parts.push_back(i64Constant(n, {-1}));
    else
      parts.push_back(shapeSlice(n, v, from, from + 1));
  }
  Value shape = parts.size() == 1
                    ? parts.front()
                    : n.create<graph::ConcatOp>(parts, static_cast<int64_t>(0)).getResult();
  return n.create<graph::ReshapeOp>(result, v, shape);
}

Value unsqueeze(NodeContext &n, Value v, ArrayRef<int64_t> axes) {
  RankedTensorType type = tensorType(v);
  SmallVector<int64_t> dims, from;
  int64_t source = 0;
  for (int64_t i = 0, e = type.getRank() + axes.size(); i < e; ++i) {
    if (llvm::is_contained(axes, i)) {
      dims.push_back(1);
      from.push_back(0);
      continue;
    }
    dims.push_back(type.getDimSize(source));
    from.push_back(source++);
  }
  return reshapeWithDims(n, v, dims, from);
}

Value squeeze(NodeContext &n, Value v, ArrayRef<int64_t> axes) {
  RankedTensorType type = tensorType(v);
  SmallVector<int64_t> dims, from;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (llvm::is_contained(axes, i))
      continue;
    dims.push_back(type.getDimSize(i));
    from.push_back(i);
  }
  return reshapeWithDims(n, v, dims, from);
}

FailureOr<SmallVector<int64_t>> normalizeAxes(NodeContext &n, ArrayRef<int64_t> axes,
                                              int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t a : axes) {
    int64_t b = a < 0 ? a + rank : a;
    if (b < 0 || b >= rank)
      return n.emitError() << "axis " << a << " is out of range for rank " << rank;
    if (llvm::is_contained(result, b))
      return n.emitError() << "axis " << a << " is repeated";
    result.push_back(b);
  }
  llvm::sort(result);
  return result;
}

std::optional<SmallVector<int64_t>> intsFromInputOrAttr(NodeContext &n, int64_t i, StringRef attr) {
  if (n.hasInput(i))
    return n.constantInts(i);
  return n.intsAttr(attr);
}

/// `[batch, sequence, heads * head_dim]` -> `[batch, heads, sequence,
/// head_dim]`.
FailureOr<Value> splitHeads(NodeContext &n, Value x, int64_t heads) {
  RankedTensorType t = tensorType(x);
  if (t.getRank() != 3)
    return n.emitError() << "expected a 3-D [batch, sequence, hidden] tensor, got " << t;
  int64_t hidden = t.getDimSize(2);
  if (heads <= 0)
    return n.emitError() << "num_heads must be positive";
  if (ShapedType::isDynamic(hidden) || hidden % heads != 0)
    return n.emitError() << "hidden size of " << t << " is not a static multiple of " << heads
                         << " heads";
  Value r = reshapeWithDims(n, x, {t.getDimSize(0), t.getDimSize(1), heads, hidden / heads},
                            {0, 1, -2, -2});
  return n.create<graph::TransposeOp>(r, ArrayRef<int64_t>{0, 2, 1, 3}).getResult();
}

/// `[batch, heads, sequence, head_dim]` -> `[batch, sequence, heads *
/// head_dim]`.
Value mergeHeads(NodeContext &n, Value x) {
  Value t = n.create<graph::TransposeOp>(x, ArrayRef<int64_t>{0, 2, 1, 3});
  ArrayRef<int64_t> s = tensorType(t).getShape();
  int64_t hidden = ShapedType::isDynamic(s[2]) || ShapedType::isDynamic(s[3]) ? ShapedType::kDynamic
                                                                              : s[2] * s[3];
  return reshapeWithDims(n, t, {s[0], s[1], hidden}, {0, 1, -1});
}

} // namespace strata::onnx

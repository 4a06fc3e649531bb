//===- StructuralGradients.cpp - Gradient rules of data-movement ops ------===//
//
// GradientOpInterface for the ops that move elements without computing:
// each gradient puts the result's gradient back where the elements came from
// (a reshape back, the inverse permutation, zeros around a slice, slices of a
// concatenation, a running sum the other way, dropout's mask). A gather's
// table gradient adds each gathered row's gradient into the row its index
// names (`graph.scatter_add`). A KV cache's per-entry write passes the
// cache the gradient outside what it wrote and the new positions the
// gradient where it wrote them.
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

Gradients ReshapeOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> g = flowingGradient(*this, grads[0]);
  if (failed(g) || !*g)
    return failed(g) ? Gradients(failure()) : noGradients(*this);
  SmallVector<Value> result(getNumOperands());
  result[0] = buildReshape(b, getLoc(), *g, typeOf(getInput()));
  return result;
}

Gradients TransposeOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> g = flowingGradient(*this, grads[0]);
  if (failed(g) || !*g)
    return failed(g) ? Gradients(failure()) : noGradients(*this);
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  return SmallVector<Value>{TransposeOp::create(b, getLoc(), *g, inverse)};
}

Gradients SliceOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> g = flowingGradient(*this, grads[0]);
  if (failed(g) || !*g)
    return failed(g) ? Gradients(failure()) : noGradients(*this);
  if (llvm::any_of(getStride(), [](int64_t s) { return s != 1; }))
    return emitOpError("has a gradient rule for unit strides only");
  // Zeros before and after the slice along each sliced dimension.
  Location loc = getLoc();
  ArrayRef<int64_t> shape = typeOf(getInput()).getShape();
  Value padded = *g;
  for (auto [d, size] : llvm::enumerate(shape)) {
    int64_t start = getStart()[d], limit = getLimit()[d] < 0 ? size : getLimit()[d];
    SmallVector<Value> parts;
    auto zeros = [&](int64_t n) {
      SmallVector<int64_t> dims(typeOf(padded).getShape());
      dims[d] = n;
      parts.push_back(buildZeros(b, loc, typeOf(padded).clone(dims)));
    };
    if (start > 0)
      zeros(start);
    parts.push_back(padded);
    if (limit < size)
      zeros(size - limit);
    if (parts.size() > 1)
      padded = ConcatOp::create(b, loc, parts, static_cast<int64_t>(d));
  }
  return SmallVector<Value>{padded};
}

Gradients ConcatOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> g = flowingGradient(*this, grads[0]);
  if (failed(g) || !*g)
    return failed(g) ? Gradients(failure()) : noGradients(*this);
  int64_t axis = getAxis();
  RankedTensorType type = typeOf(getResult());
  SmallVector<int64_t> start(type.getRank(), 0), limit(type.getShape()), stride(type.getRank(), 1);
  SmallVector<Value> result;
  for (Value input : getInputs()) {
    limit[axis] = start[axis] + typeOf(input).getDimSize(axis);
    result.push_back(SliceOp::create(b, getLoc(), *g, start, limit, stride));
    start[axis] = limit[axis];
  }
  return result;
}

Gradients SplitOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  if (llvm::all_of(grads, [](Value g) { return !g; }) || !isFloatTensor(getInput()))
    return noGradients(*this);
  if (!typeOf(getInput()).hasStaticShape())
    return emitOpError("has a gradient rule for static shapes only");
  SmallVector<Value> parts;
  for (auto [g, r] : llvm::zip(grads, getResults()))
    parts.push_back(gradientOrZeros(b, getLoc(), g, r.getType()));
  return SmallVector<Value>{ConcatOp::create(b, getLoc(), parts, getAxis())};
}

/// The cache's gradient is the result's with each entry's written positions
/// (its new ones and the zeros after them) cleared: the same write of zeros.
/// The new positions' gradient is the result's at each entry's `[length,
/// length + S)`: a gather_elements at `length[b] + s`.
Gradients CacheWriteOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> g = flowingGradient(*this, grads[0]);
  if (failed(g) || !*g)
    return failed(g) ? Gradients(failure()) : noGradients(*this);
  Location loc = getLoc();
  RankedTensorType fresh = typeOf(getFresh());
  auto axis = static_cast<int64_t>(getAxis());
  int64_t rank = fresh.getRank();
  SmallVector<Value> result(getNumOperands());
  result[0] = CacheWriteOp::create(b, loc, *g, buildZeros(b, loc, fresh), getLengths(), axis);
  Type i64 = b.getI64Type();
  SmallVector<int64_t> entryShape(rank, 1), stepShape(rank, 1);
  entryShape[0] = fresh.getDimSize(0);
  stepShape[axis] = fresh.getDimSize(axis);
  auto lengthsType = RankedTensorType::get({fresh.getDimSize(0)}, i64);
  Value lengths = CastOp::create(b, loc, lengthsType, getLengths());
  lengths = buildReshape(b, loc, lengths, RankedTensorType::get(entryShape, i64));
  SmallVector<APInt> steps;
  for (int64_t s = 0; s < fresh.getDimSize(axis); ++s)
    steps.push_back(APInt(64, s));
  Value positions = ConstantOp::create(
      b, loc,
      cast<ElementsAttr>(DenseElementsAttr::get(RankedTensorType::get(stepShape, i64), steps)));
  Value index = buildBroadcast(b, loc, AddOp::create(b, loc, lengths, positions), fresh.clone(i64));
  result[1] = GatherElementsOp::create(b, loc, *g, index, axis);
  return result;
}

Gradients GatherElementsOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> g = flowingGradient(*this, grads[0]);
  if (failed(g) || !*g)
    return failed(g) ? Gradients(failure()) : noGradients(*this);
  Location loc = getLoc();
  RankedTensorType data = typeOf(getInput()), indices = typeOf(getIndices());
  int64_t axis = getAxis(), rank = data.getRank(), size = data.getDimSize(axis);
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && indices.getDimSize(d) != data.getDimSize(d))
      return emitOpError("has a gradient rule for indices of the input's size off the axis only");
  // Each index compared with every position of the axis, along a new
  // dimension after it: the result's gradient goes where they are equal, and
  // the sum over the indices' axis adds the gradients of a position read
  // several times.
  auto withNew = [&](RankedTensorType type, int64_t newSize) {
    SmallVector<int64_t> shape(type.getShape());
    shape.insert(shape.begin() + axis + 1, newSize);
    return type.clone(shape);
  };
  Type indexElement = indices.getElementType();
  Value index = getIndices();
  index = WhereOp::create(
      b, loc,
      CompareOp::create(b, loc, ComparisonDirection::lt, index,
                        buildScalarTensor(b, loc, indexElement, 0)),
      AddOp::create(b, loc, index, buildScalarTensor(b, loc, indexElement, size)), index);
  index = buildReshape(b, loc, index, withNew(indices, 1));
  SmallVector<int64_t> positionsShape(rank + 1, 1);
  positionsShape[axis + 1] = size;
  SmallVector<APInt> positions;
  for (int64_t p = 0; p < size; ++p)
    positions.push_back(APInt(indexElement.getIntOrFloatBitWidth(), p));
  Value axisPositions =
      ConstantOp::create(b, loc,
                         cast<ElementsAttr>(DenseElementsAttr::get(
                             RankedTensorType::get(positionsShape, indexElement), positions)));
  Value hits = CompareOp::create(b, loc, ComparisonDirection::eq, index, axisPositions);
  Value spread = buildReshape(b, loc, *g, withNew(typeOf(*g), 1));
  Value zero = buildScalarTensor(b, loc, data.getElementType(), 0.0);
  Value placed = WhereOp::create(b, loc, hits, spread, zero);
  return SmallVector<Value>{buildSum(b, loc, placed, {axis}, /*keepDims=*/false), Value()};
}

Gradients BroadcastOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> g = flowingGradient(*this, grads[0]);
  if (failed(g) || !*g)
    return failed(g) ? Gradients(failure()) : noGradients(*this);
  SmallVector<Value> result(getNumOperands());
  result[0] = sumToShape(b, getLoc(), *g, typeOf(getInput()));
  return result;
}

Gradients GatherOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> g = flowingGradient(*this, grads[0]);
  if (failed(g) || !*g)
    return failed(g) ? Gradients(failure()) : noGradients(*this);
  if (getAxis() != 0)
    return emitOpError("has a gradient rule along axis 0 only");
  Location loc = getLoc();
  RankedTensorType table = typeOf(getInput()), indices = typeOf(getIndices());
  int64_t count = indices.getNumElements();
  SmallVector<int64_t> rows{count};
  llvm::append_range(rows, table.getShape().drop_front());
  Value index = buildReshape(b, loc, getIndices(), indices.clone({count}));
  Value updates = buildReshape(b, loc, *g, table.clone(rows));
  Value summed = ScatterAddOp::create(b, loc, table, updates, index, table.getDimSize(0));
  return SmallVector<Value>{summed, Value()};
}

Gradients CumSumOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  FailureOr<Value> g = flowingGradient(*this, grads[0]);
  if (failed(g) || !*g)
    return failed(g) ? Gradients(failure()) : noGradients(*this);
  // Each element is in the sums of the positions after it (before it, when
  // the sum runs from the end): the gradient is the running sum of the
  // result's gradient the other way.
  SmallVector<Value> result(getNumOperands());
  result[0] = CumSumOp::create(b, getLoc(), getType(), *g, getAxisValue(), getAxis(),
                               getExclusive(), !getReverse());
  return result;
}

Gradients DropoutOp::buildGradients(OpBuilder &b, ArrayRef<Value> grads) {
  Value g = grads[0];
  if (!g)
    return noGradients(*this);
  Location loc = getLoc();
  SmallVector<Value> result(getNumOperands());
  if (!getTrainingValue() && !getTraining()) {
    // Inference: the output is the input.
    result[0] = g;
    return result;
  }
  // Training: kept elements were scaled by 1 / (1 - ratio), dropped ones
  // take no gradient.
  Type element = getElementTypeOrSelf(g.getType());
  Value kept = getRatioValue()
                   ? SubOp::create(b, loc, buildScalarTensor(b, loc, element, 1.0), getRatioValue())
                         .getResult()
                   : buildScalarTensor(b, loc, element, 1.0 - getRatio().convertToDouble());
  Value scaled = WhereOp::create(b, loc, getMask(), DivOp::create(b, loc, g, kept),
                                 buildScalarTensor(b, loc, element, 0.0));
  result[0] = getTrainingValue()
                  ? WhereOp::create(b, loc, getTrainingValue(), scaled, g).getResult()
                  : scaled;
  return result;
}

} // namespace strata::graph

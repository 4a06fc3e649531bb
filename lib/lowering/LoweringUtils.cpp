//===- LoweringUtils.cpp - Shared pieces of graph-to-linalg lowering ------===//
//
// See LoweringUtils.h.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"

#include "dialects/program/RuntimeCheck.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>

using namespace mlir;

namespace strata {

AffineMap broadcastMap(ArrayRef<int64_t> shape, ArrayRef<int64_t> target, int64_t iterationRank,
                       int64_t firstDim, MLIRContext *ctx) {
  int64_t offset = target.size() - shape.size();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0, e = shape.size(); i < e; ++i) {
    bool broadcast = shape[i] == 1 && target[offset + i] != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(firstDim + offset + i, ctx));
  }
  return AffineMap::get(iterationRank, 0, exprs, ctx);
}

Value dimSize(OpBuilder &b, Location loc, Value v, int64_t dim) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(dim))
    return arith::ConstantIndexOp::create(b, loc, type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, v, dim);
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                  ArrayRef<std::pair<Value, int64_t>> sources) {
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(dimSize(b, loc, sources[i].first, sources[i].second));
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(), sizes);
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   ArrayRef<std::pair<Value, int64_t>> sources, Value value) {
  Value empty = emptyTensor(b, loc, type, sources);
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty}).getResult(0);
}

SmallVector<std::pair<Value, int64_t>> allDims(Value v) {
  SmallVector<std::pair<Value, int64_t>> sources;
  for (int64_t i = 0, e = cast<RankedTensorType>(v.getType()).getRank(); i < e; ++i)
    sources.push_back({v, i});
  return sources;
}

SmallVector<std::pair<Value, int64_t>> dimsWithout(Value v, int64_t axis) {
  SmallVector<std::pair<Value, int64_t>> sources = allDims(v);
  sources.erase(sources.begin() + axis);
  return sources;
}

RankedTensorType dropDim(RankedTensorType type, int64_t axis) {
  SmallVector<int64_t> dims(type.getShape());
  dims.erase(dims.begin() + axis);
  return type.clone(dims);
}

Value extractIndex(OpBuilder &b, Location loc, Value tensor, int64_t i) {
  Value position = arith::ConstantIndexOp::create(b, loc, i);
  Value v = tensor::ExtractOp::create(b, loc, tensor, ValueRange{position});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

Value extractOnly(OpBuilder &b, Location loc, Value tensor) {
  int64_t rank = cast<RankedTensorType>(tensor.getType()).getRank();
  SmallVector<Value> zeros;
  if (rank > 0)
    zeros.assign(rank, arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, tensor, zeros);
}

Value normalizeAxis(OpBuilder &b, Location loc, Value axis, int64_t rank) {
  Value r = arith::ConstantIndexOp::create(b, loc, rank);
  Value lowest = arith::ConstantIndexOp::create(b, loc, -rank);
  Value inRange = arith::AndIOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, axis, lowest),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, axis, r));
  program::emitRuntimeCheck(b, loc, inRange,
                            "an axis read at run time lies outside [" + std::to_string(-rank) +
                                ", " + std::to_string(rank - 1) + "]");
  return wrapNegative(b, loc, axis, r);
}

Value wrapNegative(OpBuilder &b, Location loc, Value index, Value size) {
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index,
                                         arith::ConstantIndexOp::create(b, loc, 0));
  return arith::SelectOp::create(b, loc, negative, arith::AddIOp::create(b, loc, index, size),
                                 index);
}

Value checkedIndex(OpBuilder &b, Location loc, Value index, Value size, int64_t axis) {
  index = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value wrapped = wrapNegative(b, loc, index, size);
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, wrapped, size);
  std::string range = "[-n, n - 1], n being the size of axis " + std::to_string(axis);
  if (std::optional<int64_t> known = getConstantIntValue(size))
    range = "[" + std::to_string(-*known) + ", " + std::to_string(*known - 1) + "], the range of "
            "axis " + std::to_string(axis);
  program::emitRuntimeCheck(b, loc, inRange, "an index lies outside " + range + " of the data");
  return wrapped;
}

void checkByteSize(OpBuilder &b, Location loc, Type elementType, ArrayRef<Value> factors) {
  int64_t elementBytes =
      elementType.isIntOrFloat() ? (elementType.getIntOrFloatBitWidth() + 7) / 8 : 8;
  Type i64 = b.getI64Type();
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  Value bytes = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(elementBytes));
  Value fits = arith::ConstantIntOp::create(b, loc, 1, 1);
  for (Value factor : factors) {
    Value size = arith::IndexCastOp::create(b, loc, i64, factor);
    auto product = arith::MulUIExtendedOp::create(b, loc, bytes, size);
    fits = arith::AndIOp::create(
        b, loc, fits,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, product.getHigh(), zero));
    bytes = product.getLow();
  }
  fits = arith::AndIOp::create(
      b, loc, fits, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, bytes, zero));
  program::emitRuntimeCheck(b, loc, fits,
                            "the result's size read at run time comes to 2^63 bytes or more");
}

/// Offsets, sizes and strides of the unit-thick slice at `position` along `axis`.
static void sliceAlong(OpBuilder &b, Location loc, Value t, int64_t axis, Value position,
                       SmallVector<OpFoldResult> &offsets, SmallVector<OpFoldResult> &sizes,
                       SmallVector<OpFoldResult> &strides) {
  int64_t rank = cast<RankedTensorType>(t.getType()).getRank();
  for (int64_t i = 0; i < rank; ++i) {
    offsets.push_back(i == axis ? OpFoldResult(position) : b.getIndexAttr(0));
    sizes.push_back(i == axis ? b.getIndexAttr(1) : getAsOpFoldResult(dimSize(b, loc, t, i)));
    strides.push_back(b.getIndexAttr(1));
  }
}

Value extractAlong(OpBuilder &b, Location loc, Value t, int64_t axis, Value position) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  sliceAlong(b, loc, t, axis, position, offsets, sizes, strides);
  return tensor::ExtractSliceOp::create(b, loc, dropDim(cast<RankedTensorType>(t.getType()), axis),
                                        t, offsets, sizes, strides);
}

Value insertAlong(OpBuilder &b, Location loc, Value slice, Value dest, int64_t axis,
                  Value position) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  sliceAlong(b, loc, dest, axis, position, offsets, sizes, strides);
  return tensor::InsertSliceOp::create(b, loc, slice, dest, offsets, sizes, strides);
}

Value staticSlice(OpBuilder &b, Location loc, Value input, RankedTensorType type,
                  ArrayRef<int64_t> offsets, ArrayRef<int64_t> strides) {
  SmallVector<OpFoldResult> offsetAttrs, sizes, strideAttrs;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    offsetAttrs.push_back(b.getIndexAttr(offsets[i]));
    strideAttrs.push_back(b.getIndexAttr(strides[i]));
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, input, i).getResult());
    else
      sizes.push_back(b.getIndexAttr(type.getDimSize(i)));
  }
  return tensor::ExtractSliceOp::create(b, loc, type, input, offsetAttrs, sizes, strideAttrs);
}

Value copyThroughMap(OpBuilder &b, Location loc, Value input, Value init, AffineMap inputMap) {
  auto type = cast<RankedTensorType>(init.getType());
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps = {inputMap, AffineMap::getMultiDimIdentityMap(rank, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(b, loc, TypeRange{type}, ValueRange{input}, ValueRange{init},
                                   maps, iterators,
                                   [](OpBuilder &nb, Location l, ValueRange args) {
                                     linalg::YieldOp::create(nb, l, args[0]);
                                   })
      .getResult(0);
}

Value extractBroadcast(OpBuilder &b, Location loc, Value operand, ArrayRef<Value> dims,
                       int64_t resultRank) {
  auto type = cast<RankedTensorType>(operand.getType());
  int64_t offset = resultRank - type.getRank();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> indices;
  for (int64_t j = 0; j < type.getRank(); ++j) {
    if (type.getDimSize(j) == 1) {
      indices.push_back(zero);
      continue;
    }
    Value index = linalg::IndexOp::create(b, loc, offset + j);
    if (type.isDynamicDim(j)) {
      Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dims[j], one);
      index = arith::SelectOp::create(b, loc, isOne, zero, index);
    }
    indices.push_back(index);
  }
  return tensor::ExtractOp::create(b, loc, operand, indices);
}

Value extremeValue(OpBuilder &b, Location loc, Type t, bool lowest, bool isUnsigned) {
  if (auto ft = dyn_cast<FloatType>(t))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, lowest ? -INFINITY : INFINITY));
  unsigned w = t.getIntOrFloatBitWidth();
  APInt v = isUnsigned ? (lowest ? APInt::getMinValue(w) : APInt::getMaxValue(w))
                       : (lowest ? APInt::getSignedMinValue(w) : APInt::getSignedMaxValue(w));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v));
}

} // namespace strata

//===- LoweringUtils.cpp - Shared pieces of graph-to-linalg lowering ------===//
//
// See LoweringUtils.h.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"

#include "lib/lowering/ScalarOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace strata {

Value signlessView(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  Type element = signlessType(type.getElementType());
  if (element == type.getElementType())
    return v;
  return tensor::BitcastOp::create(b, loc, type.clone(element), v);
}

Value restoreSignedness(OpBuilder &b, Location loc, Value v, RankedTensorType type) {
  if (v.getType() == type)
    return v;
  return tensor::BitcastOp::create(b, loc, type, v);
}

AffineMap broadcastMap(ArrayRef<int64_t> shape, ArrayRef<int64_t> target,
                       int64_t iterationRank, int64_t firstDim, MLIRContext *ctx) {
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
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty})
      .getResult(0);
}

} // namespace strata

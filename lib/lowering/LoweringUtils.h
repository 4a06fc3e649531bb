//===- LoweringUtils.h - Shared pieces of graph-to-linalg lowering -*- C++ -*-===//
//
// Tensor views, indexing maps and result allocation used by every family's
// lowering patterns.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_LOWERING_LOWERINGUTILS_H
#define STRATA_LIB_LOWERING_LOWERINGUTILS_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace strata {

/// `v` with a signless element type; unsigned tensors are reinterpreted with
/// `tensor.bitcast` (the arithmetic chooses unsigned variants instead).
mlir::Value signlessView(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);

/// `v` reinterpreted as `type` when only the element signedness differs.
mlir::Value restoreSignedness(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                              mlir::RankedTensorType type);

/// Map from an iteration space of `iterationRank` dims, whose dims
/// `firstDim..firstDim+shape.size()` correspond to `shape`'s trailing-aligned
/// dims of `target`, to the indices of a tensor of `shape`: static size-1 dims
/// that `target` does not have as 1 read index 0 (broadcast).
mlir::AffineMap broadcastMap(llvm::ArrayRef<int64_t> shape,
                             llvm::ArrayRef<int64_t> target, int64_t iterationRank,
                             int64_t firstDim, mlir::MLIRContext *ctx);

/// The size of dimension `dim` of `v` as an index value.
mlir::Value dimSize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, int64_t dim);

/// `tensor.empty` of `type`; each dynamic dimension `i` takes its size from
/// `sources[i]` (a tensor and one of its dims), which must be set for those.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        llvm::ArrayRef<std::pair<mlir::Value, int64_t>> sources);

/// A tensor of `type` filled with the scalar `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type,
                         llvm::ArrayRef<std::pair<mlir::Value, int64_t>> sources,
                         mlir::Value value);

} // namespace strata

#endif // STRATA_LIB_LOWERING_LOWERINGUTILS_H

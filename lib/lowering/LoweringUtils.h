//===- LoweringUtils.h - Shared pieces of graph-to-linalg lowering -*- C++ -*-===//
//
// Indexing maps, result allocation, slices along one dimension and run-time
// axes, used by every family's lowering patterns.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_LOWERING_LOWERINGUTILS_H
#define STRATA_LIB_LOWERING_LOWERINGUTILS_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace strata {

/// Map from an iteration space of `iterationRank` dims, whose dims
/// `firstDim..firstDim+shape.size()` correspond to `shape`'s trailing-aligned
/// dims of `target`, to the indices of a tensor of `shape`: static size-1 dims
/// that `target` does not have as 1 read index 0 (broadcast).
mlir::AffineMap broadcastMap(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> target,
                             int64_t iterationRank, int64_t firstDim, mlir::MLIRContext *ctx);

/// The size of dimension `dim` of `v` as an index value.
mlir::Value dimSize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, int64_t dim);

/// `tensor.empty` of `type`; each dynamic dimension `i` takes its size from
/// `sources[i]` (a tensor and one of its dims), which must be set for those.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                        llvm::ArrayRef<std::pair<mlir::Value, int64_t>> sources);

/// A tensor of `type` filled with the scalar `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                         llvm::ArrayRef<std::pair<mlir::Value, int64_t>> sources,
                         mlir::Value value);

/// Size sources that read every dimension of `v` (for results of its shape).
llvm::SmallVector<std::pair<mlir::Value, int64_t>> allDims(mlir::Value v);

/// Size sources of `v`'s dimensions other than `axis`.
llvm::SmallVector<std::pair<mlir::Value, int64_t>> dimsWithout(mlir::Value v, int64_t axis);

/// `type` without dimension `axis`.
mlir::RankedTensorType dropDim(mlir::RankedTensorType type, int64_t axis);

/// Element `i` of a 1-D integer tensor as an index.
mlir::Value extractIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor, int64_t i);

/// The element of a tensor that holds exactly one (of any rank).
mlir::Value extractOnly(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor);

/// A run-time `axis` (an index) of a tensor of `rank`, counted from the front
/// when negative; a run-time check stops the program when it is outside
/// `[-rank, rank)`.
mlir::Value normalizeAxis(mlir::OpBuilder &b, mlir::Location loc, mlir::Value axis, int64_t rank);

/// `index + size` where the index `index` is negative (ONNX's counting from the
/// end), else `index`.
mlir::Value wrapNegative(mlir::OpBuilder &b, mlir::Location loc, mlir::Value index,
                         mlir::Value size);

/// An index read at run time (of any integer type) into dimension `axis`, of
/// `size`, of an op's data operand, counted from the end when negative; a
/// run-time check naming the node of `loc` stops the program when it lies
/// outside `[-size, size)`. The check is one unsigned comparison of the
/// wrapped index, which catches both ends.
mlir::Value checkedIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value index,
                         mlir::Value size, int64_t axis);

/// Stops the program unless `factors` (indices read or computed at run time,
/// none negative) multiplied together and by the size of `elementType` come
/// to fewer than 2^63 bytes: a result that large would wrap its allocation's
/// byte count, and its loops would write past a too small buffer. For ops
/// whose result sizes come from tensor data (shapes, repeats, range lengths).
void checkByteSize(mlir::OpBuilder &b, mlir::Location loc, mlir::Type elementType,
                   mlir::ArrayRef<mlir::Value> factors);

/// The slice of `t` at `position` along `axis`, without that dimension.
mlir::Value extractAlong(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t, int64_t axis,
                         mlir::Value position);

/// `dest` with `slice` (its shape without `axis`) written at `position` along
/// `axis`.
mlir::Value insertAlong(mlir::OpBuilder &b, mlir::Location loc, mlir::Value slice, mlir::Value dest,
                        int64_t axis, mlir::Value position);

/// `tensor.extract_slice` of `input` into `type` at static `offsets` and
/// `strides`; the sizes are the result's, read from `input` where dynamic (a
/// dynamic dimension is only ever kept whole).
mlir::Value staticSlice(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                        mlir::RankedTensorType type, llvm::ArrayRef<int64_t> offsets,
                        llvm::ArrayRef<int64_t> strides);

/// Reads `operand`, in the body of a `linalg.generic` over a result of rank
/// `resultRank` (its dimensions trailing-aligned with the result's), at the
/// iteration point: index 0 in each dimension of static size 1, and in each
/// dynamic dimension whose run-time size (`dims`) is 1 (numpy broadcasting
/// that the types cannot show).
mlir::Value extractBroadcast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value operand,
                             llvm::ArrayRef<mlir::Value> dims, int64_t resultRank);

/// Copies `input` into `init`, element `i` of the result reading `input` at
/// `inputMap(i)` (a broadcast, a reversal).
mlir::Value copyThroughMap(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                           mlir::Value init, mlir::AffineMap inputMap);

/// The lowest (`lowest`) or highest value of scalar type `t`: -inf / +inf for
/// floats, the integer limits (unsigned ones with `isUnsigned`) otherwise.
mlir::Value extremeValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type t, bool lowest,
                         bool isUnsigned);

} // namespace strata

#endif // STRATA_LIB_LOWERING_LOWERINGUTILS_H

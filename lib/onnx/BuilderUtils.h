//===- BuilderUtils.h - Graph-op building blocks for handlers ---*- C++ -*-===//
//
// The small compositions many handlers need: scalar constants of a value's element
// type, shape tensors, reshapes that work with dynamic dimensions, casts.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_ONNX_BUILDERUTILS_H
#define STRATA_LIB_ONNX_BUILDERUTILS_H

#include "lib/onnx/NodeContext.h"

namespace strata::onnx {

mlir::RankedTensorType tensorType(mlir::Value v);
mlir::Type elementType(mlir::Value v);

/// Inputs of a broadcasting op must share an element type and broadcast together;
/// checked before building so that a bad model gets a node error, not a failed
/// type inference (which is fatal in a builder).
mlir::LogicalResult checkElementwiseOperands(NodeContext &n, mlir::ValueRange values);

/// A rank-0 constant of `element` type holding `value`.
mlir::Value scalarConstant(NodeContext &n, mlir::Type element, double value);
/// A rank-0 constant of `like`'s element type.
mlir::Value scalarLike(NodeContext &n, mlir::Value like, double value);
/// A 1-D i64 constant.
mlir::Value i64Constant(NodeContext &n, llvm::ArrayRef<int64_t> values);

/// `v` converted to `element` (no op when it already has it).
mlir::Value castTo(NodeContext &n, mlir::Value v, mlir::Type element);

/// The shape of `v` as a 1-D i64 tensor (folds when static).
mlir::Value shapeOf(NodeContext &n, mlir::Value v);
/// Dimensions `begin..end` of `v`'s shape as a 1-D i64 tensor.
mlir::Value shapeSlice(NodeContext &n, mlir::Value v, int64_t begin, int64_t end);

/// Dimension `dim` of `v` as a rank-0 i64 tensor (folds when static).
mlir::Value dimScalar(NodeContext &n, mlir::Value v, int64_t dim);
/// `0, 1, ..., count - 1` (i64) for a rank-0 i64 `count` whose value is
/// `staticCount` when known (else `ShapedType::kDynamic`); folds when static.
mlir::Value iota(NodeContext &n, mlir::Value count, int64_t staticCount);
/// `0, 1, ..., d - 1` (i64) over dimension `dim` of `v`; folds when static.
mlir::Value positionsAlong(NodeContext &n, mlir::Value v, int64_t dim);

/// Reshapes `v` to `dims`, where each entry is a static size or
/// `ShapedType::kDynamic` paired with `dynamicFrom` naming the dimension of `v` it
/// copies (or -1 for "inferred from the element count", at most once).
mlir::Value reshapeWithDims(NodeContext &n, mlir::Value v, llvm::ArrayRef<int64_t> dims,
                            llvm::ArrayRef<int64_t> dynamicFrom);

/// Inserts size-1 dimensions at the (normalised, ascending) `axes` of the result.
mlir::Value unsqueeze(NodeContext &n, mlir::Value v, llvm::ArrayRef<int64_t> axes);
/// Removes the size-1 dimensions at `axes` (normalised).
mlir::Value squeeze(NodeContext &n, mlir::Value v, llvm::ArrayRef<int64_t> axes);

/// Normalises possibly negative `axes` against `rank`, sorted; fails with a node
/// error when one is out of range or repeated.
mlir::FailureOr<llvm::SmallVector<int64_t>>
normalizeAxes(NodeContext &n, llvm::ArrayRef<int64_t> axes, int64_t rank);

/// Integer values from input `i` when it is present and constant, else from
/// attribute `attr`; nullopt when neither gives them (callers check `hasInput` to
/// tell a run-time input from an absent one).
std::optional<llvm::SmallVector<int64_t>> intsFromInputOrAttr(NodeContext &n, int64_t i,
                                                              llvm::StringRef attr);

/// `[batch, sequence, heads * head_dim]` -> `[batch, heads, sequence, head_dim]`
/// (the layout of `graph.attention`); fails unless `x` is 3-D with a static
/// hidden size that `heads` divides.
mlir::FailureOr<mlir::Value> splitHeads(NodeContext &n, mlir::Value x, int64_t heads);

/// `[batch, heads, sequence, head_dim]` -> `[batch, sequence, heads * head_dim]`.
mlir::Value mergeHeads(NodeContext &n, mlir::Value x);

} // namespace strata::onnx

#endif // STRATA_LIB_ONNX_BUILDERUTILS_H

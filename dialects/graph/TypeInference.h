//===- TypeInference.h - Shape functions of graph ops -----------*- C++ -*-===//
//
// Result shapes of graph ops as plain functions of operand shapes and attributes.
// Op verifiers, `inferReturnTypes` and the ONNX importer share them, so that a
// shape rule is written once. Each reports a diagnostic at `loc` when given.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_GRAPH_TYPEINFERENCE_H
#define STRATA_DIALECTS_GRAPH_TYPEINFERENCE_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace strata::graph {

using Shape = llvm::SmallVector<int64_t, 4>;
using OptLoc = std::optional<mlir::Location>;

/// True when two dimensions can be equal at run time.
bool areCompatibleDims(int64_t a, int64_t b);

/// Normalises `axis` in `[-rank, rank)` to `[0, rank)`.
mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank, OptLoc loc);

/// Numpy-style broadcast of all `shapes`.
mlir::FailureOr<Shape> inferBroadcastShape(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                                           OptLoc loc);

/// Whether `input` broadcasts to `target` (one-directional, as `graph.broadcast`).
mlir::LogicalResult verifyBroadcastableTo(llvm::ArrayRef<int64_t> input,
                                          llvm::ArrayRef<int64_t> target, OptLoc loc);

mlir::FailureOr<Shape> inferTransposeShape(llvm::ArrayRef<int64_t> input,
                                           llvm::ArrayRef<int64_t> permutation, OptLoc loc);

/// Result of a normalised static slice; see `graph.slice`.
mlir::FailureOr<Shape> inferSliceShape(llvm::ArrayRef<int64_t> input, llvm::ArrayRef<int64_t> start,
                                       llvm::ArrayRef<int64_t> limit,
                                       llvm::ArrayRef<int64_t> stride, OptLoc loc);

mlir::FailureOr<Shape> inferConcatShape(llvm::ArrayRef<llvm::ArrayRef<int64_t>> inputs,
                                        int64_t axis, OptLoc loc);

mlir::FailureOr<llvm::SmallVector<Shape>> inferSplitShapes(llvm::ArrayRef<int64_t> input,
                                                           int64_t axis,
                                                           llvm::ArrayRef<int64_t> sizes,
                                                           OptLoc loc);

mlir::FailureOr<Shape> inferGatherShape(llvm::ArrayRef<int64_t> input,
                                        llvm::ArrayRef<int64_t> indices, int64_t axis, OptLoc loc);

/// `graph.gather_elements`: the indices' shape, after checking that `indices`
/// has the input's rank and fits inside it along every dimension but `axis`.
mlir::FailureOr<Shape> inferGatherElementsShape(llvm::ArrayRef<int64_t> input,
                                                llvm::ArrayRef<int64_t> indices, int64_t axis,
                                                OptLoc loc);

/// `axes` must be ascending, unique and in range.
mlir::FailureOr<Shape> inferReduceShape(llvm::ArrayRef<int64_t> input, llvm::ArrayRef<int64_t> axes,
                                        bool keepDims, OptLoc loc);

mlir::FailureOr<Shape> inferMatMulShape(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs,
                                        bool transposeLhs, bool transposeRhs, OptLoc loc);

/// Shape of the statistics of a normalisation over `axis..rank-1`.
/// The result shape of `graph.matmul_nbits` (`lhs` with its last dimension
/// `N`), after checking the operands against each other (see the op).
mlir::FailureOr<Shape> inferMatMulNBitsShape(llvm::ArrayRef<int64_t> lhs,
                                             llvm::ArrayRef<int64_t> weights,
                                             llvm::ArrayRef<int64_t> scales,
                                             std::optional<llvm::ArrayRef<int64_t>> zeroPoints,
                                             int64_t bits, int64_t blockSize, OptLoc loc);

/// The result shape of `graph.conv` (see the op) after checking its operands
/// and attributes.
mlir::FailureOr<Shape> inferConvShape(llvm::ArrayRef<int64_t> input, llvm::ArrayRef<int64_t> filter,
                                      llvm::ArrayRef<int64_t> strides,
                                      llvm::ArrayRef<int64_t> dilations,
                                      llvm::ArrayRef<int64_t> pads, int64_t group, OptLoc loc);

mlir::FailureOr<Shape> inferNormStatsShape(llvm::ArrayRef<int64_t> input, int64_t axis, OptLoc loc);

/// Bounds of a `graph.slice` that selects what an ONNX `Slice` with these
/// (possibly negative, out-of-range) values selects: negative indices count from
/// the end and everything is clamped to the dimension. Fails when an axis is out
/// of range or repeated, a step is zero, or a sliced dimension is dynamic.
struct SliceBounds {
  llvm::SmallVector<int64_t> start, limit, stride;
};
mlir::FailureOr<SliceBounds> normalizeOnnxSlice(llvm::ArrayRef<int64_t> shape,
                                                llvm::ArrayRef<int64_t> starts,
                                                llvm::ArrayRef<int64_t> ends,
                                                llvm::ArrayRef<int64_t> axes,
                                                llvm::ArrayRef<int64_t> steps, OptLoc loc);

/// Number of elements, or nullopt when a dimension is dynamic or the count
/// overflows int64.
std::optional<int64_t> staticElementCount(llvm::ArrayRef<int64_t> shape);

} // namespace strata::graph

#endif // STRATA_DIALECTS_GRAPH_TYPEINFERENCE_H

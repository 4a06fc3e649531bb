//===- GradientBuilders.h - Pieces of gradient rules ------------*- C++ -*-===//
//
// Graph-op builders that several ops' gradient rules (GradientOpInterface)
// and the loss builders of `strata-autodiff` share: constants, sums back to a
// broadcast operand's shape, broadcasts and zeros. Everything needs static
// shapes.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_GRAPH_GRADIENTBUILDERS_H
#define STRATA_DIALECTS_GRAPH_GRADIENTBUILDERS_H

#include "dialects/graph/GraphDialect.h"

namespace strata::graph {

/// What a gradient rule returns: one gradient per operand, null where none
/// flows.
using Gradients = mlir::FailureOr<llvm::SmallVector<mlir::Value>>;

/// Whether `v` is a tensor of floats.
bool isFloatTensor(mlir::Value v);

/// No gradient flows to any of `op`'s operands.
Gradients noGradients(mlir::Operation *op);

/// The gradient `grad` of `op`'s first result when a rule has one to pass
/// on: null when none flows (none came, or the result is not a float
/// tensor); failure, with an error at the op, when one of its shapes is
/// dynamic.
mlir::FailureOr<mlir::Value> flowingGradient(mlir::Operation *op, mlir::Value grad);

/// The rank-0 tensor constant `value` of the float or integer element type
/// `element` (an integer's value is exact up to 2^53).
mlir::Value buildScalarTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Type element,
                              double value);

/// A tensor of `type` whose every element is zero.
mlir::Value buildZeros(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type);

/// The sum of `v` over `axes` (ascending), keeping them as 1 with `keepDims`.
mlir::Value buildSum(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                     llvm::ArrayRef<int64_t> axes, bool keepDims);

/// `grad`, the gradient of a value `v` broadcast numpy-style to `grad`'s
/// shape, summed back to `v`'s type `target`: over the leading dimensions
/// `target` lacks and over those where `target` has 1.
mlir::Value sumToShape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value grad,
                       mlir::RankedTensorType target);

/// `v` stretched numpy-style to the static `type`.
mlir::Value buildBroadcast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                           mlir::RankedTensorType type);

/// `v` as `type`, which has the same elements in row-major order.
mlir::Value buildReshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         mlir::RankedTensorType type);

/// `grad` if it is set, else zeros of `type`: a result's gradient as rules
/// that need every one use it.
mlir::Value gradientOrZeros(mlir::OpBuilder &b, mlir::Location loc, mlir::Value grad,
                            mlir::Type type);

} // namespace strata::graph

#endif // STRATA_DIALECTS_GRAPH_GRADIENTBUILDERS_H

//===- GraphCost.h - Cost rules of the graph op families --------*- C++ -*-===//
//
// The rules that the op-family base classes in the `*Ops.td` files use to
// define `CostOpInterface::getCost`, and the arithmetic they share with the
// ops that have their own cost (GraphCost.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_GRAPH_GRAPHCOST_H
#define STRATA_DIALECTS_GRAPH_GRAPHCOST_H

#include "dialects/graph/GraphInterfaces.h"

namespace strata::graph {

/// The number of elements of a tensor of sizes `shape`.
int64_t elementCount(llvm::ArrayRef<int64_t> shape);

/// The bytes that `op`'s operands and results occupy at `shapes`: the bytes
/// read and written when each is read or written once, with no flops.
OpCost movedBytes(mlir::Operation *op, const OpShapes &shapes);

/// Elementwise family: `flopsPerElement` per element of the (broadcast) result.
OpCost elementwiseCost(mlir::Operation *op, const OpShapes &shapes, int64_t flopsPerElement);

/// Reduction family: `flopsPerInputElement` per element of the first operand.
OpCost reductionCost(mlir::Operation *op, const OpShapes &shapes, int64_t flopsPerInputElement);

/// Data-movement family: no flops.
OpCost dataMovementCost(mlir::Operation *op, const OpShapes &shapes);

/// Contraction family: a multiply and an add for each of the `contractedSize`
/// terms summed into each result element.
OpCost contractionCost(mlir::Operation *op, const OpShapes &shapes, int64_t contractedSize);

} // namespace strata::graph

#endif // STRATA_DIALECTS_GRAPH_GRAPHCOST_H

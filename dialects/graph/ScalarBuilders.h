//===- ScalarBuilders.h - Pieces of elementwise scalar bodies ---*- C++ -*-===//
//
// Scalar computations that several elementwise ops' bodies (and lowerings that
// build loop bodies of their own) share: constants, conversions with the graph
// dialect's `cast` semantics, comparisons, the sigmoid and the floored
// remainder. Everything works on signless scalars.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_GRAPH_SCALARBUILDERS_H
#define STRATA_DIALECTS_GRAPH_SCALARBUILDERS_H

#include "dialects/graph/GraphDialect.h"

namespace strata::graph {

/// The constant `value` of the integer or floating-point type `type`.
mlir::Value buildScalarConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                                double value);

/// Converts `v` to the signless type `to` as `graph.cast` does: integers are
/// read as unsigned with `inputUnsigned` (`i1` always is), and floats become
/// unsigned integers with `resultUnsigned`.
mlir::Value buildScalarCast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Type to,
                            bool inputUnsigned, bool resultUnsigned);

/// `x direction y` as `graph.compare` does: floats ordered except `ne`,
/// integers unsigned with `isUnsigned` (`i1` always is).
mlir::Value buildScalarCompare(mlir::OpBuilder &b, mlir::Location loc,
                               ComparisonDirection direction, mlir::Value x, mlir::Value y,
                               bool isUnsigned);

/// `1 / (1 + exp(-x))` of the float `x`.
mlir::Value buildSigmoid(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// The remainder of signed integers `a / d` with the sign of the divisor, as
/// Python's `%`.
mlir::Value buildFloorMod(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a, mlir::Value d);

} // namespace strata::graph

#endif // STRATA_DIALECTS_GRAPH_SCALARBUILDERS_H

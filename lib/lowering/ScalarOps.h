//===- ScalarOps.h - Scalar semantics of elementwise graph ops --*- C++ -*-===//
//
// What one element of an elementwise graph op computes, as arith / math ops on
// signless scalars. Shared by every lowering that builds loop bodies (linalg
// generics now, fused kernels later).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_LOWERING_SCALAROPS_H
#define STRATA_LIB_LOWERING_SCALAROPS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"

namespace strata {

/// Element types of an elementwise op as the graph dialect sees them (with
/// signedness); the scalars passed to and returned by `buildScalarOp` are the
/// signless equivalents.
struct ScalarTypes {
  /// Element type of the operands that carry values (for `where`: the values).
  mlir::Type operand;
  mlir::Type result;
};

/// The signless type with the same width as `type` (identity for floats).
mlir::Type signlessType(mlir::Type type);

/// Builds the scalar computation of elementwise `op` on `args` (one per
/// operand). Fails for an op that is not elementwise.
mlir::FailureOr<mlir::Value> buildScalarOp(mlir::OpBuilder &b, mlir::Location loc,
                                           mlir::Operation *op, mlir::ValueRange args,
                                           ScalarTypes types);

/// Converts a scalar between element types with the graph dialect's `cast`
/// semantics.
mlir::Value buildScalarCast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Type from,
                            mlir::Type to);

} // namespace strata

#endif // STRATA_LIB_LOWERING_SCALAROPS_H

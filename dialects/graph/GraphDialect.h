//===- GraphDialect.h - Graph dialect declaration ---------------*- C++ -*-===//
//
// Include this to use the graph dialect and its ops.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_GRAPH_GRAPHDIALECT_H
#define STRATA_DIALECTS_GRAPH_GRAPHDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/graph/GraphInterfaces.h"
#include "dialects/graph/GraphOpsDialect.h.inc"

namespace strata::graph {

/// True when each type in `actual` is the type in `inferred` or a refinement of it
/// (same element type and rank, static where the inferred one is dynamic).
bool areCompatibleRefinements(mlir::TypeRange inferred, mlir::TypeRange actual);

} // namespace strata::graph

#define GET_OP_CLASSES
#include "dialects/graph/GraphOps.h.inc"

#endif // STRATA_DIALECTS_GRAPH_GRAPHDIALECT_H

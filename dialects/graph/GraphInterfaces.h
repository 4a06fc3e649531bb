//===- GraphInterfaces.h - What passes ask of graph ops ---------*- C++ -*-===//
//
// The C++ side of GraphInterfaces.td: the types the cost interface speaks in,
// the helpers the interfaces' shared methods call, the `Composite` trait, and
// the generated interface declarations.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_GRAPH_GRAPHINTERFACES_H
#define STRATA_DIALECTS_GRAPH_GRAPHINTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace strata::graph {

/// What one execution of an op costs (see `CostOpInterface`).
struct OpCost {
  /// Arithmetic and math operations, integer ones included.
  int64_t flops = 0;
  /// Bytes of operands read.
  int64_t bytesRead = 0;
  /// Bytes of results written.
  int64_t bytesWritten = 0;
  /// Kernels the op runs as when nothing is fused with it: 1, or for a
  /// composite whose primitives an exporter would write (attention), as
  /// many as those primitives.
  int64_t unfusedKernels = 1;
  /// Bytes those primitives write and read back between them (the scores of
  /// an attention), besides the op's own operands and results.
  int64_t unfusedIntermediateBytes = 0;
  /// Bytes of those intermediates live at once while the op runs as its
  /// primitives (an attention's scores and their softmax), which the memory
  /// it needs adds to its operands and results.
  int64_t workingBytes = 0;
};

/// The sizes of an op's operands and results, in operand and result order, with
/// every dimension known (a dynamic one resolved to a bound or a chosen size).
struct OpShapes {
  llvm::SmallVector<llvm::SmallVector<int64_t, 4>> operands;
  llvm::SmallVector<llvm::SmallVector<int64_t, 4>> results;
};

/// The size of dynamic dimension `dim` of `value`, or nothing when unknown.
using DimResolver = llvm::function_ref<std::optional<int64_t>(mlir::Value value, int64_t dim)>;

/// The sizes of `op`'s operands and results, each dynamic dimension sized by
/// `resolve`; fails when one stays unknown or a value is not a ranked tensor.
mlir::FailureOr<OpShapes> resolveShapes(mlir::Operation *op, DimResolver resolve);

/// The element type of the ranked tensor `value`.
mlir::Type elementTypeOf(mlir::Value value);

/// Checks an unsigned attribute of `op` (named `name`, set when `isSet`) that
/// is about integers of type `element`: when set, `element` must be a signless
/// integer of more than one bit. Emits the error at `op`.
mlir::LogicalResult verifyUnsignedAttr(mlir::Operation *op, llvm::StringRef name,
                                       mlir::Type element, bool isSet);

/// Marks a composite op (see `Graph_Composite` in GraphInterfaces.td).
template <typename ConcreteType>
class Composite : public mlir::OpTrait::TraitBase<ConcreteType, Composite> {};

} // namespace strata::graph

// The enums come first: interface methods return them (`FusionKind`).
#include "dialects/graph/GraphEnums.h.inc"
#include "dialects/graph/GraphInterfaces.h.inc"

#endif // STRATA_DIALECTS_GRAPH_GRAPHINTERFACES_H

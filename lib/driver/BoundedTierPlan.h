//===- BoundedTierPlan.h - A tier plan for inputs of dynamic size -*- C++ -*-===//
//
// The tier planner needs every size (activations and compute time follow from
// them). A model whose inputs have dynamic sizes, a decoder's growing KV cache
// above all, is planned at the largest sizes it accepts, the `--max-shape`
// bounds of its named dimensions: the weights and the stages that read them
// do not depend on the sizes, the activations are largest there, so the plan
// fits the budget at every size up to the bounds.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_BOUNDEDTIERPLAN_H
#define STRATA_LIB_DRIVER_BOUNDEDTIERPLAN_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

namespace strata {

/// Whether every input of `module`'s entry has a static shape.
bool hasStaticInputs(mlir::ModuleOp module);

/// The shapes of `module`'s entry inputs with each dynamic size at the bound
/// `bounds` gives its dimension's name. Fails, naming the input and the
/// dimension, where a size has no bound.
mlir::FailureOr<llvm::StringMap<llvm::SmallVector<int64_t>>>
boundedInputShapes(mlir::ModuleOp module, const llvm::StringMap<int64_t> &bounds);

/// Gives the entry of `planned`, imported at the bounds, the KV caches that
/// the entry of `module`, compiled for the dynamic sizes, appends to in place
/// (`program.kv_caches`): the planner places them, at their capacity, and
/// takes neither them nor their outputs for activations.
void adoptKvCaches(mlir::ModuleOp module, mlir::ModuleOp planned);

/// Copies the tier plan of `planned` onto `module`, with the size its weights
/// were cut into pieces at, which `module` is then cut at too.
void adoptTierPlan(mlir::ModuleOp planned, mlir::ModuleOp module);

} // namespace strata

#endif // STRATA_LIB_DRIVER_BOUNDEDTIERPLAN_H

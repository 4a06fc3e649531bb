//===- WeightPieces.h - The piece size that fits a device budget -*- C++ -*-===//
//
// The tier plan streams a stage's weights whole into one of two device
// slots. Where the device budget cannot hold two slots of the largest stage
// beside the activations and constants, the weights are cut into pieces
// (strata-split-weights) at a size chosen here: half of what the budget
// leaves beside the activations and constants, lowered while the cut model
// (whose joins hold activations of their own) still fits no placement. Each
// size is tried on a copy of the module through the fusion phase and the
// planner, so the size chosen is one the planner accepts.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_WEIGHTPIECES_H
#define STRATA_LIB_DRIVER_WEIGHTPIECES_H

#include "lib/driver/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace strata {

/// Records on `module` (at the graph phase, planned with `options`) the
/// piece size its weights must be cut at for the device budget, where whole
/// weights fit no placement and some size lets the planner find one.
/// `runFusion` runs the fusion phase on a copy; the trials' diagnostics are
/// discarded, and a module that fits whole, or no better cut, is left as it
/// is for the planner to report.
void chooseWeightPieces(mlir::ModuleOp module, const PipelineOptions &options,
                        llvm::function_ref<mlir::LogicalResult(mlir::ModuleOp)> runFusion);

} // namespace strata

#endif // STRATA_LIB_DRIVER_WEIGHTPIECES_H

//===- WeightsFile.h - Writing the packed weights file ----------*- C++ -*-===//
//
// Writes the tensors that strata-plan-weights placed (the module's
// `program.weights` attribute) in the layout of include/strata/weights.h.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_WEIGHTSFILE_H
#define STRATA_LIB_EMIT_WEIGHTSFILE_H

#include "mlir/IR/BuiltinOps.h"

namespace strata {

/// Writes the planned weights to `path`, removes the plan from `module` and
/// returns the model id recorded in the file.
mlir::FailureOr<uint64_t> writeWeightsFile(mlir::ModuleOp module, llvm::StringRef path);

} // namespace strata

#endif // STRATA_LIB_EMIT_WEIGHTSFILE_H

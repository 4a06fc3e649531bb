//===- ObjectEmitter.h - LLVM dialect to a host object file -----*- C++ -*-===//
//
// Translates a module in the LLVM dialect to LLVM IR, optimises it and writes a
// relocatable object for the host, all in-process through LLVM's TargetMachine.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_OBJECTEMITTER_H
#define STRATA_LIB_EMIT_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"

namespace strata {

/// Writes the object for `module` to `path` (position-independent, optimised at
/// -O2 for the host CPU). Reports failures as diagnostics on the module.
mlir::LogicalResult emitObjectFile(mlir::ModuleOp module, llvm::StringRef path);

} // namespace strata

#endif // STRATA_LIB_EMIT_OBJECTEMITTER_H

//===- ObjectEmitter.h - LLVM dialect to an object file ---------*- C++ -*-===//
//
// Translates a module in the LLVM dialect to LLVM IR, optimises it and writes a
// relocatable object for the machine a target describes, all in-process
// through LLVM's TargetMachine.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_OBJECTEMITTER_H
#define STRATA_LIB_EMIT_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace strata {

/// Writes the object for `module` to `path`, optimised at -O2 for `machine`.
/// `prepare`, if given, adjusts the translated LLVM module (function
/// attributes, say) before optimisation. Reports failures as diagnostics on
/// the module.
mlir::LogicalResult emitObjectFile(mlir::ModuleOp module, llvm::StringRef path,
                                   llvm::TargetMachine &machine,
                                   llvm::function_ref<void(llvm::Module &)> prepare = {});

} // namespace strata

#endif // STRATA_LIB_EMIT_OBJECTEMITTER_H

//===- Passes.h - CPU target passes and pipelines ---------------*- C++ -*-===//
//
// The CPU code generation pipelines: bufferisation of the linalg-on-tensors IR
// and its lowering to the LLVM dialect.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_TARGET_CPU_PASSES_H
#define STRATA_LIB_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace strata {

#define GEN_PASS_DECL
#include "lib/target/cpu/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/target/cpu/Passes.h.inc"

/// One-shot bufferisation of whole functions (identity-layout memrefs at the
/// boundaries), with buffer deallocation.
void buildCpuBufferizePipeline(mlir::OpPassManager &pm);

/// Bufferised linalg to the LLVM dialect: loops, then every dialect to LLVM,
/// with C interfaces on the public functions.
void buildCpuToLLVMPipeline(mlir::OpPassManager &pm);

} // namespace strata

#endif // STRATA_LIB_TARGET_CPU_PASSES_H

//===- Passes.h - CPU target passes and pipelines ---------------*- C++ -*-===//
//
// The CPU target's passes and the pipelines its backend (CpuTarget.cpp) runs
// before bufferisation and after the memory plan.
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

/// On an `scf.for` whose iterations are independent (a loop over a parallel
/// dimension), the elements one iteration computes: strata-cpu-share-kernels
/// shares such a loop among the device's threads.
constexpr llvm::StringLiteral kShareableLoop = "strata.cpu.shareable";

/// Linalg on tensors before bufferisation: elementwise chains fused.
void buildCpuTensorPipeline(mlir::OpPassManager &pm);

/// Planned buffers to the LLVM dialect: matrix products to the runtime's BLAS
/// call, vectorised and scalar loops, then every dialect to LLVM.
void buildCpuCodegenPipeline(mlir::OpPassManager &pm);

} // namespace strata

#endif // STRATA_LIB_TARGET_CPU_PASSES_H

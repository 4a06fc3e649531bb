//===- Pipeline.cpp - CPU code generation pipelines -----------------------===//
//
// Elementwise fusion on tensors; then upstream passes in the order that takes
// planned buffers to the LLVM dialect. f32 matrix products become calls into
// the runtime's BLAS path; elementwise ops become loops over vector-width
// tiles of vector code; the rest become loops that LLVM's loop vectoriser
// takes. Failed run-time checks call into the CPU device, which reports them
// to the executor instead of aborting.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void strata::buildCpuTensorPipeline(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createFuseElementwise());
  pm.addPass(createCanonicalizerPass());
}

void strata::buildCpuCodegenPipeline(OpPassManager &pm) {
  pm.addPass(createLowerTiers());
  pm.addPass(createContractionsToBlas());
  pm.addPass(createOutlineKernels());
  // Repeated layers outline to identical kernels: one of each is compiled.
  pm.addPass(func::createDuplicateFunctionEliminationPass());
  // Bounded functions for LLVM, and work for each thread of the passes
  // nested on functions below (those that only rewrite ops in place).
  pm.addPass(createOutlineSegments());
  OpPassManager &lowerLoops = pm.nest<func::FuncOp>();
  lowerLoops.addPass(createTileAndVectorize());
  lowerLoops.addPass(createCanonicalizerPass());
  // Outermost parallel loops shared among the device's threads.
  pm.addPass(createShareKernels());
  pm.addPass(createConvertBufferizationToMemRefPass());
  OpPassManager &lowerToCfg = pm.nest<func::FuncOp>();
  lowerToCfg.addPass(createApproximateMath());
  lowerToCfg.addPass(createReassociateReductions());
  lowerToCfg.addPass(createConvertLinalgToLoopsPass());
  lowerToCfg.addPass(createConvertVectorToSCFPass());
  lowerToCfg.addPass(memref::createExpandStridedMetadataPass());
  lowerToCfg.addPass(createLowerAffinePass());
  lowerToCfg.addPass(createSCFToControlFlowPass());
  pm.addPass(createLowerChecks());
  pm.addPass(createConvertMathToFuncs());
  pm.addNestedPass<func::FuncOp>(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  OpPassManager &lowerOps = pm.nest<func::FuncOp>();
  lowerOps.addPass(createConvertVectorToLLVMPass());
  lowerOps.addPass(createUBToLLVMConversionPass());
  lowerOps.addPass(createArithToLLVMConversionPass());
  lowerOps.addPass(createConvertIndexToLLVMPass());
  // Allocations go through the device's fallback allocator, which counts
  // them and releases the blocks returned as outputs (runtime/device).
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createForkSharedKernels());
  pm.addPass(createMarkNoAlias());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

//===- CanonicalPipeline.cpp - The canonical phase of the pipeline --------===//
//
// Folding and refinement run in rounds (two by default): refinement exposes
// new folds (a static `shape_of`), and folds expose new refinements.
//
//===----------------------------------------------------------------------===//

#include "passes/canonical/Passes.h"

#include "mlir/Transforms/Passes.h"

void strata::buildCanonicalPipeline(mlir::OpPassManager &pm, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    pm.addPass(mlir::createCanonicalizerPass());
    pm.addNestedPass<mlir::func::FuncOp>(createRefineShapes());
  }
  pm.addPass(mlir::createCSEPass());
  pm.addPass(mlir::createCanonicalizerPass());
}

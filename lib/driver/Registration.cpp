//===- Registration.cpp - Dialects and passes Strata registers ------------===//
//
// Keeps the tools thin: each main calls these instead of listing dialects. The
// upstream dialects, their interface models (bufferisation, inlining, LLVM
// translation) and passes are all registered: the pipelines go from graph ops
// down to the LLVM dialect, and strata-opt must run any step of it.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/Registration.h"

#include "dialects/graph/GraphDialect.h"
#include "lib/lowering/Passes.h"
#include "lib/target/cpu/Passes.h"
#include "passes/canonical/Passes.h"
#include "passes/decompose/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

void strata::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<graph::GraphDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
}

void strata::registerAllPasses() {
  mlir::registerAllPasses();
  registerCanonicalPasses();
  registerDecomposePasses();
  registerLoweringPasses();
  registerCpuTargetPasses();
}

//===- Registration.cpp - Dialects and passes Strata registers ------------===//
//
// Keeps the tools thin: each main calls these instead of listing dialects. The
// upstream dialects, their interface models (bufferisation, inlining, LLVM
// translation) and passes are all registered: the pipelines go from graph ops
// down to the LLVM dialect, and strata-opt must run any step of it, each phase
// pipeline included, for any target this build has.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/Registration.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/program/ProgramDialect.h"
#include "dialects/tier/TierDialect.h"
#include "lib/driver/Pipeline.h"
#include "lib/lowering/Bufferize.h"
#include "lib/lowering/Passes.h"
#include "lib/target/TargetBackend.h"
#include "passes/autodiff/Passes.h"
#include "passes/canonical/Passes.h"
#include "passes/decompose/Passes.h"
#include "passes/fusion/Passes.h"
#include "passes/plan/Passes.h"
#include "passes/raise/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

void strata::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, program::ProgramDialect, tier::TierDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registerBufferizationModels(registry);
}

void strata::registerAllPasses() {
  mlir::registerAllPasses();
  registerAutodiffPasses();
  registerCanonicalPasses();
  registerDecomposePasses();
  registerRaisePasses();
  registerFusionPasses();
  registerLoweringPasses();
  registerPlanPasses();
  registerBuiltinTargetBackends();
  for (const TargetBackend *target : registeredTargetBackends())
    target->registerPasses();
  registerPhasePipelines();
}

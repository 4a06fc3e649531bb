//===- Pipeline.cpp - The compilation phases as pass pipelines ------------===//
//
// One function builds any range of phases from an options struct; the
// strata-opt registrations wrap it, one per phase.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/Pipeline.h"

#include "lib/lowering/Passes.h"
#include "passes/autodiff/Passes.h"
#include "passes/canonical/Passes.h"
#include "passes/decompose/Passes.h"
#include "passes/fusion/Passes.h"
#include "passes/plan/Passes.h"
#include "passes/raise/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace strata {

namespace {
constexpr llvm::StringLiteral kPhaseNames[] = {"import",  "graph", "fusion", "linalg",
                                               "buffers", "plan",  "llvm"};
} // namespace

std::optional<Phase> parsePhase(llvm::StringRef name) {
  for (auto [i, known] : llvm::enumerate(kPhaseNames))
    if (name == known)
      return static_cast<Phase>(i);
  return std::nullopt;
}

llvm::StringRef phaseNames() { return "import, graph, fusion, linalg, buffers, plan, llvm"; }

llvm::StringRef phaseName(Phase phase) { return kPhaseNames[static_cast<int>(phase)]; }

PipelineOptions defaultPipelineOptions(const TargetBackend &target) {
  PipelineOptions options;
  options.target = &target;
  options.linalg.keepWhole = target.compositeOpsKeptWhole();
  options.buffers.memorySpace = target.computeMemorySpace();
  return options;
}

void buildPipeline(OpPassManager &pm, const PipelineOptions &options, Phase from, Phase to) {
  auto runs = [&](Phase p) { return from < p && p <= to; };
  if (runs(Phase::Graph)) {
    buildCanonicalPipeline(pm, options.graph.refinementRounds);
    if (options.graph.raise)
      pm.addNestedPass<func::FuncOp>(createRaise());
    if (!options.graph.loss.empty()) {
      pm.addNestedPass<func::FuncOp>(createDecompose());
      pm.addPass(createAutodiff(AutodiffOptions{options.graph.loss, options.graph.lossScale}));
      pm.addPass(createCanonicalizerPass());
      pm.addPass(createCSEPass());
      if (!options.graph.optimizer.empty()) {
        pm.addPass(createOptimizer(
            OptimizerOptions{options.graph.optimizer, options.graph.lossScaleInterval}));
        pm.addPass(createCanonicalizerPass());
      }
    } else if (options.graph.kvCacheInPlace) {
      pm.addNestedPass<func::FuncOp>(createKvCacheInPlace());
    }
    pm.addPass(createSymbolDCEPass());
  }
  if (runs(Phase::Fusion)) {
    if (const std::optional<TierPlanOptions> &tiers = options.plan.tiers)
      pm.addPass(createSplitWeights(
          SplitWeightsOptions{options.plan.weightsMinBytes, tiers->piecesWithoutData}));
    pm.addNestedPass<func::FuncOp>(
        createFormFusionGroups(FormFusionGroupsOptions{!options.fusion.fuse}));
    if (const std::optional<TierPlanOptions> &tiers = options.plan.tiers; tiers && !tiers->planned)
      pm.addPass(createPlanTiers(
          PlanTiersOptions{tiers->gpuMem, tiers->hostMem, tiers->nvmeMem, tiers->rates.hostToDevice,
                           tiers->rates.nvmeRead, tiers->rates.deviceMemory,
                           tiers->rates.deviceFlops, options.plan.weightsMinBytes}));
  }
  if (runs(Phase::Linalg)) {
    DecomposeOptions decompose;
    decompose.keep.assign(options.linalg.keepWhole.begin(), options.linalg.keepWhole.end());
    pm.addNestedPass<func::FuncOp>(createDecompose(decompose));
    pm.addPass(createConvertToSignless());
    pm.addNestedPass<func::FuncOp>(createLowerGraphToLinalg());
    pm.addPass(createCanonicalizerPass());
    pm.addNestedPass<func::FuncOp>(createScalarizeShapeTensors());
    pm.addPass(arith::createIntRangeOptimizationsPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    options.target->buildTensorPipeline(pm);
  }
  if (runs(Phase::Buffers)) {
    pm.addPass(createOutputDestinations());
    pm.addPass(createBufferize(BufferizeOptions{options.buffers.memorySpace}));
    pm.addPass(createCanonicalizerPass());
  }
  if (runs(Phase::Plan)) {
    pm.addPass(createMaterializeTiers());
    pm.addPass(createPlanWeights(
        PlanWeightsOptions{options.plan.weightsMinBytes, options.plan.allFloatWeights}));
    pm.addPass(
        createPlanBuffers(PlanBuffersOptions{options.plan.bufferAlignment, options.plan.inPlace}));
    pm.addPass(createPlanTierArenas());
    pm.addPass(createExportEntryPoints(ExportEntryPointsOptions{options.plan.entryPrefix}));
  }
  if (runs(Phase::LLVM))
    options.target->buildCodegenPipeline(pm);
}

namespace {

/// The options every phase pipeline takes in strata-opt.
struct PhasePipelineOptions : PassPipelineOptions<PhasePipelineOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("Code generation target (default: the first "
                                            "registered)")};
};

void registerPhasePipeline(Phase phase, llvm::StringRef name, llvm::StringRef description) {
  registerPassPipeline(
      ("strata-" + name + "-pipeline").str(), description,
      [phase](OpPassManager &pm, llvm::StringRef text,
              llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler) {
        PhasePipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        std::vector<const TargetBackend *> targets = registeredTargetBackends();
        const TargetBackend *target = options.target.empty()
                                          ? (targets.empty() ? nullptr : targets.front())
                                          : lookupTargetBackend(options.target);
        if (!target)
          return errorHandler("unknown target '" + options.target + "'");
        buildPipeline(pm, defaultPipelineOptions(*target),
                      static_cast<Phase>(static_cast<int>(phase) - 1), phase);
        return success();
      },
      [](llvm::function_ref<void(const detail::PassOptions &)> handler) {
        handler(PhasePipelineOptions());
      });
}

} // namespace

void registerPhasePipelines() {
  registerPhasePipeline(Phase::Graph, "graph",
                        "The graph phase: shape folding, canonicalisation, primitive subgraphs "
                        "raised to graph ops, dead code removed");
  registerPhasePipeline(Phase::Fusion, "fusion",
                        "The fusion phase: ops that run as one kernel grouped into "
                        "graph.fusion_group regions");
  registerPhasePipeline(Phase::Linalg, "linalg",
                        "The linalg phase: graph ops to linalg on tensors, the target's tensor "
                        "passes");
  registerPhasePipeline(Phase::Buffers, "buffers",
                        "The buffers phase: tensors to buffers in the target's memory space");
  registerPhasePipeline(Phase::Plan, "plan",
                        "The plan phase: weights to the weights file, buffers to arenas, entry "
                        "points exported");
  registerPhasePipeline(Phase::LLVM, "llvm", "The llvm phase: the target's code generation");
}

} // namespace strata

//===- Pipeline.h - The compilation phases as pass pipelines ----*- C++ -*-===//
//
// Every arrow of the compile is a phase pipeline that `stratac --compile-to`
// can stop after and `strata-opt --strata-<phase>-pipeline` can run alone:
//
//   import -> graph -> linalg -> buffers -> plan -> llvm
//
// Each phase takes its own options struct; the target backend fills in what
// it decides (the composite ops it keeps whole, its memory space, its tensor
// and code generation passes).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_PIPELINE_H
#define STRATA_LIB_DRIVER_PIPELINE_H

#include "lib/target/TargetBackend.h"

#include "mlir/Pass/PassManager.h"

#include <optional>
#include <string>
#include <vector>

namespace strata {

/// Where compilation stops, in pipeline order.
enum class Phase {
  /// The importer's output, before any pass.
  Import,
  /// After the canonical phase: shapes folded, dead code removed.
  Graph,
  /// Ops grouped into fusion groups (`graph.fusion_group`).
  Fusion,
  /// Composite ops decomposed and graph ops lowered to linalg, tensor, arith
  /// and math on tensors; the target's tensor passes (fusion) run.
  Linalg,
  /// Tensors bufferised to memrefs in the target's memory space.
  Buffers,
  /// The memory plan: weights placed in the weights file, every other buffer
  /// at an offset in an arena, entry points exported.
  Plan,
  /// The target's code generation: the LLVM dialect, from which the target
  /// emits its objects.
  LLVM,
};

/// Parses a `--compile-to` value.
std::optional<Phase> parsePhase(llvm::StringRef name);

/// The phase names `parsePhase` accepts, in order, for messages.
llvm::StringRef phaseNames();

/// The name `parsePhase` accepts for `phase`.
llvm::StringRef phaseName(Phase phase);

/// import -> graph.
struct GraphPhaseOptions {
  /// Rounds of folding and shape refinement.
  int refinementRounds = 2;
  /// Whether exported primitive subgraphs are raised to graph ops
  /// (`strata-raise`).
  bool raise = true;
  /// The loss `strata-autodiff` appends (`--loss`), or empty for inference:
  /// composite ops are then decomposed in this phase and the entry point
  /// returns the loss and the weights' gradients.
  std::string loss;
  /// With a loss, the optimizer `strata-optimizer` appends (`--train`), or
  /// empty for a program that returns the gradients.
  std::string optimizer;
  /// With an optimizer: dynamic loss scaling's first scale (0: none) and
  /// the finite steps in a row after which it doubles.
  double lossScale = 0;
  int64_t lossScaleInterval = 2000;
  /// For inference: whether a decoder's KV cache inputs become buffers it
  /// appends to in place (`strata-kv-cache-in-place`).
  bool kvCacheInPlace = true;
};

/// graph -> fusion.
struct FusionPhaseOptions {
  /// Whether ops are fused into groups (`strata-form-fusion-groups`); without,
  /// every op that computes is a group of its own.
  bool fuse = true;
};

/// graph -> linalg.
struct LinalgPhaseOptions {
  /// Composite graph ops the decomposition leaves whole.
  std::vector<std::string> keepWhole;
};

/// linalg -> buffers.
struct BufferPhaseOptions {
  /// Memory space of the buffers bufferisation allocates.
  unsigned memorySpace = 0;
};

/// The tier plan's budgets and rates (strata-plan-tiers).
struct TierPlanOptions {
  int64_t gpuMem = 0;
  /// -1: unlimited.
  int64_t hostMem = -1;
  /// The most bytes of weights the plan may keep on NVMe; -1: unlimited.
  int64_t nvmeMem = -1;
  /// The program's default NVMe directory (--nvme-dir); empty: none.
  std::string nvmeDirectory;
  DeviceRates rates;
  /// The module carries its plan already, made at the bounds of its dynamic
  /// sizes (BoundedTierPlan.h): the fusion phase does not plan again.
  bool planned = false;
  /// Whether weights cut into pieces get zeros for data: the fusion phase
  /// only tries a piece size (lib/driver/WeightPieces).
  bool piecesWithoutData = false;
};

/// buffers -> plan.
struct PlanPhaseOptions {
  /// The tier plan, when a device memory budget is given: decided on the
  /// graph at the end of the fusion phase (it reads the cost interface) and
  /// written into the program in this phase.
  std::optional<TierPlanOptions> tiers;
  /// Constants of at least this many bytes go to the weights file.
  int64_t weightsMinBytes = 1024;
  /// Every float constant of more than one element goes to the weights file
  /// (--swappable-weights).
  bool allFloatWeights = false;
  /// Least alignment of every planned buffer, in bytes.
  int64_t bufferAlignment = 64;
  /// Whether elementwise ops may write over an input at its last use.
  bool inPlace = true;
  /// Prefix of the exported entry points' symbols.
  std::string entryPrefix = "strata_model_";
};

/// What `buildPipeline` runs, phase by phase.
struct PipelineOptions {
  /// The target of the linalg phase's tensor passes and of the llvm phase.
  const TargetBackend *target = nullptr;
  GraphPhaseOptions graph;
  FusionPhaseOptions fusion;
  LinalgPhaseOptions linalg;
  BufferPhaseOptions buffers;
  PlanPhaseOptions plan;
};

/// The options of a compile for `target`, with the target's choices filled in.
PipelineOptions defaultPipelineOptions(const TargetBackend &target);

/// Adds the passes that take IR at phase `from` to phase `to` (nothing when
/// `to` is not after `from`).
void buildPipeline(mlir::OpPassManager &pm, const PipelineOptions &options, Phase from, Phase to);

/// Registers `--strata-<phase>-pipeline` for every phase after import, each
/// with a `target` option, so that strata-opt runs one phase alone.
void registerPhasePipelines();

} // namespace strata

#endif // STRATA_LIB_DRIVER_PIPELINE_H

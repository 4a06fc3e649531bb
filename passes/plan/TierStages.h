//===- TierStages.h - One step of a graph, cut where weights are read -*- C++ -*-===//
//
// The input of the tier planner, read from the entry function of a graph
// after fusion: its top-level ops in order, cut into stages, each stage
// beginning at an op that reads a weight the stage before did not (and the
// ops before the first such op joining the first stage); each stage's
// predicted compute time from the cost interface; the bytes of the weights it
// reads; and the device bytes no placement moves (activations at their peak,
// constants kept in the program).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_PLAN_TIERSTAGES_H
#define STRATA_PASSES_PLAN_TIERSTAGES_H

#include "passes/plan/TierPlacement.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseSet.h"

namespace strata {

/// A weight of the weights file and the stages that read it.
struct StagedWeight {
  mlir::StringAttr name;
  int64_t bytes = 0;
  /// The stages that read it, in order.
  std::vector<size_t> stages;
};

/// A KV cache the program appends to in place (the entry function's
/// `program.kv_caches`): its entry argument and its bytes at its capacity.
struct StagedCache {
  unsigned input = 0;
  int64_t bytes = 0;
};

/// A graph's stages.
struct GraphStages {
  std::vector<TierStage> stages;
  /// The op that begins each stage.
  std::vector<mlir::Operation *> starts;
  /// The weights (indices into `weights`) each stage reads.
  std::vector<std::vector<size_t>> stageWeights;
  std::vector<StagedWeight> weights;
  /// Bytes of the activations live at once at the peak (with what the op
  /// there holds while it runs), and that op.
  int64_t activationBytes = 0;
  mlir::Operation *activationPeak = nullptr;
  /// Bytes of constants the compiled code keeps with it, and of weights the
  /// model returns (which stay resident).
  int64_t constantBytes = 0;
  /// The weights the model returns: the plan leaves them where they are.
  llvm::DenseSet<mlir::StringAttr> returned;
  /// The KV caches, which are not activations: the cache argument and the
  /// output that views it take no activation bytes.
  std::vector<StagedCache> caches;
};

/// The bytes `global` occupies in a slot (its size rounded up to the slot
/// alignment), or 0 when it stays in the program (strata-plan-weights' rule:
/// static, byte-sized integers or floats, at least `minBytes` bytes).
int64_t weightSlotBytes(mlir::ml_program::GlobalOp global, int64_t minBytes);

/// The stages of `entry`, whose weights are the module's `ml_program.global`s
/// of at least `minBytes` bytes (those strata-plan-weights places in the
/// weights file); each op's compute time is its roofline at `bandwidths`.
/// Fails, with an error at the op, when a size is not static.
mlir::FailureOr<GraphStages> collectStages(mlir::func::FuncOp entry, int64_t minBytes,
                                           const TierBandwidths &bandwidths);

} // namespace strata

#endif // STRATA_PASSES_PLAN_TIERSTAGES_H

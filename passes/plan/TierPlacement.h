//===- TierPlacement.h - Where each stage's weights live --------*- C++ -*-===//
//
// The optimisation at the heart of the tier plan (docs/tiers.md): given the
// stages of one step in order, each with its predicted compute time and the
// bytes of the weights it reads, choose for each stage whether its weights
// stay resident in device memory, stream from pinned host memory or stream
// from NVMe, and whether each KV cache stays in device memory or lives in
// host memory, minimising the predicted step time under the device and host
// budgets. A dynamic programme over the stages, exact up to the rounding of
// bytes to 1/kBudgetUnits of each budget; every plan it returns fits the
// budgets exactly.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_PLAN_TIERPLACEMENT_H
#define STRATA_PASSES_PLAN_TIERPLACEMENT_H

#include "dialects/tier/TierDialect.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace strata {

/// Every weight in a slot starts at a multiple of this many bytes, so a
/// weight occupies its size rounded up to it.
constexpr int64_t kSlotAlignment = 64;

/// Link and compute rates, in bytes or flops per second.
struct TierBandwidths {
  double hostToDevice = 25e9;
  double nvmeRead = 3e9;
  double deviceMemory = 1e12;
  double deviceFlops = 50e12;
};

/// One stage: the ops from one weight-reading op up to the next.
struct TierStage {
  /// Predicted compute time, in seconds.
  double computeSeconds = 0;
  /// Bytes of the weights the stage reads.
  int64_t weightBytes = 0;
};

/// What the planner must fit.
struct TierProblem {
  std::vector<TierStage> stages;
  /// Device bytes needed whatever the placement: activations at their peak
  /// and constants the plan does not move.
  int64_t fixedDeviceBytes = 0;
  /// Budgets; a host or NVMe budget of nothing is unlimited.
  int64_t deviceBudget = 0;
  std::optional<int64_t> hostBudget;
  std::optional<int64_t> nvmeBudget;
  /// For the NVMe budget: the weights each stage reads (indices into
  /// `weightBytes`), a weight read by several stages living at the nearest
  /// home any of them chose. Without them each stage's bytes count apart.
  std::vector<std::vector<size_t>> stageWeights;
  std::vector<int64_t> weightBytes;
  /// The KV caches' bytes. Each stays in device memory or lives in pinned
  /// host memory, where the device reads it across the host link every step
  /// (bytes / H), not through a slot.
  std::vector<int64_t> cacheBytes;
  TierBandwidths bandwidths;
};

/// The chosen placement and its predicted figures.
struct TierSolution {
  /// The home of each stage's weights (gpu for stages without weights).
  std::vector<tier::Kind> homes;
  /// The home of each KV cache, gpu or host.
  std::vector<tier::Kind> cacheHomes;
  /// Each of the two device slots (and, with NVMe, the two pinned staging
  /// slots) holds the weights of one streamed stage.
  int64_t slotBytes = 0;
  double stepSeconds = 0;
};

/// The least device memory any placement needs, and how: with slots of
/// `slotBytes` (0: nothing streams), the stages larger than a slot stay
/// resident (`residentBytes`).
struct LeastDevice {
  int64_t bytes = INT64_MAX;
  int64_t slotBytes = 0;
  int64_t residentBytes = 0;
};

/// The least device memory of `stages` beside `fixedBytes`, over every slot
/// size a stage has (and none), with every KV cache in host memory.
LeastDevice leastDeviceBytes(const std::vector<TierStage> &stages, int64_t fixedBytes);

/// The placement minimising the predicted step time, or nothing when no
/// placement fits the budgets.
std::optional<TierSolution> solveTierPlacement(const TierProblem &problem);

/// The predicted step time when stage s's weights take `transfers[s]`
/// seconds to reach the device: the first stage's transfer, then each
/// stage's compute overlapped with the next stage's transfer (double
/// buffering, prefetch distance one), then the last stage's compute.
double pipelinedStepSeconds(const std::vector<TierStage> &stages,
                            const std::vector<double> &transfers);

/// The seconds a step spends reading the KV caches `cacheHomes` puts in
/// host memory across the host link.
double hostedCacheSeconds(const TierProblem &problem, const std::vector<tier::Kind> &cacheHomes);

/// Of pipelinedStepSeconds, the time the compute waits for copies: the first
/// stage's transfer and each later one's excess over the compute it overlaps.
double pipelinedStallSeconds(const std::vector<TierStage> &stages,
                             const std::vector<double> &transfers);

/// Seconds to move `bytes` to the device from `home` (0 for gpu): an NVMe
/// read is pipelined through the staging slots, so the slower link bounds it.
double transferSeconds(const TierBandwidths &bandwidths, tier::Kind home, int64_t bytes);

} // namespace strata

#endif // STRATA_PASSES_PLAN_TIERPLACEMENT_H

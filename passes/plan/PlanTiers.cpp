//===- PlanTiers.cpp - The home tier of every weight ----------------------===//
//
// Implements `strata-plan-tiers`: reads the stages of the entry function
// (TierStages), solves the placement (TierPlacement), and records it with its
// predicted figures as the module's `tier.plan`. When no placement fits, the
// error says the least each tier needs and what makes it so.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/Passes.h"
#include "passes/plan/TierPlacement.h"
#include "passes/plan/TierStages.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <set>

using namespace mlir;
using namespace strata;
using tier::Kind;

namespace strata {
#define GEN_PASS_DEF_PLANTIERS
#include "passes/plan/Passes.h.inc"
} // namespace strata

namespace {

/// `bytes` for people: "1.50 MiB (1572864 bytes)".
std::string describeBytes(int64_t bytes) {
  static const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double value = bytes;
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  if (unit == 0)
    os << bytes << " bytes";
  else
    os << llvm::format("%.2f %s (%lld bytes)", value, units[unit], (long long)bytes);
  return text;
}

struct PlanTiers : strata::impl::PlanTiersBase<PlanTiers> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = dyn_cast_or_null<func::FuncOp>(program::findEntry(module).getOperation());
    if (!entry) {
      module.emitError("the tier plan needs the model's entry function (program.entry)");
      return signalPassFailure();
    }
    if (gpuMem <= 0) {
      module.emitError("the tier plan needs a device memory budget (gpu-mem) of at least one "
                       "byte; it is ")
          << static_cast<int64_t>(gpuMem);
      return signalPassFailure();
    }
    TierBandwidths bandwidths{hostToDevice, nvmeRead, deviceMemory, deviceFlops};
    for (double rate : {bandwidths.hostToDevice, bandwidths.nvmeRead, bandwidths.deviceMemory,
                        bandwidths.deviceFlops})
      if (!(rate > 0) || !std::isfinite(rate)) {
        module.emitError("the tier plan's bandwidths and flop rate must be positive and "
                         "finite; one is ")
            << rate;
        return signalPassFailure();
      }
    FailureOr<GraphStages> graph = collectStages(entry, minBytes, bandwidths);
    if (failed(graph))
      return signalPassFailure();

    TierProblem problem;
    problem.stages = graph->stages;
    problem.fixedDeviceBytes = graph->activationBytes + graph->constantBytes;
    problem.deviceBudget = gpuMem;
    if (hostMem >= 0)
      problem.hostBudget = hostMem;
    if (nvmeMem >= 0) {
      problem.nvmeBudget = nvmeMem;
      problem.stageWeights = graph->stageWeights;
      for (const auto &weight : graph->weights)
        problem.weightBytes.push_back(weight.bytes);
    }
    problem.bandwidths = bandwidths;
    for (const StagedCache &cache : graph->caches)
      problem.cacheBytes.push_back(cache.bytes);
    std::optional<TierSolution> solution = solveTierPlacement(problem);
    if (!solution) {
      reportInfeasible(entry, *graph, problem);
      return signalPassFailure();
    }
    module->setAttr(tier::TierDialect::kPlan, buildPlan(*graph, problem, *solution));
    module->setAttr(tier::TierDialect::kDeviceBudget,
                    IntegerAttr::get(IntegerType::get(&getContext(), 64), gpuMem));
    if (!graph->caches.empty()) {
      SmallVector<Attribute> caches;
      for (auto [cache, home] : llvm::zip(graph->caches, solution->cacheHomes))
        caches.push_back(tier::KvCacheAttr::get(&getContext(), cache.input, home, cache.bytes));
      module->setAttr(tier::TierDialect::kKvCaches, ArrayAttr::get(&getContext(), caches));
    }
  }

  void reportInfeasible(func::FuncOp entry, const GraphStages &graph, const TierProblem &problem) {
    LeastDevice least = leastDeviceBytes(graph.stages, problem.fixedDeviceBytes);
    int64_t slot = least.slotBytes;
    if (least.bytes > problem.deviceBudget) {
      InFlightDiagnostic diag =
          entry.emitError("the device memory budget (gpu-mem) of ")
          << describeBytes(problem.deviceBudget) << " cannot hold this model: it needs at least "
          << describeBytes(least.bytes) << ": " << describeBytes(graph.activationBytes)
          << " for the activations at their peak, " << describeBytes(graph.constantBytes)
          << " for the constants in the program";
      if (slot)
        diag << ", two slots of " << describeBytes(slot)
             << " for the weights of the largest streamed stage";
      if (least.residentBytes)
        diag << ", " << describeBytes(least.residentBytes)
             << (slot ? " for the weights of stages larger than a slot, kept resident"
                      : " for the weights, all resident");
      int64_t cacheBytes = 0;
      for (const StagedCache &cache : graph.caches)
        cacheBytes += cache.bytes;
      if (cacheBytes)
        diag << " (beside which the KV caches, " << describeBytes(cacheBytes)
             << ", can live in host memory)";
      if (problem.fixedDeviceBytes >= problem.deviceBudget)
        diag << "; the activations and constants alone take more than the budget, so cutting "
                "the weights into pieces cannot help";
      if (graph.activationPeak)
        diag.attachNote(graph.activationPeak->getLoc()) << "the activations peak after this op";
      return;
    }
    // What the device holds beside the least it needs bounds the KV caches
    // it can keep (only those no larger than that room, and no more than
    // it); the rest must live in host memory.
    int64_t room = problem.deviceBudget - least.bytes, cacheBytes = 0, deviceCaches = 0;
    for (const StagedCache &cache : graph.caches) {
      cacheBytes += cache.bytes;
      if (cache.bytes <= room)
        deviceCaches += cache.bytes;
    }
    deviceCaches = std::min(deviceCaches, room);
    if (problem.hostBudget && cacheBytes - deviceCaches > *problem.hostBudget) {
      entry.emitError("the host memory budget (host-mem) of ")
          << describeBytes(*problem.hostBudget) << " cannot hold this model's KV caches: of "
          << describeBytes(cacheBytes) << ", the device memory budget holds at most "
          << describeBytes(deviceCaches) << " beside the least the rest needs, so at least "
          << describeBytes(cacheBytes - deviceCaches)
          << " must live in host memory; raise host-mem or gpu-mem";
      return;
    }
    // The device fits some placement but the host cannot stage it: the
    // smallest slots the device budget allows set the staging it needs.
    std::set<int64_t> slotSizes;
    for (const TierStage &stage : graph.stages)
      slotSizes.insert(stage.weightBytes);
    for (int64_t size : slotSizes) {
      int64_t resident = 0;
      for (const TierStage &stage : graph.stages)
        if (stage.weightBytes > size)
          resident += stage.weightBytes;
      if (problem.fixedDeviceBytes + 2 * size + resident <= problem.deviceBudget) {
        slot = size;
        break;
      }
    }
    if (problem.nvmeBudget) {
      // What the device and host could hold at most beside the smallest
      // slots (and staging slots) streaming can have, so the least NVMe must.
      int64_t weights = 0, smallest = INT64_MAX;
      for (const auto &weight : graph.weights)
        weights += weight.bytes;
      for (const TierStage &stage : graph.stages)
        if (stage.weightBytes > 0)
          smallest = std::min(smallest, stage.weightBytes);
      int64_t room =
          std::max<int64_t>(0, problem.deviceBudget - problem.fixedDeviceBytes - 2 * smallest) +
          std::max<int64_t>(0, problem.hostBudget.value_or(weights) - 2 * smallest);
      if (weights - room > *problem.nvmeBudget) {
        entry.emitError("the NVMe budget (nvme-mem) of ")
            << describeBytes(*problem.nvmeBudget) << " cannot hold this model's weights: of "
            << describeBytes(weights) << ", the device and host budgets hold at most "
            << describeBytes(room) << ", so at least " << describeBytes(weights - room)
            << " must live on NVMe; raise nvme-mem, host-mem or gpu-mem";
        return;
      }
      if (!problem.hostBudget || 2 * slot <= *problem.hostBudget) {
        entry.emitError("the tier planner found no placement keeping at most ")
            << describeBytes(*problem.nvmeBudget)
            << " on NVMe (nvme-mem) within the device and host budgets; raise nvme-mem, "
               "host-mem or gpu-mem";
        return;
      }
    }
    if (!problem.hostBudget) {
      entry.emitError("the tier planner found no placement within the device memory budget "
                      "(gpu-mem) of ")
          << describeBytes(problem.deviceBudget) << ", though it holds the least it needs, "
          << describeBytes(least.bytes) << "; raise gpu-mem a little";
      return;
    }
    entry.emitError("the host memory budget (host-mem) of ")
        << describeBytes(*problem.hostBudget)
        << " cannot stage this model's weights: streaming them from NVMe needs two pinned "
           "slots of "
        << describeBytes(slot) << ", at least " << describeBytes(2 * slot)
        << " of host memory; raise host-mem or gpu-mem";
  }

  /// The plan attribute: each weight at the nearest home its stages chose,
  /// and the figures predicted for that placement.
  tier::PlanAttr buildPlan(const GraphStages &graph, const TierProblem &problem,
                           const TierSolution &solution) {
    MLIRContext *ctx = &getContext();
    std::vector<Kind> homes(graph.weights.size(), Kind::nvme);
    for (auto [stage, weights] : llvm::enumerate(graph.stageWeights))
      for (size_t w : weights)
        homes[w] = std::min(homes[w], solution.homes[stage]);
    // A weight the model returns stays resident; its bytes are among the
    // fixed ones already.
    for (auto [w, weight] : llvm::enumerate(graph.weights))
      if (graph.returned.contains(weight.name))
        homes[w] = Kind::gpu;

    std::vector<double> transfers(graph.stages.size(), 0);
    int64_t gpuBytes = problem.fixedDeviceBytes, hostBytes = 0, nvmeBytes = 0;
    for (auto [bytes, home] : llvm::zip(problem.cacheBytes, solution.cacheHomes))
      (home == Kind::gpu ? gpuBytes : hostBytes) += bytes;
    int64_t h2dBytes = 0, nvmeReadBytes = 0, slotBytes = 0;
    bool fromNvme = false;
    for (auto [w, weight] : llvm::enumerate(graph.weights)) {
      Kind home = homes[w];
      if (graph.returned.contains(weight.name))
        continue;
      (home == Kind::gpu ? gpuBytes : home == Kind::host ? hostBytes : nvmeBytes) += weight.bytes;
      fromNvme |= home == Kind::nvme;
    }
    for (auto [stage, weights] : llvm::enumerate(graph.stageWeights)) {
      int64_t streamed = 0;
      for (size_t w : weights) {
        Kind home = homes[w];
        if (home == Kind::gpu)
          continue;
        streamed += graph.weights[w].bytes;
        h2dBytes += graph.weights[w].bytes;
        if (home == Kind::nvme)
          nvmeReadBytes += graph.weights[w].bytes;
        transfers[stage] += transferSeconds(problem.bandwidths, home, graph.weights[w].bytes);
      }
      slotBytes = std::max(slotBytes, streamed);
    }
    int64_t slots = slotBytes ? 2 : 0;
    gpuBytes += slots * slotBytes;
    if (fromNvme)
      hostBytes += slots * slotBytes;
    double step = pipelinedStepSeconds(graph.stages, transfers) +
                  hostedCacheSeconds(problem, solution.cacheHomes);
    double copies = 0;
    for (double transfer : transfers)
      copies += transfer;
    double stall = pipelinedStallSeconds(graph.stages, transfers);

    SmallVector<tier::PlacementAttr> placements;
    for (auto [w, weight] : llvm::enumerate(graph.weights))
      placements.push_back(tier::PlacementAttr::get(ctx, weight.name, homes[w], weight.bytes,
                                                    weight.stages.front(), weight.stages.back()));
    return tier::PlanAttr::get(ctx, slots, slotBytes, std::llround(step * 1e9),
                               std::llround(copies * 1e9), std::llround(stall * 1e9), gpuBytes,
                               hostBytes, nvmeBytes, h2dBytes, nvmeReadBytes, placements);
  }
};

} // namespace

//===- TierPlacement.cpp - Where each stage's weights live ----------------===//
//
// The step time is separable: with a stage's transfer overlapped with the
// compute of the stage before it, stage s adds max(compute[s-1], transfer[s])
// and the first stage its whole transfer. Each stage's choice therefore costs
// a fixed time and some bytes of one budget, and the best placement for a
// given slot size is a two-dimensional knapsack over (device bytes, host
// bytes), solved by dynamic programming on bytes rounded to units of each
// budget. Rounding to the nearest unit can overfill a budget by a few units
// (such a solution is solved again on the budget lowered by the excess) or
// miss a placement that fits exactly (then costs are rounded down, which
// misses none).
//
//===----------------------------------------------------------------------===//

#include "passes/plan/TierPlacement.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

using namespace strata;
using tier::Kind;

namespace {

/// The knapsack's resolution: each budget is counted in this many units.
constexpr int64_t kBudgetUnits = 128;

constexpr Kind kHomes[] = {Kind::gpu, Kind::host, Kind::nvme};

/// Bytes counted in units of `unit` bytes, rounded to the nearest or down.
int64_t units(int64_t bytes, double unit, bool down) {
  if (unit <= 0)
    return 0;
  return static_cast<int64_t>(down ? std::floor(bytes / unit) : std::llround(bytes / unit));
}

/// One knapsack: the slot size, and the budgets left for resident weights
/// (device) and weights at home on the host.
struct Knapsack {
  int64_t slotBytes = 0;
  int64_t deviceBytes = 0;
  std::optional<int64_t> hostBytes;
  bool allowNvme = false;
  /// Round costs down instead of to the nearest unit: no placement that
  /// fits is then out of the table's reach.
  bool roundDown = false;
};

/// The exact bytes each budget holds under `homes`.
std::pair<int64_t, int64_t> bytesUsed(const TierProblem &problem, const std::vector<Kind> &homes) {
  int64_t device = 0, host = 0;
  for (auto [stage, home] : llvm::zip(problem.stages, homes)) {
    if (home == Kind::gpu)
      device += stage.weightBytes;
    else if (home == Kind::host)
      host += stage.weightBytes;
  }
  return {device, host};
}

/// The cheapest homes under `knapsack` with budgets rounded to units, or
/// nothing when none fits.
std::optional<std::vector<Kind>> solveKnapsack(const TierProblem &problem,
                                               const Knapsack &knapsack) {
  const std::vector<TierStage> &stages = problem.stages;
  size_t count = stages.size();
  double deviceUnit = static_cast<double>(knapsack.deviceBytes) / kBudgetUnits;
  bool hostLimited = knapsack.hostBytes.has_value();
  double hostUnit = hostLimited ? static_cast<double>(*knapsack.hostBytes) / kBudgetUnits : 0;
  int64_t deviceStates = kBudgetUnits + 1;
  int64_t hostStates = hostLimited ? kBudgetUnits + 1 : 1;
  int64_t states = deviceStates * hostStates;
  constexpr double kInfinity = std::numeric_limits<double>::infinity();

  std::vector<double> best(states, kInfinity), next(states);
  best[0] = 0;
  std::vector<std::vector<uint8_t>> choice(count, std::vector<uint8_t>(states, 0));
  for (size_t s = 0; s < count; ++s) {
    const TierStage &stage = stages[s];
    double before = s == 0 ? 0 : stages[s - 1].computeSeconds;
    std::fill(next.begin(), next.end(), kInfinity);
    for (auto [index, home] : llvm::enumerate(kHomes)) {
      if (stage.weightBytes == 0 && home != Kind::gpu)
        continue;
      if (home != Kind::gpu && stage.weightBytes > knapsack.slotBytes)
        continue;
      if (home == Kind::nvme && !knapsack.allowNvme)
        continue;
      int64_t deviceCost = 0, hostCost = 0;
      if (home == Kind::gpu) {
        deviceCost = units(stage.weightBytes, deviceUnit, knapsack.roundDown);
        if (stage.weightBytes > knapsack.deviceBytes)
          continue;
      }
      if (home == Kind::host && hostLimited) {
        hostCost = units(stage.weightBytes, hostUnit, knapsack.roundDown);
        if (stage.weightBytes > *knapsack.hostBytes)
          continue;
      }
      double transfer = transferSeconds(problem.bandwidths, home, stage.weightBytes);
      double time = s == 0 ? transfer : std::max(before, transfer);
      for (int64_t d = 0; d + deviceCost < deviceStates; ++d)
        for (int64_t h = 0; h + hostCost < hostStates; ++h) {
          double from = best[d * hostStates + h];
          if (from == kInfinity)
            continue;
          int64_t to = (d + deviceCost) * hostStates + h + hostCost;
          if (from + time < next[to]) {
            next[to] = from + time;
            choice[s][to] = static_cast<uint8_t>(index);
          }
        }
    }
    best.swap(next);
  }
  auto end = std::min_element(best.begin(), best.end());
  if (*end == kInfinity)
    return std::nullopt;
  std::vector<Kind> homes(count, Kind::gpu);
  int64_t state = end - best.begin();
  for (size_t s = count; s-- > 0;) {
    Kind home = kHomes[choice[s][state]];
    homes[s] = home;
    int64_t d = state / hostStates, h = state % hostStates;
    if (home == Kind::gpu)
      d -= units(stages[s].weightBytes, deviceUnit, knapsack.roundDown);
    if (home == Kind::host && hostLimited)
      h -= units(stages[s].weightBytes, hostUnit, knapsack.roundDown);
    state = d * hostStates + h;
  }
  return homes;
}

/// The cheapest homes under `knapsack` whose exact bytes fit its budgets,
/// with costs rounded as it says.
std::optional<std::vector<Kind>> solveRounded(const TierProblem &problem, Knapsack knapsack) {
  int64_t deviceBudget = knapsack.deviceBytes;
  std::optional<int64_t> hostBudget = knapsack.hostBytes;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::optional<std::vector<Kind>> homes = solveKnapsack(problem, knapsack);
    if (!homes)
      return std::nullopt;
    auto [device, host] = bytesUsed(problem, *homes);
    int64_t deviceExcess = device - deviceBudget;
    int64_t hostExcess = hostBudget ? host - *hostBudget : 0;
    if (deviceExcess <= 0 && hostExcess <= 0)
      return homes;
    knapsack.deviceBytes -= std::max<int64_t>(deviceExcess, 0);
    if (hostBudget)
      *knapsack.hostBytes -= std::max<int64_t>(hostExcess, 0);
    if (knapsack.deviceBytes < 0 || (knapsack.hostBytes && *knapsack.hostBytes < 0))
      return std::nullopt;
  }
  return std::nullopt;
}

/// The cheapest homes whose exact bytes fit: costs rounded to the nearest
/// unit first, and, when that finds none, rounded down (which finds every
/// placement that fits, at the risk of overfilling, which the repair undoes).
std::optional<std::vector<Kind>> solveExactly(const TierProblem &problem, Knapsack knapsack) {
  if (std::optional<std::vector<Kind>> homes = solveRounded(problem, knapsack))
    return homes;
  knapsack.roundDown = true;
  return solveRounded(problem, knapsack);
}

} // namespace

double strata::transferSeconds(const TierBandwidths &bandwidths, Kind home, int64_t bytes) {
  switch (home) {
  case Kind::gpu:
    return 0;
  case Kind::host:
    return bytes / bandwidths.hostToDevice;
  case Kind::nvme:
    return bytes / std::min(bandwidths.nvmeRead, bandwidths.hostToDevice);
  }
  return 0;
}

double strata::pipelinedStepSeconds(const std::vector<TierStage> &stages,
                                    const std::vector<double> &transfers) {
  double total = 0;
  for (size_t s = 0; s < stages.size(); ++s)
    total += s == 0 ? transfers[s] : std::max(stages[s - 1].computeSeconds, transfers[s]);
  if (!stages.empty())
    total += stages.back().computeSeconds;
  return total;
}

std::optional<TierSolution> strata::solveTierPlacement(const TierProblem &problem) {
  std::set<int64_t> slotSizes = {0};
  for (const TierStage &stage : problem.stages)
    if (stage.weightBytes > 0)
      slotSizes.insert(stage.weightBytes);
  std::optional<TierSolution> best;
  for (int64_t slotBytes : slotSizes) {
    int64_t slotsBytes = 2 * slotBytes;
    int64_t deviceLeft = problem.deviceBudget - problem.fixedDeviceBytes - slotsBytes;
    if (deviceLeft < 0)
      continue;
    for (bool allowNvme : {false, true}) {
      if (allowNvme && slotBytes == 0)
        continue;
      Knapsack knapsack{slotBytes, deviceLeft, problem.hostBudget, allowNvme};
      if (knapsack.hostBytes) {
        *knapsack.hostBytes -= allowNvme ? slotsBytes : 0;
        if (*knapsack.hostBytes < 0)
          continue;
      }
      std::optional<std::vector<Kind>> homes = solveExactly(problem, knapsack);
      if (!homes)
        continue;
      std::vector<double> transfers;
      int64_t largestStreamed = 0;
      for (auto [stage, home] : llvm::zip(problem.stages, *homes)) {
        transfers.push_back(transferSeconds(problem.bandwidths, home, stage.weightBytes));
        if (home != Kind::gpu)
          largestStreamed = std::max(largestStreamed, stage.weightBytes);
      }
      double step = pipelinedStepSeconds(problem.stages, transfers);
      if (!best || step < best->stepSeconds)
        best = TierSolution{std::move(*homes), largestStreamed, step};
    }
  }
  return best;
}

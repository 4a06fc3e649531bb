//===- TierPlacement.cpp - Where each stage's weights live ----------------===//
//
// The step time is separable: with a stage's transfer overlapped with the
// compute of the stage before it, stage s adds max(compute[s-1], transfer[s])
// and the first stage its whole transfer; a KV cache in host memory adds its
// bytes over the host link's rate. Each stage's and each cache's choice
// therefore costs a fixed time and some bytes of one budget, and the best placement for a
// given slot size is a two-dimensional knapsack over (device bytes, host
// bytes), solved by dynamic programming on bytes rounded to units of each
// budget. Rounding to the nearest unit can overfill a budget by a little
// (then the stages that gain least per byte move down a tier until it holds)
// or miss a placement that fits exactly (then costs are rounded down, which
// misses none, and, if moving stages cannot make that fit either, up, which
// cannot overfill). An NVMe budget is checked as the cheapest end states are
// read back, cheapest first, and again after the repair.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/TierPlacement.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <tuple>

using namespace strata;
using tier::Kind;

namespace {

/// The knapsack's resolution: each budget is counted in this many units.
constexpr int64_t kBudgetUnits = 128;

/// The share of a copy's time that counts even when compute hides it.
constexpr double kTieBreak = 1e-6;

constexpr Kind kHomes[] = {Kind::gpu, Kind::host, Kind::nvme};

/// How the knapsack counts bytes in units.
enum class Rounding { Nearest, Down, Up };

/// Bytes counted in units of `unit` bytes.
int64_t units(int64_t bytes, double unit, Rounding rounding) {
  if (unit <= 0)
    return 0;
  double count = bytes / unit;
  switch (rounding) {
  case Rounding::Nearest:
    return std::llround(count);
  case Rounding::Down:
    return static_cast<int64_t>(std::floor(count));
  case Rounding::Up:
    return static_cast<int64_t>(std::ceil(count));
  }
  return 0;
}

/// One knapsack: the slot size, and the budgets left for resident weights
/// (device) and weights at home on the host.
struct Knapsack {
  int64_t slotBytes = 0;
  int64_t deviceBytes = 0;
  std::optional<int64_t> hostBytes;
  bool allowNvme = false;
  Rounding rounding = Rounding::Nearest;
};

/// The knapsack's items: the stages, then the KV caches; `homes` holds the
/// home of each in that order.
size_t itemCount(const TierProblem &problem) {
  return problem.stages.size() + problem.cacheBytes.size();
}

int64_t itemBytes(const TierProblem &problem, size_t item) {
  size_t stages = problem.stages.size();
  return item < stages ? problem.stages[item].weightBytes : problem.cacheBytes[item - stages];
}

/// The seconds item `item` adds to the step at `home`, or nothing when it
/// cannot live there. A stage's term of the pipelined step time: its
/// transfer overlapped with the compute of the stage before (with
/// `tieBreak`, a sliver of a hidden transfer's time counts too). A KV cache
/// in host memory is read across the host link every step.
std::optional<double> itemSeconds(const TierProblem &problem, const Knapsack &knapsack, size_t item,
                                  Kind home, bool tieBreak) {
  int64_t bytes = itemBytes(problem, item);
  if (item >= problem.stages.size()) {
    if (home == Kind::nvme)
      return std::nullopt;
    return home == Kind::gpu ? 0 : bytes / problem.bandwidths.hostToDevice;
  }
  if (bytes == 0 && home != Kind::gpu)
    return std::nullopt;
  if (home != Kind::gpu && bytes > knapsack.slotBytes)
    return std::nullopt;
  if (home == Kind::nvme && !knapsack.allowNvme)
    return std::nullopt;
  double before = item == 0 ? 0 : problem.stages[item - 1].computeSeconds;
  double transfer = transferSeconds(problem.bandwidths, home, bytes);
  // A copy hidden behind compute costs nothing in the model; a sliver of
  // its time breaks ties towards keeping the weights nearer (resident
  // before host before NVMe), which the model's rates do not see: a link
  // shared with compute and noisy disks.
  return (item == 0 ? transfer : std::max(before, transfer)) +
         (tieBreak ? kTieBreak * transfer : 0);
}

/// The bytes `homes` keeps on NVMe.
int64_t nvmeBytesUsed(const TierProblem &problem, const std::vector<Kind> &homes) {
  int64_t bytes = 0;
  if (problem.stageWeights.empty()) {
    for (auto [stage, home] : llvm::zip(problem.stages, homes))
      if (home == Kind::nvme)
        bytes += stage.weightBytes;
    return bytes;
  }
  std::vector<Kind> nearest(problem.weightBytes.size(), Kind::nvme);
  std::vector<bool> read(problem.weightBytes.size(), false);
  for (auto [weights, home] : llvm::zip(problem.stageWeights, homes))
    for (size_t w : weights) {
      nearest[w] = std::min(nearest[w], home);
      read[w] = true;
    }
  for (size_t w = 0; w < nearest.size(); ++w)
    if (read[w] && nearest[w] == Kind::nvme)
      bytes += problem.weightBytes[w];
  return bytes;
}

/// The exact bytes each budget holds under `homes`.
std::pair<int64_t, int64_t> bytesUsed(const TierProblem &problem, const std::vector<Kind> &homes) {
  int64_t device = 0, host = 0;
  for (auto [item, home] : llvm::enumerate(homes)) {
    if (home == Kind::gpu)
      device += itemBytes(problem, item);
    else if (home == Kind::host)
      host += itemBytes(problem, item);
  }
  return {device, host};
}

/// The cheapest homes under `knapsack` with budgets rounded to units, or
/// nothing when none fits.
std::optional<std::vector<Kind>> solveKnapsack(const TierProblem &problem,
                                               const Knapsack &knapsack) {
  size_t count = itemCount(problem);
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
    int64_t bytes = itemBytes(problem, s);
    std::fill(next.begin(), next.end(), kInfinity);
    for (auto [index, home] : llvm::enumerate(kHomes)) {
      std::optional<double> time = itemSeconds(problem, knapsack, s, home, /*tieBreak=*/true);
      if (!time)
        continue;
      int64_t deviceCost = 0, hostCost = 0;
      if (home == Kind::gpu) {
        deviceCost = units(bytes, deviceUnit, knapsack.rounding);
        if (bytes > knapsack.deviceBytes)
          continue;
      }
      if (home == Kind::host && hostLimited) {
        hostCost = units(bytes, hostUnit, knapsack.rounding);
        if (bytes > *knapsack.hostBytes)
          continue;
      }
      for (int64_t d = 0; d + deviceCost < deviceStates; ++d)
        for (int64_t h = 0; h + hostCost < hostStates; ++h) {
          double from = best[d * hostStates + h];
          if (from == kInfinity)
            continue;
          int64_t to = (d + deviceCost) * hostStates + h + hostCost;
          if (from + *time < next[to]) {
            next[to] = from + *time;
            choice[s][to] = static_cast<uint8_t>(index);
          }
        }
    }
    best.swap(next);
  }
  // The homes that end in `state`.
  auto homesOf = [&](int64_t state) {
    std::vector<Kind> homes(count, Kind::gpu);
    for (size_t s = count; s-- > 0;) {
      Kind home = kHomes[choice[s][state]];
      homes[s] = home;
      int64_t d = state / hostStates, h = state % hostStates;
      if (home == Kind::gpu)
        d -= units(itemBytes(problem, s), deviceUnit, knapsack.rounding);
      if (home == Kind::host && hostLimited)
        h -= units(itemBytes(problem, s), hostUnit, knapsack.rounding);
      state = d * hostStates + h;
    }
    return homes;
  };
  // The cheapest end state whose homes keep within the NVMe budget: the
  // table tracks device and host bytes, so NVMe's are checked on the way out.
  std::vector<int64_t> ends;
  for (int64_t state = 0; state < states; ++state)
    if (best[state] != kInfinity)
      ends.push_back(state);
  std::stable_sort(ends.begin(), ends.end(),
                   [&](int64_t a, int64_t b) { return best[a] < best[b]; });
  for (int64_t state : ends) {
    std::vector<Kind> homes = homesOf(state);
    if (!problem.nvmeBudget || nvmeBytesUsed(problem, homes) <= *problem.nvmeBudget)
      return homes;
  }
  return std::nullopt;
}

/// The cheapest homes under `knapsack` with costs rounded as it says, moved
/// down a tier where rounding overfilled a budget.
std::optional<std::vector<Kind>> solveRounded(const TierProblem &problem, Knapsack knapsack) {
  std::optional<std::vector<Kind>> homes = solveKnapsack(problem, knapsack);
  if (!homes)
    return std::nullopt;
  // Rounding may have overfilled a budget by a little: move the items that
  // gain least per byte from their tier to the next one down (device to host
  // or NVMe, host to NVMe) until both budgets hold.
  auto demote = [&](Kind from, int64_t excess) -> bool {
    while (excess > 0) {
      std::optional<size_t> cheapest;
      Kind cheapestTo = Kind::nvme;
      double cheapestLoss = 0;
      for (size_t s = 0; s < homes->size(); ++s) {
        std::optional<double> stays = itemSeconds(problem, knapsack, s, from, false);
        if ((*homes)[s] != from || !stays)
          continue;
        int64_t bytes = itemBytes(problem, s);
        for (Kind to : {Kind::host, Kind::nvme}) {
          std::optional<double> moved = itemSeconds(problem, knapsack, s, to, false);
          if (to <= from || !moved)
            continue;
          if (to == Kind::host && knapsack.hostBytes) {
            auto [device, host] = bytesUsed(problem, *homes);
            if (host + bytes > *knapsack.hostBytes)
              continue;
          }
          double loss = (*moved - *stays) / static_cast<double>(bytes);
          if (!cheapest || loss < cheapestLoss) {
            cheapest = s;
            cheapestTo = to;
            cheapestLoss = loss;
          }
        }
      }
      if (!cheapest)
        return false;
      (*homes)[*cheapest] = cheapestTo;
      excess -= itemBytes(problem, *cheapest);
    }
    return true;
  };
  auto [device, host] = bytesUsed(problem, *homes);
  if (!demote(Kind::gpu, device - knapsack.deviceBytes))
    return std::nullopt;
  if (knapsack.hostBytes) {
    std::tie(device, host) = bytesUsed(problem, *homes);
    if (!demote(Kind::host, host - *knapsack.hostBytes))
      return std::nullopt;
  }
  if (problem.nvmeBudget && nvmeBytesUsed(problem, *homes) > *problem.nvmeBudget)
    return std::nullopt;
  return homes;
}

/// The cheapest homes whose exact bytes fit: costs rounded to the nearest
/// unit first; when that finds none, rounded down (which reaches every
/// placement that fits, at the risk of overfilling, which the repair undoes);
/// and last rounded up (whatever the table then holds fits, though it may
/// miss a placement that fills a budget to the byte).
std::optional<std::vector<Kind>> solveExactly(const TierProblem &problem, Knapsack knapsack) {
  for (Rounding rounding : {Rounding::Nearest, Rounding::Down, Rounding::Up}) {
    knapsack.rounding = rounding;
    if (std::optional<std::vector<Kind>> homes = solveRounded(problem, knapsack))
      return homes;
  }
  return std::nullopt;
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

double strata::hostedCacheSeconds(const TierProblem &problem, const std::vector<Kind> &cacheHomes) {
  double seconds = 0;
  for (auto [bytes, home] : llvm::zip(problem.cacheBytes, cacheHomes))
    if (home == Kind::host)
      seconds += bytes / problem.bandwidths.hostToDevice;
  return seconds;
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

double strata::pipelinedStallSeconds(const std::vector<TierStage> &stages,
                                     const std::vector<double> &transfers) {
  double total = 0;
  for (size_t s = 0; s < stages.size(); ++s)
    total += s == 0 ? transfers[s] : std::max(0.0, transfers[s] - stages[s - 1].computeSeconds);
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
      std::vector<Kind> cacheHomes(homes->begin() + problem.stages.size(), homes->end());
      homes->resize(problem.stages.size());
      double step =
          pipelinedStepSeconds(problem.stages, transfers) + hostedCacheSeconds(problem, cacheHomes);
      if (!best || step < best->stepSeconds)
        best = TierSolution{std::move(*homes), std::move(cacheHomes), largestStreamed, step};
    }
  }
  return best;
}

LeastDevice strata::leastDeviceBytes(const std::vector<TierStage> &stages, int64_t fixedBytes) {
  std::set<int64_t> slotSizes = {0};
  for (const TierStage &stage : stages)
    slotSizes.insert(stage.weightBytes);
  LeastDevice least;
  for (int64_t slot : slotSizes) {
    int64_t resident = 0;
    for (const TierStage &stage : stages)
      if (stage.weightBytes > slot)
        resident += stage.weightBytes;
    int64_t bytes = fixedBytes + 2 * slot + resident;
    if (bytes < least.bytes)
      least = {bytes, slot, resident};
  }
  return least;
}

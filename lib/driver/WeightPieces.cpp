//===- WeightPieces.cpp - The piece size that fits a device budget --------===//

#include "lib/driver/WeightPieces.h"

#include "dialects/program/ProgramDialect.h"
#include "dialects/tier/TierDialect.h"
#include "passes/plan/TierStages.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace strata {
namespace {

/// How many piece sizes are tried before the last is left to the planner.
constexpr int kTrials = 8;

/// The device bytes of `module` after fusion, as the planner counts them:
/// its activations at their peak and its constants, and the least any
/// placement needs; or nothing.
std::optional<std::pair<int64_t, int64_t>> deviceBytes(ModuleOp module,
                                                       const PipelineOptions &options) {
  auto entry = dyn_cast_or_null<func::FuncOp>(program::findEntry(module).getOperation());
  if (!entry)
    return std::nullopt;
  const DeviceRates &rates = options.plan.tiers->rates;
  FailureOr<GraphStages> graph = collectStages(
      entry, options.plan.weightsMinBytes,
      TierBandwidths{rates.hostToDevice, rates.nvmeRead, rates.deviceMemory, rates.deviceFlops});
  if (failed(graph))
    return std::nullopt;
  int64_t fixed = graph->activationBytes + graph->constantBytes;
  return std::make_pair(fixed, leastDeviceBytes(graph->stages, fixed).bytes);
}

} // namespace

void chooseWeightPieces(ModuleOp module, const PipelineOptions &options,
                        llvm::function_ref<LogicalResult(ModuleOp)> runFusion) {
  const std::optional<TierPlanOptions> &tiers = options.plan.tiers;
  if (!tiers || tiers->planned || module->hasAttr(tier::TierDialect::kPieceBytes))
    return;
  ScopedDiagnosticHandler quiet(module.getContext(), [](Diagnostic &) { return success(); });
  auto i64 = IntegerType::get(module.getContext(), 64);
  int64_t pieceBytes = 0;
  for (int trial = 0; trial <= kTrials; ++trial) {
    OwningOpRef<ModuleOp> copy = module.clone();
    if (pieceBytes)
      (*copy)->setAttr(tier::TierDialect::kPieceBytes, IntegerAttr::get(i64, pieceBytes));
    if (succeeded(runFusion(*copy))) {
      if (pieceBytes)
        module->setAttr(tier::TierDialect::kPieceBytes, IntegerAttr::get(i64, pieceBytes));
      return;
    }
    std::optional<std::pair<int64_t, int64_t>> figures = deviceBytes(*copy, options);
    if (!figures || figures->first >= tiers->gpuMem)
      return;
    if (figures->second <= tiers->gpuMem) {
      // The device holds a placement; another budget failed, which the
      // planner reports, for the weights as cut.
      if (pieceBytes)
        module->setAttr(tier::TierDialect::kPieceBytes, IntegerAttr::get(i64, pieceBytes));
      return;
    }
    int64_t fixed = figures->first;
    int64_t next =
        static_cast<int64_t>(llvm::alignDown((tiers->gpuMem - fixed) / 2, kSlotAlignment));
    if (pieceBytes)
      next = std::min(next, pieceBytes - kSlotAlignment);
    if (next < kSlotAlignment)
      return;
    pieceBytes = next;
  }
}

} // namespace strata

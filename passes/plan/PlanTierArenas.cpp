//===- PlanTierArenas.cpp - Arenas for the tier plan's slots --------------===//
//
// Implements `strata-plan-tier-arenas`. The tier plan placed its buffers at
// offsets already; this pass only makes the arenas they live in part of the
// program's contract, after the buffer plan's, so that the executor
// allocates them once and passes them in.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/Passes.h"
#include "passes/plan/SizeBounds.h"
#include "passes/plan/TierPlacement.h"

#include "strata/model.h"

#include "llvm/Support/MathExtras.h"

#include <map>

using namespace mlir;
using namespace strata;

namespace strata {
#define GEN_PASS_DEF_PLANTIERARENAS
#include "passes/plan/Passes.h.inc"
} // namespace strata

namespace {

struct PlanTierArenas : strata::impl::PlanTierArenasBase<PlanTierArenas> {
  using Base::Base;

  void runOnOperation() override {
    for (auto function : getOperation().getOps<func::FuncOp>())
      if (failed(planArenas(function)) ||
          (function->hasAttr(program::ProgramDialect::kEntry) && failed(checkBudget(function))))
        return signalPassFailure();
  }

  /// The bytes of the constants that stay in the program.
  int64_t programConstantBytes() {
    int64_t bytes = 0;
    for (auto global : getOperation().getOps<memref::GlobalOp>())
      if (global.getConstant() && global.getInitialValue())
        bytes += global.getType().getNumElements() * plan::storageBytes(global.getType());
    return bytes;
  }

  /// Checks that the device memory the program takes (its device arenas, the
  /// weights the plan keeps resident and the KV caches it keeps in device
  /// memory) is within the budget the plan was
  /// made for: the planner estimates activations on the graph, and the
  /// buffer plan has the last word, which becomes the plan's device bytes.
  LogicalResult checkBudget(func::FuncOp entry) {
    auto budget = getOperation()->getAttrOfType<IntegerAttr>(tier::TierDialect::kDeviceBudget);
    auto plan = getOperation()->getAttrOfType<tier::PlanAttr>(tier::TierDialect::kPlan);
    if (!budget || !plan)
      return success();
    int64_t arenas = 0, resident = 0, caches = 0;
    if (auto planned = entry->getAttrOfType<ArrayAttr>(program::ProgramDialect::kArenas))
      for (auto arena : planned.getAsRange<program::ArenaAttr>())
        if (arena.getSpace() == STRATA_MEMORY_DEVICE)
          arenas += arena.getBytes();
    for (tier::PlacementAttr placement : plan.getPlacements())
      if (placement.getHome() == tier::Kind::gpu)
        resident += placement.getBytes();
    if (auto placed = getOperation()->getAttrOfType<ArrayAttr>(tier::TierDialect::kKvCaches))
      for (auto cache : placed.getAsRange<tier::KvCacheAttr>())
        if (cache.getHome() == tier::Kind::gpu)
          caches += cache.getBytes();
    if (arenas + resident + caches <= budget.getInt()) {
      // The plan's device bytes were the planner's estimate, made on the
      // graph; the buffer plan's arenas replace it.
      getOperation()->setAttr(
          tier::TierDialect::kPlan,
          tier::PlanAttr::get(&getContext(), plan.getSlots(), plan.getSlotBytes(), plan.getStepNs(),
                              plan.getCopyNs(), plan.getStallNs(),
                              arenas + resident + caches + programConstantBytes(),
                              plan.getHostBytes(), plan.getNvmeBytes(), plan.getH2dBytes(),
                              plan.getNvmeReadBytes(), plan.getPlacements()));
      return success();
    }
    InFlightDiagnostic diag =
        entry.emitError("the program needs ")
        << arenas + resident + caches
        << " bytes of device memory, more than the budget (gpu-mem) of " << budget.getInt()
        << ": its arenas (activations and tier slots) take " << arenas << " bytes";
    if (caches)
      diag << ", the KV caches it keeps in device memory " << caches;
    diag << " and the weights the plan keeps resident " << resident
         << "; the tier planner's estimate of the activations, made on the graph, fell short. "
            "Raise gpu-mem by "
         << arenas + resident + caches - budget.getInt() << " bytes or more";
    return diag;
  }

  LogicalResult planArenas(func::FuncOp function) {
    std::map<tier::Kind, int64_t> spans;
    WalkResult walk = function.walk([&](tier::AllocOp alloc) {
      if (alloc.getTier() == tier::Kind::nvme) {
        alloc.emitError("the runtime has no NVMe arena; buffers on NVMe are files");
        return WalkResult::interrupt();
      }
      MemRefType type = alloc.getBuffer().getType();
      int64_t bytes = type.getNumElements() * plan::storageBytes(type);
      int64_t &span = spans[alloc.getTier()];
      span = std::max<int64_t>(span, alloc.getOffset() + bytes);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    if (spans.empty())
      return success();
    MLIRContext *ctx = &getContext();
    SmallVector<Attribute> arenas;
    if (auto planned = function->getAttrOfType<ArrayAttr>(program::ProgramDialect::kArenas))
      arenas.assign(planned.begin(), planned.end());
    auto type = MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 8));
    // The arenas hold the slots the plan reserved, even where the stages of
    // the bufferised program fill them less.
    auto plan = getOperation()->getAttrOfType<tier::PlanAttr>(tier::TierDialect::kPlan);
    int64_t reserved = plan ? plan.getSlots() * plan.getSlotBytes() : 0;
    for (auto [kind, span] : spans) {
      int64_t bytes = static_cast<int64_t>(llvm::alignTo(std::max(span, reserved), kSlotAlignment));
      int64_t space = kind == tier::Kind::gpu ? STRATA_MEMORY_DEVICE : STRATA_MEMORY_HOST;
      // The staging slots are read into with O_DIRECT, which needs buffers
      // aligned to the disk's 4 KiB blocks.
      int64_t alignment = kind == tier::Kind::host ? 4096 : kSlotAlignment;
      arenas.push_back(program::ArenaAttr::get(ctx, space, bytes, bytes, alignment));
      auto marker = NamedAttribute(tier::TierDialect::kArena,
                                   StringAttr::get(ctx, tier::stringifyKind(kind)));
      unsigned index = function.getNumArguments();
      if (failed(function.insertArgument(index, type, DictionaryAttr::get(ctx, {marker}),
                                         function.getLoc())))
        return failure();
    }
    function->setAttr(program::ProgramDialect::kArenas, ArrayAttr::get(ctx, arenas));
    return success();
  }
};

} // namespace

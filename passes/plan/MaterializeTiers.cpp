//===- MaterializeTiers.cpp - The tier plan written into the program ------===//
//
// Implements `strata-materialize-tiers`. The bufferised ops are grouped into
// the planner's stages by the stages the plan records for their weights (one
// graph op lowers to several, which must share a slot); the plan's slot size
// bounds what each stage's streamed weights may occupy, and a stage that
// outgrows it is an error rather than an overlap.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/Passes.h"
#include "passes/plan/SizeBounds.h"
#include "passes/plan/TierPlacement.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace strata;
using tier::Kind;

namespace strata {
#define GEN_PASS_DEF_MATERIALIZETIERS
#include "passes/plan/Passes.h.inc"
} // namespace strata

namespace {

/// The `memref.get_global` that `value` views, directly or through view
/// ops, or null.
memref::GetGlobalOp viewedGlobal(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto get = dyn_cast<memref::GetGlobalOp>(def))
      return get;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view || view.getViewSource() == value)
      return {};
    value = view.getViewSource();
  }
  return {};
}

/// Whether `op` only names or views a weight.
bool isWeightView(Operation &op) {
  return op.getNumResults() == 1 && viewedGlobal(op.getResult(0));
}

/// A copy of the chain of views that makes `value`, built at `builder`.
Value cloneViewChain(OpBuilder &builder, Value value) {
  Operation *def = value.getDefiningOp();
  IRMapping mapping;
  if (auto view = dyn_cast<ViewLikeOpInterface>(def); view && !isa<memref::GetGlobalOp>(def))
    mapping.map(view.getViewSource(), cloneViewChain(builder, view.getViewSource()));
  return builder.clone(*def, mapping)->getResult(cast<OpResult>(value).getResultNumber());
}

/// A reader of streamed weights and the views of them cloned just before it.
struct Reader {
  Operation *op;
  SmallVector<Operation *> views;
};

/// A stage: the streamed weights it reads and its ops that read them.
struct Stage {
  llvm::MapVector<StringAttr, memref::GetGlobalOp> weights;
  SmallVector<Reader> readers;

  /// Where work queued before the stage goes: before its first reader's views.
  Operation *front() const {
    const Reader &first = readers.front();
    return first.views.empty() ? first.op : first.views.front();
  }
};

struct MaterializeTiers : strata::impl::MaterializeTiersBase<MaterializeTiers> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto plan = module->getAttrOfType<tier::PlanAttr>(tier::TierDialect::kPlan);
    if (!plan)
      return;
    auto entry = dyn_cast_or_null<func::FuncOp>(program::findEntry(module).getOperation());
    if (!entry) {
      module.emitError("the tier plan needs the model's entry function (program.entry)");
      return signalPassFailure();
    }
    if (entry.isDeclaration()) {
      entry.emitError("the tier plan needs the body of the entry function");
      return signalPassFailure();
    }
    Block &body = entry.getBody().front();
    auto streamedWeightOf = [&](Value value) -> memref::GetGlobalOp {
      memref::GetGlobalOp get = viewedGlobal(value);
      if (!get)
        return {};
      tier::PlacementAttr placement = plan.lookup(get.getName());
      return placement && placement.getHome() != Kind::gpu ? get : memref::GetGlobalOp();
    };

    // Each reader gets its own views of the weights it reads.
    for (Operation &op : llvm::make_early_inc_range(body)) {
      if (isWeightView(op))
        continue;
      OpBuilder builder(&op);
      op.walk([&](Operation *inner) {
        for (OpOperand &operand : inner->getOpOperands())
          if (operand.get().getDefiningOp() && operand.get().getDefiningOp()->getBlock() == &body &&
              streamedWeightOf(operand.get()))
            operand.set(cloneViewChain(builder, operand.get()));
      });
    }
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
      if (isWeightView(op) && op.use_empty())
        op.erase();

    std::vector<Stage> stages;
    int64_t graphStage = -1;
    for (Operation &op : body) {
      if (isWeightView(op))
        continue;
      SmallVector<memref::GetGlobalOp> reads;
      op.walk([&](Operation *inner) {
        for (Value operand : inner->getOperands())
          if (memref::GetGlobalOp get = streamedWeightOf(operand))
            reads.push_back(get);
      });
      if (reads.empty())
        continue;
      // The graph stage the op belongs to: that of its weights, the later
      // read of a weight the graph reads in several stages once its first
      // stage is past.
      int64_t key = 0;
      for (memref::GetGlobalOp get : reads) {
        tier::PlacementAttr placement = plan.lookup(get.getName());
        key = std::max(key, placement.getFirst() >= graphStage ? placement.getFirst()
                                                               : placement.getLast());
      }
      // A program whose ops run the graph's stages in another order (one
      // compiled for dynamic sizes, under the plan made at their bounds)
      // starts a stage wherever the graph stage changes.
      if (stages.empty() || key != graphStage) {
        stages.emplace_back();
        graphStage = key;
      }
      for (memref::GetGlobalOp get : reads)
        stages.back().weights.insert({get.getNameAttr().getAttr(), get});
      Reader reader{&op, {}};
      for (Operation *view = op.getPrevNode(); view && isWeightView(*view);
           view = view->getPrevNode())
        reader.views.insert(reader.views.begin(), view);
      stages.back().readers.push_back(reader);
    }
    if (stages.empty())
      return;
    if (failed(materialize(plan, stages)))
      return signalPassFailure();
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
      if (isWeightView(op) && op.use_empty())
        op.erase();
  }

  LogicalResult materialize(tier::PlanAttr plan, std::vector<Stage> &stages) {
    // Buffers and copies of each stage, queued before the stage ahead of it.
    struct Queued {
      SmallVector<std::pair<memref::GetGlobalOp, Value>> slots;
      SmallVector<Value> staging;
      SmallVector<Value> events;
    };
    std::vector<Queued> queued(stages.size());
    int64_t slotBytes = plan.getSlotBytes();
    for (auto [k, stage] : llvm::enumerate(stages)) {
      OpBuilder builder(stages[k == 0 ? 0 : k - 1].front());
      int64_t offset = 0;
      for (auto [name, get] : stage.weights) {
        auto type = cast<MemRefType>(get.getType());
        int64_t bytes = static_cast<int64_t>(
            llvm::alignTo(type.getNumElements() * plan::storageBytes(type), kSlotAlignment));
        if (offset + bytes > slotBytes)
          return stage.readers.front().op->emitError("the weights this op's stage reads need more ")
                 << "than the tier plan's slot of " << slotBytes
                 << " bytes; the bufferised program groups weight reads unlike the graph";
        Location loc = get.getLoc();
        int64_t base = static_cast<int64_t>(k % 2) * slotBytes + offset;
        Value home = memref::GetGlobalOp::create(builder, loc, type, get.getName());
        Value slot = tier::AllocOp::create(builder, loc, type, Kind::gpu, base);
        SmallVector<Value> after;
        Value source = home;
        if (plan.lookup(name.getValue()).getHome() == Kind::nvme) {
          Value staging = tier::AllocOp::create(builder, loc, type, Kind::host, base);
          after.push_back(tier::CopyOp::create(builder, loc, home, staging, "nvme"));
          source = staging;
          queued[k].staging.push_back(staging);
        }
        queued[k].events.push_back(tier::CopyOp::create(builder, loc, source, slot, "h2d", after));
        queued[k].slots.push_back({get, slot});
        offset += bytes;
      }
    }
    for (auto [k, stage] : llvm::enumerate(stages)) {
      for (const Reader &reader : stage.readers)
        for (auto [get, slot] : queued[k].slots)
          replaceInReader(reader, get.getName(), slot);
      Operation *first = stage.readers.front().op;
      OpBuilder builder(first);
      for (Value event : queued[k].events)
        tier::WaitOp::create(builder, first->getLoc(), event);
      for (Value staging : queued[k].staging)
        tier::FreeOp::create(builder, first->getLoc(), staging);
      builder.setInsertionPointAfter(stage.readers.back().op);
      for (auto [get, slot] : queued[k].slots)
        tier::FreeOp::create(builder, first->getLoc(), slot);
    }
    return success();
  }

  /// Makes `reader` and its views read weight `name` from `slot`.
  void replaceInReader(const Reader &reader, StringRef name, Value slot) {
    auto isWeight = [&](Value value) {
      auto get = value.getDefiningOp<memref::GetGlobalOp>();
      return get && get.getName() == name;
    };
    for (Operation *view : reader.views)
      for (OpOperand &operand : view->getOpOperands())
        if (isWeight(operand.get()))
          operand.set(slot);
    reader.op->walk([&](Operation *inner) {
      for (OpOperand &operand : inner->getOpOperands())
        if (isWeight(operand.get()))
          operand.set(slot);
    });
  }
};

} // namespace

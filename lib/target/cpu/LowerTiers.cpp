//===- LowerTiers.cpp - The tier plan as copies in program order ----------===//
//
// Implements `strata-cpu-lower-tiers`. Copies run where the plan queued them,
// on the thread that computes, so each has finished before the op after it:
// the waits the plan placed later are then already satisfied.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "dialects/tier/TierDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace strata;

namespace strata {
#define GEN_PASS_DEF_LOWERTIERS
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

struct LowerTiers : strata::impl::LowerTiersBase<LowerTiers> {
  using Base::Base;

  void runOnOperation() override {
    for (auto function : getOperation().getOps<func::FuncOp>())
      if (failed(lower(function)))
        return signalPassFailure();
  }

  LogicalResult lower(func::FuncOp function) {
    llvm::StringMap<Value> arenas;
    for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
      if (auto name = function.getArgAttrOfType<StringAttr>(i, tier::TierDialect::kArena)) {
        arenas[name.getValue()] = function.getArgument(i);
        function.removeArgAttr(i, tier::TierDialect::kArena);
      }

    SmallVector<Operation *> erased;
    WalkResult walk = function.walk([&](Operation *op) {
      OpBuilder builder(op);
      if (auto alloc = dyn_cast<tier::AllocOp>(op)) {
        Value arena = arenas.lookup(tier::stringifyKind(alloc.getTier()));
        if (!arena) {
          alloc.emitError("no arena argument for tier '")
              << tier::stringifyKind(alloc.getTier()) << "'; run strata-plan-tier-arenas first";
          return WalkResult::interrupt();
        }
        Value offset = arith::ConstantIndexOp::create(builder, alloc.getLoc(), alloc.getOffset());
        Value view = memref::ViewOp::create(builder, alloc.getLoc(), alloc.getBuffer().getType(),
                                            arena, offset, ValueRange{});
        alloc.getBuffer().replaceAllUsesWith(view);
        erased.push_back(alloc);
      } else if (auto copy = dyn_cast<tier::CopyOp>(op)) {
        memref::CopyOp::create(builder, copy.getLoc(), copy.getSource(), copy.getTarget());
        erased.push_back(copy);
      } else if (isa<tier::WaitOp, tier::FreeOp>(op)) {
        erased.push_back(op);
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    // Users first: waits and later copies use the events of earlier copies.
    for (Operation *op : llvm::reverse(erased)) {
      op->dropAllUses();
      op->erase();
    }
    return success();
  }
};

} // namespace

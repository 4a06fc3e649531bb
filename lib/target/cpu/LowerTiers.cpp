//===- LowerTiers.cpp - The tier plan as copies in program order ----------===//
//
// Implements `strata-cpu-lower-tiers`. Copies run where the plan queued them,
// on the thread that computes, so each has finished before the op after it:
// the waits the plan placed later are then already satisfied.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "dialects/program/ProgramDialect.h"
#include "dialects/tier/TierDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace strata;

namespace strata {
#define GEN_PASS_DEF_LOWERTIERS
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

constexpr llvm::StringLiteral kReadWeights = "strata_cpu_read_weights";
constexpr llvm::StringLiteral kTierCopy = "strata_cpu_tier_copy";

/// The runtime's counted copy (runtime/device/cpu/TierCopies.h): (target,
/// source, bytes), pointers as i64.
func::FuncOp declareTierCopy(ModuleOp module) {
  if (auto f = module.lookupSymbol<func::FuncOp>(kTierCopy))
    return f;
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  Type i64 = b.getI64Type();
  auto f =
      func::FuncOp::create(b, module.getLoc(), kTierCopy, b.getFunctionType({i64, i64, i64}, {}));
  f.setPrivate();
  return f;
}

/// The runtime's read of weights from the file (runtime/device/cpu/WeightsReads.cpp):
/// (data region, offset in it, target, bytes), pointers as i64.
func::FuncOp declareReadWeights(ModuleOp module) {
  if (auto f = module.lookupSymbol<func::FuncOp>(kReadWeights))
    return f;
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  Type i64 = b.getI64Type();
  auto f = func::FuncOp::create(b, module.getLoc(), kReadWeights,
                                b.getFunctionType({i64, i64, i64, i64}, {}));
  f.setPrivate();
  return f;
}

/// The address of `memref`'s first element, as an i64.
Value addressOf(OpBuilder &b, Location loc, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
  Value size = arith::ConstantIndexOp::create(b, loc, (type.getElementTypeBitWidth() + 7) / 8);
  Value shift = arith::MulIOp::create(b, loc, meta.getOffset(), size);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                    arith::AddIOp::create(b, loc, base, shift));
}

/// The weights file's data region argument and the constant byte offset in it
/// that `value` views, if it is such a view.
std::optional<std::pair<Value, int64_t>> weightsFileView(Value value) {
  auto view = value.getDefiningOp<memref::ViewOp>();
  if (!view || !view.getSizes().empty())
    return std::nullopt;
  auto argument = dyn_cast<BlockArgument>(view.getSource());
  auto function = argument ? dyn_cast<func::FuncOp>(argument.getOwner()->getParentOp()) : nullptr;
  if (!function ||
      !function.getArgAttr(argument.getArgNumber(), program::ProgramDialect::kWeightsRegion))
    return std::nullopt;
  std::optional<int64_t> offset = getConstantIntValue(view.getByteShift());
  if (!offset)
    return std::nullopt;
  return std::make_pair(view.getSource(), *offset);
}

struct LowerTiers : strata::impl::LowerTiersBase<LowerTiers> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<func::FuncOp> functions(getOperation().getOps<func::FuncOp>());
    for (func::FuncOp function : functions)
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
        Location loc = copy.getLoc();
        auto type = cast<MemRefType>(copy.getTarget().getType());
        if (!type.getLayout().isIdentity() ||
            !cast<MemRefType>(copy.getSource().getType()).getLayout().isIdentity()) {
          copy.emitError("tier copies move contiguous buffers; this one has a strided operand");
          return WalkResult::interrupt();
        }
        int64_t bytes = type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
        Value size = arith::ConstantIntOp::create(builder, loc, bytes, 64);
        std::optional<std::pair<Value, int64_t>> file = weightsFileView(copy.getSource());
        if (copy.getStream() == "nvme" && file) {
          Value region = arith::IndexCastOp::create(
              builder, loc, builder.getI64Type(),
              memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, file->first));
          Value offset = arith::ConstantIntOp::create(builder, loc, file->second, 64);
          func::CallOp::create(
              builder, loc, declareReadWeights(getOperation()),
              ValueRange{region, offset, addressOf(builder, loc, copy.getTarget()), size});
        } else {
          func::CallOp::create(builder, loc, declareTierCopy(getOperation()),
                               ValueRange{addressOf(builder, loc, copy.getTarget()),
                                          addressOf(builder, loc, copy.getSource()), size});
        }
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

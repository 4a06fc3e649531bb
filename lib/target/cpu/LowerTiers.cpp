//===- LowerTiers.cpp - The tier plan on the CPU device's copy streams ----===//
//
// Implements `strata-cpu-lower-tiers`. Each stream the plan names becomes one
// of the runtime's copy streams (runtime/device/cpu/TierStreams.h), numbered
// in the order the module first names them; an event becomes the ticket its
// copy returned, with the stream it came from.
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

/// The runtime's copy streams (runtime/device/cpu/TierStreams.h); pointers
/// are passed as i64.
constexpr llvm::StringLiteral kTierCopy = "strata_cpu_tier_copy";
constexpr llvm::StringLiteral kReadWeights = "strata_cpu_tier_read_weights";
constexpr llvm::StringLiteral kStreamWait = "strata_cpu_tier_stream_wait";
constexpr llvm::StringLiteral kWait = "strata_cpu_tier_wait";
/// kMaxTierStreams in TierStreams.h.
constexpr int64_t kMaxStreams = 8;

/// The runtime function `name` taking `arguments` i64s and returning an i64
/// if `returns`.
func::FuncOp declare(ModuleOp module, StringRef name, unsigned arguments, bool returns) {
  if (auto f = module.lookupSymbol<func::FuncOp>(name))
    return f;
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  Type i64 = b.getI64Type();
  auto f = func::FuncOp::create(
      b, module.getLoc(), name,
      b.getFunctionType(SmallVector<Type>(arguments, i64), returns ? TypeRange{i64} : TypeRange{}));
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

/// Where an event comes from: its stream and the ticket its copy returned.
struct Ticket {
  int64_t stream;
  Value number;
};

struct LowerTiers : strata::impl::LowerTiersBase<LowerTiers> {
  using Base::Base;

  void runOnOperation() override {
    streams.clear();
    SmallVector<func::FuncOp> functions(getOperation().getOps<func::FuncOp>());
    for (func::FuncOp function : functions)
      if (failed(lower(function)))
        return signalPassFailure();
  }

  /// The number of the copy stream `copy` names.
  FailureOr<int64_t> streamOf(tier::CopyOp copy) {
    auto [it, added] = streams.try_emplace(copy.getStream(), streams.size());
    if (added && it->second >= kMaxStreams) {
      copy.emitError("the CPU device has ")
          << kMaxStreams << " copy streams; this copy names another";
      return failure();
    }
    return it->second;
  }

  Value constant(OpBuilder &b, Location loc, int64_t value) {
    return arith::ConstantIntOp::create(b, loc, value, 64);
  }

  LogicalResult lower(func::FuncOp function) {
    llvm::StringMap<Value> arenas;
    for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
      if (auto name = function.getArgAttrOfType<StringAttr>(i, tier::TierDialect::kArena)) {
        arenas[name.getValue()] = function.getArgument(i);
        function.removeArgAttr(i, tier::TierDialect::kArena);
      }

    ModuleOp module = getOperation();
    DenseMap<Value, Ticket> tickets;
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
        if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat()) {
          copy.emitError("tier copies move buffers of static shape and integer or float "
                         "elements; this one's is ")
              << type;
          return WalkResult::interrupt();
        }
        if (!type.getLayout().isIdentity() ||
            !cast<MemRefType>(copy.getSource().getType()).getLayout().isIdentity()) {
          copy.emitError("tier copies move contiguous buffers; this one has a strided operand");
          return WalkResult::interrupt();
        }
        FailureOr<int64_t> stream = streamOf(copy);
        if (failed(stream))
          return WalkResult::interrupt();
        Value streamNumber = constant(builder, loc, *stream);
        // Copies on one stream run in order; another stream's event becomes
        // a wait queued on this one.
        for (Value event : copy.getAfter()) {
          auto after = tickets.find(event);
          if (after == tickets.end()) {
            copy.emitError("waits for an event no earlier tier.copy of this function made");
            return WalkResult::interrupt();
          }
          if (after->second.stream != *stream)
            func::CallOp::create(builder, loc, declare(module, kStreamWait, 3, false),
                                 ValueRange{streamNumber,
                                            constant(builder, loc, after->second.stream),
                                            after->second.number});
        }
        int64_t bytes = type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
        Value size = constant(builder, loc, bytes);
        Value target = addressOf(builder, loc, copy.getTarget());
        func::CallOp call;
        std::optional<std::pair<Value, int64_t>> file = weightsFileView(copy.getSource());
        if (copy.getStream() == "nvme" && !file) {
          copy.emitError("a copy on stream \"nvme\" reads the weights file; this one's source "
                         "is not a view of the weights region at a constant offset");
          return WalkResult::interrupt();
        }
        if (file && copy.getStream() == "nvme") {
          Value region = arith::IndexCastOp::create(
              builder, loc, builder.getI64Type(),
              memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, file->first));
          call = func::CallOp::create(
              builder, loc, declare(module, kReadWeights, 5, true),
              ValueRange{streamNumber, region, constant(builder, loc, file->second), target, size});
        } else {
          call = func::CallOp::create(
              builder, loc, declare(module, kTierCopy, 4, true),
              ValueRange{streamNumber, target, addressOf(builder, loc, copy.getSource()), size});
        }
        tickets[copy.getDone()] = Ticket{*stream, call.getResult(0)};
        erased.push_back(copy);
      } else if (auto wait = dyn_cast<tier::WaitOp>(op)) {
        auto ticket = tickets.find(wait.getEvent());
        if (ticket == tickets.end()) {
          wait.emitError("waits for an event no earlier tier.copy of this function made");
          return WalkResult::interrupt();
        }
        func::CallOp::create(builder, wait.getLoc(), declare(module, kWait, 2, false),
                             ValueRange{constant(builder, wait.getLoc(), ticket->second.stream),
                                        ticket->second.number});
        erased.push_back(op);
      } else if (isa<tier::FreeOp>(op)) {
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

  llvm::StringMap<int64_t> streams;
};

} // namespace

//===- PlanBuffers.cpp - Every buffer at an offset in an arena ------------===//
//
// Implements `strata-plan-buffers`: sizes from SizeBounds, lifetimes from
// BufferLifetimes, in-place reuse for elementwise ops, offsets from
// packArena, then the rewrite of each allocation into a view of its memory
// space's arena argument.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/ArenaPacking.h"
#include "passes/plan/BufferLifetimes.h"
#include "passes/plan/Passes.h"
#include "passes/plan/SizeBounds.h"

#include "dialects/program/RuntimeCheck.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/EquivalenceClasses.h"

#include <map>

using namespace mlir;
using namespace strata;
using namespace strata::plan;

namespace strata {
#define GEN_PASS_DEF_PLANBUFFERS
#include "passes/plan/Passes.h.inc"
} // namespace strata

namespace {

/// A buffer the plan places in an arena.
struct Placed {
  size_t lifetime;
  int64_t bytes;
  int64_t alignment;
  unsigned space;
};

/// The memory space number of `type` (0 when it has none).
FailureOr<unsigned> memorySpaceOf(memref::AllocOp alloc) {
  Attribute space = alloc.getType().getMemorySpace();
  if (!space)
    return 0u;
  if (auto number = dyn_cast<IntegerAttr>(space))
    return static_cast<unsigned>(number.getInt());
  return alloc.emitError("the buffer plan needs integer memory spaces, got ") << space;
}

/// The op that first uses `alloc`'s result directly, if it is in the same
/// block and comes before every other use.
Operation *firstUser(memref::AllocOp alloc) {
  Operation *first = nullptr;
  for (Operation *user : alloc->getUsers()) {
    if (user->getBlock() != alloc->getBlock())
      return nullptr;
    if (!first || user->isBeforeInBlock(first))
      first = user;
  }
  return first;
}

/// Stops the program when the run-time size of dynamic `alloc` exceeds the
/// `slot` bytes the plan gave it (possible only where the size analysis
/// assumed input dimensions of at least 1).
void checkSlot(OpBuilder &builder, memref::AllocOp alloc, int64_t slot) {
  Location loc = alloc.getLoc();
  MemRefType type = alloc.getType();
  int64_t staticElements = 1;
  for (int64_t d : type.getShape())
    if (!ShapedType::isDynamic(d))
      staticElements *= d;
  // Bytes so far times the next size, checked against the slot by division
  // so that nothing overflows.
  Value bytes = arith::ConstantIndexOp::create(builder, loc,
                                               staticElements * storageBytes(type));
  Value limit = arith::ConstantIndexOp::create(builder, loc, slot);
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  Value fits = arith::ConstantIntOp::create(builder, loc, 1, 1);
  for (Value size : alloc.getDynamicSizes()) {
    Value room = arith::DivUIOp::create(builder, loc, limit,
                                        arith::MaxUIOp::create(builder, loc, bytes, one));
    Value sizeFits = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ule, size, room);
    fits = arith::AndIOp::create(builder, loc, fits, sizeFits);
    bytes = arith::MulIOp::create(builder, loc, bytes,
                                  arith::MinUIOp::create(builder, loc, size, room));
  }
  Value within = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ule, bytes, limit);
  fits = arith::AndIOp::create(builder, loc, fits, within);
  program::emitRuntimeCheck(builder, loc, fits,
                            "a buffer outgrows the " + std::to_string(slot) +
                                " bytes the memory plan reserved for it (an empty input "
                                "dimension can make ONNX shapes grow)");
}

struct PlanBuffers : strata::impl::PlanBuffersBase<PlanBuffers> {
  using Base::Base;

  void runOnOperation() override {
    for (auto function : getOperation().getOps<func::FuncOp>())
      if (!function.isDeclaration() && failed(planFunction(function)))
        return signalPassFailure();
  }

  LogicalResult planFunction(func::FuncOp function);

  /// The planned buffer that `lifetimes[b]` may share in place with: the
  /// input of its first writer, an elementwise op, whose last use that is.
  std::optional<size_t> inPlacePartner(const BufferLifetimes &lifetimes, size_t b,
                                       const llvm::DenseMap<size_t, size_t> &placedIndex,
                                       const std::vector<Placed> &placed,
                                       const std::vector<int64_t> &groupEnd,
                                       llvm::EquivalenceClasses<size_t> &groups);
};

std::optional<size_t>
PlanBuffers::inPlacePartner(const BufferLifetimes &lifetimes, size_t b,
                            const llvm::DenseMap<size_t, size_t> &placedIndex,
                            const std::vector<Placed> &placed, const std::vector<int64_t> &groupEnd,
                            llvm::EquivalenceClasses<size_t> &groups) {
  const BufferLifetime &out = lifetimes.get()[b];
  memref::AllocOp alloc = out.alloc;
  auto op = dyn_cast_or_null<linalg::GenericOp>(firstUser(alloc));
  if (!op || op.getNumReductionLoops() != 0)
    return std::nullopt;
  Value result = alloc.getResult();
  OpOperand *init = nullptr;
  for (OpOperand &operand : op.getDpsInitsMutable())
    if (operand.get() == result)
      init = &operand;
  if (!init || !op.getMatchingIndexingMap(init).isIdentity())
    return std::nullopt;
  int64_t position = lifetimes.positionOf(op);
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto source = input->get().getDefiningOp<memref::AllocOp>();
    if (!source || input->get().getType() != result.getType() ||
        !op.getMatchingIndexingMap(input).isIdentity())
      continue;
    size_t a = lifetimes.indexOf(source);
    auto slot = placedIndex.find(a);
    if (slot == placedIndex.end() || lifetimes.get()[a].returned)
      continue;
    const Placed &in = placed[slot->second];
    const Placed &self = placed[placedIndex.lookup(b)];
    size_t leader = groups.getLeaderValue(slot->second);
    // The input's group must die here, and no other operand may read it.
    if (in.space != self.space || in.bytes < self.bytes || groupEnd[leader] != position)
      continue;
    bool readElsewhere = llvm::any_of(op->getOpOperands(), [&](OpOperand &other) {
      return &other != input && lifetimes.mayAlias(a, other.get());
    });
    if (!readElsewhere)
      return slot->second;
  }
  return std::nullopt;
}

LogicalResult PlanBuffers::planFunction(func::FuncOp function) {
  BufferLifetimes lifetimes(function);
  SizeBounds bounds(function);
  std::vector<Placed> placed;
  llvm::DenseMap<size_t, size_t> placedIndex;
  std::vector<size_t> onHeap;
  for (auto [index, lifetime] : llvm::enumerate(lifetimes.get())) {
    memref::AllocOp alloc = lifetime.alloc;
    if (lifetime.carriedByLoop)
      return alloc.emitError("the buffer plan cannot place a buffer that a loop allocates and "
                             "carries into its next iteration");
    FailureOr<unsigned> space = memorySpaceOf(alloc);
    if (failed(space))
      return failure();
    std::optional<int64_t> bytes = bounds.bytesUpperBound(alloc);
    if (!bytes || !function.isPublic()) {
      onHeap.push_back(index);
      continue;
    }
    int64_t alignment =
        std::max<int64_t>(minAlignment, alloc.getAlignment().value_or(minAlignment));
    if (!llvm::isPowerOf2_64(alignment))
      return alloc.emitError("buffer alignment ") << alignment << " is not a power of two";
    placedIndex[index] = placed.size();
    placed.push_back({index, *bytes, alignment, *space});
  }

  // In-place reuse: a buffer joins its elementwise writer's dying input.
  llvm::EquivalenceClasses<size_t> groups;
  std::vector<int64_t> groupEnd(placed.size()), groupStart(placed.size());
  for (auto [p, buffer] : llvm::enumerate(placed)) {
    groups.insert(p);
    groupStart[p] = lifetimes.get()[buffer.lifetime].start;
    groupEnd[p] = lifetimes.get()[buffer.lifetime].end;
  }
  for (auto [p, buffer] : llvm::enumerate(placed)) {
    if (!inPlace)
      break;
    std::optional<size_t> partner =
        inPlacePartner(lifetimes, buffer.lifetime, placedIndex, placed, groupEnd, groups);
    if (!partner)
      continue;
    size_t leader = groups.getLeaderValue(*partner);
    int64_t start = std::min(groupStart[leader], groupStart[p]);
    int64_t end = std::max(groupEnd[leader], groupEnd[p]);
    groups.unionSets(leader, p);
    size_t merged = groups.getLeaderValue(p);
    groupStart[merged] = start;
    groupEnd[merged] = end;
  }

  // One arena per memory space; a group is one request.
  std::map<unsigned, std::vector<size_t>> leadersBySpace;
  for (auto [p, buffer] : llvm::enumerate(placed))
    if (groups.getLeaderValue(p) == p)
      leadersBySpace[buffer.space].push_back(p);
  std::vector<int64_t> offsets(placed.size(), 0);
  SmallVector<Attribute> arenas;
  MLIRContext *ctx = &getContext();
  llvm::DenseMap<unsigned, Value> arenaArguments;
  for (auto &[space, leaders] : leadersBySpace) {
    std::vector<ArenaRequest> requests;
    for (size_t leader : leaders) {
      ArenaRequest r;
      r.start = groupStart[leader];
      r.end = groupEnd[leader];
      for (size_t member : groups.members(leader)) {
        r.bytes = std::max(r.bytes, placed[member].bytes);
        r.alignment = std::max(r.alignment, placed[member].alignment);
      }
      // Every slot starts aligned, so each takes its size rounded up.
      r.bytes = llvm::alignTo(r.bytes, r.alignment);
      requests.push_back(r);
    }
    ArenaLayout layout = packArena(requests);
    int64_t baseAlignment = minAlignment;
    for (auto [leader, offset] : llvm::zip(leaders, layout.offsets)) {
      for (size_t member : groups.members(leader)) {
        offsets[member] = offset;
        baseAlignment = std::max(baseAlignment, placed[member].alignment);
      }
    }
    arenas.push_back(program::ArenaAttr::get(ctx, space, layout.bytes, layout.lowerBound,
                                             baseAlignment));
    Attribute spaceAttr =
        space == 0 ? Attribute() : IntegerAttr::get(IntegerType::get(ctx, 64), space);
    auto type = MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 8),
                                MemRefLayoutAttrInterface(), spaceAttr);
    unsigned argIndex = function.getNumArguments();
    if (failed(function.insertArgument(argIndex, type, {}, function.getLoc())))
      return failure();
    arenaArguments[space] = function.getArgument(argIndex);
  }

  // One constant per offset, at the top of the function.
  llvm::DenseMap<int64_t, Value> offsetConstants;
  OpBuilder constants(&getContext());
  for (auto [p, buffer] : llvm::enumerate(placed)) {
    memref::AllocOp alloc = lifetimes.get()[buffer.lifetime].alloc;
    Value &offset = offsetConstants[offsets[p]];
    if (!offset) {
      constants.setInsertionPointToStart(&function.getBody().front());
      offset = arith::ConstantIndexOp::create(constants, function.getLoc(), offsets[p]);
    }
    OpBuilder builder(alloc);
    if (!alloc.getDynamicSizes().empty())
      checkSlot(builder, alloc, buffer.bytes);
    Value view = memref::ViewOp::create(builder, alloc.getLoc(), alloc.getType(),
                                        arenaArguments[buffer.space], offset,
                                        alloc.getDynamicSizes());
    alloc.replaceAllUsesWith(view);
    alloc.erase();
  }

  // Buffers without a size bound stay on the heap, freed after their last use
  // (or, when returned, by the executor once it has copied them out).
  for (size_t index : onHeap) {
    const BufferLifetime &lifetime = lifetimes.get()[index];
    if (lifetime.returned)
      continue;
    memref::AllocOp alloc = lifetime.alloc;
    for (Operation *user : lifetime.users)
      if (!alloc->getBlock()->findAncestorOpInBlock(*user))
        return alloc.emitError("the buffer plan cannot free a buffer of unbounded size "
                               "that is used outside the block that allocates it");
    OpBuilder builder(alloc);
    builder.setInsertionPointAfter(lifetime.lastUseInBlock ? lifetime.lastUseInBlock
                                                           : alloc.getOperation());
    memref::DeallocOp::create(builder, alloc.getLoc(), alloc);
  }
  if (!arenas.empty())
    function->setAttr(program::ProgramDialect::kArenas, ArrayAttr::get(ctx, arenas));
  return success();
}

} // namespace

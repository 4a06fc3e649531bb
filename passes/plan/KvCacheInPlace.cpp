//===- KvCacheInPlace.cpp - A decoder's KV cache appended in place --------===//
//
// Implements `strata-kv-cache-in-place`: each KV cache input that only a
// concat of past and new positions reads, and whose concat the entry function
// returns, becomes a buffer of the cache's capacity plus a count of the
// positions it holds; the new positions are written after them in place. A
// `graph.cache_write` after the concat (a padded batch's entries, each
// appended after its own length) then updates that view in place.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/Passes.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/program/RuntimeCheck.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace strata;

namespace strata {
#define GEN_PASS_DEF_KVCACHEINPLACE
#include "passes/plan/Passes.h.inc"
} // namespace strata

namespace {

/// A cache input the pass can rewrite: the op that joins it with the new
/// positions (a concat, or an attention op that takes it as its past), the
/// new positions, the joined value and where the function returns that.
struct Candidate {
  BlockArgument past;
  Operation *join;
  Value fresh, joined;
  unsigned output;
  int64_t axis, capacity;
};

/// The names of the dimensions of argument or result `attrs` describes.
ArrayRef<StringAttr> dimNames(DictionaryAttr attrs) {
  auto value = attrs ? attrs.getAs<program::ValueAttr>(program::ProgramDialect::kValue) : nullptr;
  return value ? value.getDims() : ArrayRef<StringAttr>();
}

/// The bound of dimension `name`: its own, or, for the sums exporters write
/// as names of computed sizes ("past_sequence + sequence"), the sum of its
/// terms' bounds (names or integers).
std::optional<int64_t> boundOf(program::BoundsAttr bounds, StringRef name) {
  if (std::optional<int64_t> bound = bounds.lookup(name))
    return bound;
  if (!name.contains('+'))
    return std::nullopt;
  SmallVector<StringRef> terms;
  name.split(terms, '+');
  int64_t sum = 0;
  for (StringRef term : terms) {
    term = term.trim();
    int64_t value = 0;
    if (term.getAsInteger(10, value)) {
      std::optional<int64_t> bound = bounds.lookup(term);
      if (!bound)
        return std::nullopt;
      value = *bound;
    }
    std::optional<int64_t> next = llvm::checkedAdd(sum, value);
    if (!next || value < 0)
      return std::nullopt;
    sum = *next;
  }
  return sum;
}

/// The op that joins `past` with new positions, if only one reads its data
/// (shape_of only reads its shape): a two-operand concat with `past` first,
/// or an attention op with `past` as its past key or value.
std::optional<Candidate> joinOf(BlockArgument past) {
  std::optional<Candidate> found;
  for (OpOperand &use : past.getUses()) {
    Operation *user = use.getOwner();
    if (isa<graph::ShapeOfOp>(user))
      continue;
    if (found)
      return std::nullopt;
    if (auto concat = dyn_cast<graph::ConcatOp>(user)) {
      if (use.getOperandNumber() != 0 || concat.getInputs().size() != 2)
        return std::nullopt;
      found = Candidate{past,
                        concat,
                        concat.getInputs()[1],
                        concat.getResult(),
                        0,
                        static_cast<int64_t>(concat.getAxis()),
                        0};
      continue;
    }
    auto attention = dyn_cast<graph::AttentionOp>(user);
    if (!attention)
      return std::nullopt;
    if (use.get() == attention.getPastKey())
      found = Candidate{past, attention, attention.getKey(), attention.getPresentKey(), 0, 2, 0};
    else if (use.get() == attention.getPastValue())
      found =
          Candidate{past, attention, attention.getValue(), attention.getPresentValue(), 0, 2, 0};
    else
      return std::nullopt;
  }
  return found;
}

/// The `graph.cache_write` into `joined`, if it is the only op that reads
/// its data (shape_of only reads its shape).
graph::CacheWriteOp onlyWriteOf(Value joined) {
  graph::CacheWriteOp found;
  for (OpOperand &use : joined.getUses()) {
    if (isa<graph::ShapeOfOp>(use.getOwner()))
      continue;
    auto write = dyn_cast<graph::CacheWriteOp>(use.getOwner());
    if (found || !write || use.getOperandNumber() != 0)
      return nullptr;
    found = write;
  }
  return found;
}

/// `past` as a KV cache input, if it is one: joined with new positions (see
/// joinOf) along a dynamic axis, the joined value (or the `graph.cache_write`
/// that alone reads it, which then writes in place) returned once, and every
/// dynamic size bounded (the axis by the bound of the returned output's
/// dimension: the capacity).
std::optional<Candidate> asCandidate(func::FuncOp func, BlockArgument past,
                                     program::BoundsAttr bounds, func::ReturnOp ret) {
  auto type = dyn_cast<RankedTensorType>(past.getType());
  std::optional<Candidate> c = type ? joinOf(past) : std::nullopt;
  if (!c || c->axis < 0 || c->axis >= type.getRank() || !type.isDynamicDim(c->axis))
    return std::nullopt;
  // A padded batch's per-entry writes (GroupQueryAttention's present) update
  // the joined value, and the function returns what they make.
  Value returned = c->joined;
  if (graph::CacheWriteOp write = onlyWriteOf(c->joined);
      write && static_cast<int64_t>(write.getAxis()) == c->axis)
    returned = write.getResult();
  std::optional<unsigned> output;
  for (OpOperand &use : returned.getUses()) {
    if (use.getOwner() != ret.getOperation())
      continue;
    if (output)
      return std::nullopt;
    output = use.getOperandNumber();
  }
  if (!output)
    return std::nullopt;
  c->output = *output;
  ArrayRef<StringAttr> pastDims = dimNames(func.getArgAttrDict(past.getArgNumber()));
  ArrayRef<StringAttr> presentDims = dimNames(func.getResultAttrDict(*output));
  if (pastDims.size() != static_cast<size_t>(type.getRank()) ||
      presentDims.size() != pastDims.size())
    return std::nullopt;
  std::optional<int64_t> capacity;
  if (!presentDims[c->axis].getValue().empty())
    capacity = boundOf(bounds, presentDims[c->axis].getValue());
  if (!capacity || *capacity <= 0)
    return std::nullopt;
  c->capacity = *capacity;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (d != c->axis && type.isDynamicDim(d) &&
        (pastDims[d].getValue().empty() || !bounds.lookup(pastDims[d].getValue())))
      return std::nullopt;
  return c;
}

/// Rewrites `c`; `length` is the new argument counting the cached positions.
/// Returns the view of the old and new positions.
Value rewrite(Candidate c, BlockArgument length) {
  Location loc = c.join->getLoc();
  auto pastType = cast<RankedTensorType>(c.past.getType());
  SmallVector<int64_t> cacheShape(pastType.getShape());
  cacheShape[c.axis] = c.capacity;
  c.past.setType(pastType.clone(cacheShape));

  OpBuilder b = OpBuilder::atBlockBegin(c.past.getOwner());
  Value count = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                           tensor::ExtractOp::create(b, loc, length, ValueRange()));
  // The executor never passes more than the capacity (nor a negative count,
  // which is more as an unsigned number); the clamp tells the buffer plan so.
  Value capacity = arith::ConstantIndexOp::create(b, loc, c.capacity);
  program::emitRuntimeCheck(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, count, capacity),
      "the KV cache's count of held positions exceeds its capacity of " + llvm::Twine(c.capacity));
  Value held = arith::MinUIOp::create(b, loc, count, capacity);
  SmallVector<OpFoldResult> zeros(pastType.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> ones(pastType.getRank(), b.getIndexAttr(1));
  SmallVector<OpFoldResult> pastSizes = tensor::getMixedSizes(b, loc, c.past);
  pastSizes[c.axis] = held;
  Value past = tensor::ExtractSliceOp::create(b, loc, pastType, c.past, zeros, pastSizes, ones);
  // The sizes just read stay on the cache; every other reader reads `past`.
  Operation *slice = past.getDefiningOp();
  c.past.replaceUsesWithIf(past, [&](OpOperand &use) {
    Operation *user = use.getOwner();
    return user != slice &&
           !(user->getBlock() == slice->getBlock() && user->isBeforeInBlock(slice));
  });

  b.setInsertionPoint(c.join);
  Value fresh = c.fresh;
  SmallVector<OpFoldResult> freshSizes = tensor::getMixedSizes(b, loc, fresh);
  Value added = getValueOrCreateConstantIndexOp(b, loc, freshSizes[c.axis]);
  Value end = arith::AddIOp::create(b, loc, held, added);
  Value fits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, end, capacity);
  program::emitRuntimeCheck(b, loc, fits,
                            "the KV cache holds " + llvm::Twine(c.capacity) +
                                " positions (the --max-shape bound of its present output), "
                                "fewer than the cached and new ones together");
  // The concat checked that past and new agree beside the axis; the cache's
  // other sizes are the caller's past's, so a new part larger than them
  // would be written outside the view the caller filled.
  SmallVector<OpFoldResult> cacheSizes = tensor::getMixedSizes(b, loc, c.past);
  for (int64_t d = 0; d < pastType.getRank(); ++d) {
    if (d == c.axis || (isa<Attribute>(cacheSizes[d]) && isa<Attribute>(freshSizes[d])))
      continue;
    Value cached = getValueOrCreateConstantIndexOp(b, loc, cacheSizes[d]);
    Value incoming = getValueOrCreateConstantIndexOp(b, loc, freshSizes[d]);
    program::emitRuntimeCheck(
        b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, cached, incoming),
        "the new positions' dimension " + llvm::Twine(d) +
            " differs from the KV cache's (the past input's)");
  }
  SmallVector<OpFoldResult> offsets = zeros;
  offsets[c.axis] = held;
  Value appended = tensor::InsertSliceOp::create(b, loc, fresh, c.past, offsets, freshSizes, ones);
  SmallVector<OpFoldResult> presentSizes = tensor::getMixedSizes(b, loc, c.past);
  presentSizes[c.axis] = end;
  Value present = tensor::ExtractSliceOp::create(b, loc, cast<RankedTensorType>(c.joined.getType()),
                                                 appended, zeros, presentSizes, ones);
  c.joined.replaceAllUsesWith(present);
  if (isa<graph::ConcatOp>(c.join))
    c.join->erase();
  return present;
}

/// Makes `attention`, whose past key and value were rewritten, read the views
/// of old and new positions as its keys and values, without a past.
void attendToViews(graph::AttentionOp attention, Value keys, Value values) {
  OpBuilder b(attention);
  auto fresh = graph::AttentionOp::create(
      b, attention.getLoc(), attention->getResultTypes(), attention.getQuery(), keys, values,
      attention.getMask(), Value(), Value(), attention.getScaleAttr(), attention.getCausalAttr(),
      attention.getSoftcapAttr(), attention.getQkModeAttr(), attention.getZeroMaskedRowsAttr());
  attention.getResult().replaceAllUsesWith(fresh.getResult());
  attention.getQk().replaceAllUsesWith(fresh.getQk());
  attention.erase();
}

struct KvCacheInPlace : strata::impl::KvCacheInPlaceBase<KvCacheInPlace> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    auto bounds = func->getAttrOfType<program::BoundsAttr>(program::ProgramDialect::kBounds);
    if (!func->hasAttr(program::ProgramDialect::kEntry) || !bounds || func.isDeclaration())
      return;
    auto ret = dyn_cast<func::ReturnOp>(func.front().getTerminator());
    if (!ret)
      return;
    SmallVector<Candidate> found, candidates;
    for (BlockArgument arg : func.getArguments())
      if (std::optional<Candidate> c = asCandidate(func, arg, bounds, ret))
        found.push_back(*c);
    // An attention op's past key and value go in place together or not at all.
    for (const Candidate &c : found)
      if (isa<graph::ConcatOp>(c.join) ||
          llvm::count_if(found, [&](const Candidate &other) { return other.join == c.join; }) == 2)
        candidates.push_back(c);
    if (candidates.empty())
      return;
    Builder b(&getContext());
    auto lengthType = RankedTensorType::get({}, b.getI64Type());
    SmallVector<Attribute> caches;
    // The attention ops that take a past, with the views of their keys and
    // values once the past is appended to.
    llvm::MapVector<graph::AttentionOp, std::pair<Value, Value>> views;
    for (const Candidate &c : candidates) {
      unsigned index = func.getNumArguments();
      if (failed(func.insertArgument(index, lengthType, DictionaryAttr(), c.past.getLoc())))
        return signalPassFailure();
      auto attention = dyn_cast<graph::AttentionOp>(c.join);
      bool isKey = attention && c.joined == attention.getPresentKey();
      Value present = rewrite(c, func.getArgument(index));
      if (attention)
        (isKey ? views[attention].first : views[attention].second) = present;
      caches.push_back(program::KvCacheAttr::get(&getContext(), c.past.getArgNumber(), c.output,
                                                 c.axis, c.capacity));
    }
    for (auto &[attention, keysAndValues] : views)
      attendToViews(attention, keysAndValues.first, keysAndValues.second);
    func.setFunctionType(
        FunctionType::get(&getContext(), func.front().getArgumentTypes(), ret.getOperandTypes()));
    func->setAttr(program::ProgramDialect::kKvCaches, b.getArrayAttr(caches));
  }
};

} // namespace

//===- TierStages.cpp - One step of a graph, cut where weights are read ---===//
//
// Reads the entry function once, in order. An op's compute time is the sum,
// over the ops it holds (itself, or a fusion group's members), of the larger
// of flops over the device's flop rate and bytes over its memory bandwidth,
// both from the cost interface. Activations live from the op that makes
// them to the last top-level op that reads them; inputs from the start;
// results to the end.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/TierStages.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/graph/GraphInterfaces.h"
#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace strata;

namespace {

/// The bytes of a value of static type `type`, or nothing.
std::optional<int64_t> staticBytes(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape() || !shaped.getElementType().isIntOrFloat())
    return std::nullopt;
  return shaped.getNumElements() * ((shaped.getElementTypeBitWidth() + 7) / 8);
}

} // namespace

int64_t strata::weightSlotBytes(ml_program::GlobalOp global, int64_t minBytes) {
  if (global.getIsMutable())
    return 0;
  auto type = dyn_cast<RankedTensorType>(global.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isIntOrFloat() ||
      type.getElementTypeBitWidth() % 8 != 0)
    return 0;
  int64_t bytes = type.getNumElements() * (type.getElementTypeBitWidth() / 8);
  return bytes >= minBytes ? static_cast<int64_t>(llvm::alignTo(bytes, kSlotAlignment)) : 0;
}

namespace {

/// Every value `op` reads from outside itself.
llvm::SetVector<Value> valuesRead(Operation *op) {
  llvm::SetVector<Value> read;
  op->walk([&](Operation *inner) {
    for (Value operand : inner->getOperands()) {
      Operation *owner = operand.getParentBlock()->getParentOp();
      if (inner == op || !op->isAncestor(owner))
        read.insert(operand);
    }
  });
  return read;
}

/// What `op` costs: the seconds it computes for, and the bytes of the
/// buffers it holds while it runs besides its results: the results and
/// working memory of the largest op inside it (a fused chain passes one
/// value at a time), or its own working memory.
struct OpEstimate {
  double seconds = 0;
  int64_t transientBytes = 0;
};

FailureOr<OpEstimate> estimate(Operation *op, const TierBandwidths &bandwidths,
                               const llvm::DenseSet<Value> &cacheViews) {
  // The values inside `op` that it returns as views of a KV cache: no
  // buffer of their own, so no transient bytes.
  llvm::DenseSet<Value> innerViews;
  if (op->getNumRegions() == 1 && !op->getRegion(0).empty())
    if (Operation *yield = op->getRegion(0).front().getTerminator())
      for (auto [result, yielded] : llvm::zip(op->getResults(), yield->getOperands()))
        if (cacheViews.contains(result))
          innerViews.insert(yielded);
  OpEstimate result;
  WalkResult walk = op->walk([&](graph::CostOpInterface costed) {
    FailureOr<graph::OpCost> cost = costed.getStaticCost();
    if (failed(cost)) {
      costed->emitError("the tier plan needs every size of this op; give the model's inputs "
                        "static shapes with --shape");
      return WalkResult::interrupt();
    }
    double flops = cost->flops / bandwidths.deviceFlops;
    double bytes = (cost->bytesRead + cost->bytesWritten) / bandwidths.deviceMemory;
    result.seconds += std::max(flops, bytes);
    // An op inside holds its results and working memory at once; the op
    // itself, its working memory beside the results counted live.
    int64_t held = cost->workingBytes;
    if (costed.getOperation() != op) {
      held += cost->bytesWritten;
      for (Value value : costed->getResults())
        if (innerViews.contains(value))
          held -= staticBytes(value.getType()).value_or(0);
    }
    result.transientBytes = std::max(result.transientBytes, held);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  return result;
}

/// The KV caches of `entry` at their capacity, and the values that are
/// views of them (the cache arguments and the outputs that return them).
LogicalResult collectCaches(func::FuncOp entry, GraphStages &result, llvm::DenseSet<Value> &views) {
  auto caches = entry->getAttrOfType<ArrayAttr>(program::ProgramDialect::kKvCaches);
  if (!caches)
    return success();
  Operation *terminator = entry.getBody().front().getTerminator();
  for (auto cache : caches.getAsRange<program::KvCacheAttr>()) {
    unsigned input = cache.getInput(), output = cache.getOutput();
    if (input >= entry.getNumArguments() || output >= terminator->getNumOperands())
      return entry.emitError("a KV cache names input ")
             << input << " or output " << output << ", which the function lacks";
    BlockArgument argument = entry.getArgument(input);
    auto type = dyn_cast<RankedTensorType>(argument.getType());
    if (!type || !staticBytes(type) || cache.getAxis() >= type.getRank() ||
        cache.getCapacity() <= 0)
      return entry.emitError("the KV cache of input ")
             << input << " needs a static shape, an axis within it and a capacity";
    SmallVector<int64_t> shape(type.getShape());
    shape[cache.getAxis()] = cache.getCapacity();
    // A cache without elements (a dimension of size 0) needs no placing.
    if (int64_t bytes = *staticBytes(type.clone(shape)))
      result.caches.push_back({input, bytes});
    views.insert(argument);
    views.insert(terminator->getOperand(output));
  }
  return success();
}

} // namespace

FailureOr<GraphStages> strata::collectStages(func::FuncOp entry, int64_t minBytes,
                                             const TierBandwidths &bandwidths) {
  GraphStages result;
  if (entry.isDeclaration())
    return entry.emitError("the tier plan needs the body of the entry function");
  ModuleOp module = entry->getParentOfType<ModuleOp>();
  llvm::StringMap<size_t> weightIndex;
  // The global a value loads whole, if it goes to the weights file.
  auto weightGlobal = [&](Value value) -> ml_program::GlobalOp {
    auto load = value.getDefiningOp<ml_program::GlobalLoadConstOp>();
    if (!load)
      return {};
    auto global =
        SymbolTable::lookupNearestSymbolFrom<ml_program::GlobalOp>(module, load.getGlobalAttr());
    return global && weightSlotBytes(global, minBytes) > 0 ? global : ml_program::GlobalOp();
  };
  auto weightOf = [&](Value value) -> std::optional<size_t> {
    ml_program::GlobalOp global = weightGlobal(value);
    if (!global)
      return std::nullopt;
    int64_t bytes = weightSlotBytes(global, minBytes);
    auto [it, inserted] = weightIndex.try_emplace(global.getSymName(), result.weights.size());
    if (inserted)
      result.weights.push_back({global.getSymNameAttr(), bytes, {}});
    return it->second;
  };

  Block &body = entry.getBody().front();
  // The last top-level op reading each activation.
  llvm::DenseMap<Value, Operation *> lastUse;
  for (Operation &op : body)
    for (Value value : valuesRead(&op))
      lastUse[value] = &op;

  llvm::DenseSet<Value> cacheViews;
  if (failed(collectCaches(entry, result, cacheViews)))
    return failure();
  llvm::DenseSet<Attribute> keptGlobals;
  llvm::MapVector<Value, int64_t> live;
  int64_t liveBytes = 0;
  for (BlockArgument argument : entry.getArguments()) {
    std::optional<int64_t> bytes = staticBytes(argument.getType());
    if (!bytes)
      return entry.emitError("the tier plan needs every size of input #")
             << argument.getArgNumber() << "; give it a static shape with --shape";
    if (cacheViews.contains(argument))
      continue;
    live[argument] = *bytes;
    liveBytes += *bytes;
  }
  result.activationBytes = liveBytes;

  for (Operation &op : body) {
    if (auto load = dyn_cast<ml_program::GlobalLoadConstOp>(op)) {
      if (!weightGlobal(load.getResult()) && keptGlobals.insert(load.getGlobalAttr()).second)
        result.constantBytes += staticBytes(load.getType()).value_or(0);
      continue;
    }
    // A weight the model returns is an output the program hands back: it
    // stays where it is, in the device's memory, with the constants.
    if (op.hasTrait<OpTrait::ReturnLike>()) {
      for (Value value : op.getOperands())
        if (ml_program::GlobalOp global = weightGlobal(value)) {
          if (keptGlobals.insert(SymbolRefAttr::get(global)).second)
            result.constantBytes += weightSlotBytes(global, minBytes);
          result.returned.insert(global.getSymNameAttr());
        }
    }
    if (isa<graph::ConstantOp>(op)) {
      std::optional<int64_t> bytes = staticBytes(op.getResult(0).getType());
      result.constantBytes += bytes.value_or(0);
      continue;
    }
    std::vector<size_t> reads;
    if (!op.hasTrait<OpTrait::ReturnLike>())
      for (Value value : valuesRead(&op))
        if (std::optional<size_t> weight = weightOf(value))
          reads.push_back(*weight);
    bool readsNewWeight = llvm::any_of(reads, [&](size_t w) {
      return !result.stageWeights.empty() && !llvm::is_contained(result.stageWeights.back(), w);
    });
    bool opensStage =
        result.stages.empty() || (readsNewWeight && !result.stageWeights.back().empty());
    if (opensStage) {
      result.stages.emplace_back();
      result.starts.push_back(&op);
      result.stageWeights.emplace_back();
    }
    size_t stage = result.stages.size() - 1;
    for (size_t w : reads)
      if (!llvm::is_contained(result.stageWeights[stage], w)) {
        result.stageWeights[stage].push_back(w);
        result.stages[stage].weightBytes += result.weights[w].bytes;
        result.weights[w].stages.push_back(stage);
      }
    FailureOr<OpEstimate> cost = estimate(&op, bandwidths, cacheViews);
    if (failed(cost))
      return failure();
    result.stages[stage].computeSeconds += cost->seconds;

    for (Value value : op.getResults()) {
      std::optional<int64_t> bytes = staticBytes(value.getType());
      if (!bytes)
        return op.emitError("the tier plan needs the size of every value; result #")
               << cast<OpResult>(value).getResultNumber()
               << " has a dynamic shape: give the model's inputs static shapes with --shape";
      if (cacheViews.contains(value))
        continue;
      live[value] = *bytes;
      liveBytes += *bytes;
    }
    if (liveBytes + cost->transientBytes > result.activationBytes) {
      result.activationBytes = liveBytes + cost->transientBytes;
      result.activationPeak = &op;
    }
    bool returns = op.hasTrait<OpTrait::ReturnLike>();
    SmallVector<Value> ended;
    for (Value value : valuesRead(&op))
      if (lastUse.lookup(value) == &op && !returns)
        ended.push_back(value);
    for (Value value : op.getResults())
      if (!lastUse.count(value))
        ended.push_back(value);
    for (Value value : ended) {
      auto it = live.find(value);
      if (it == live.end())
        continue;
      liveBytes -= it->second;
      live.erase(it);
    }
  }
  return result;
}

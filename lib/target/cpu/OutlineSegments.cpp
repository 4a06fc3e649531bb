//===- OutlineSegments.cpp - Long function bodies as calls of segments ----===//
//
// Implements `strata-cpu-outline-segments`: after the kernels are outlined,
// the entry function is one block of a call per node, views and index
// arithmetic. LLVM's code generation grows superlinearly with the length of
// such a block (live ranges are checked against one another: a 30,000-node
// chain took 5 times as long as a 10,000-node one), so the block is cut into
// runs of a bounded number of ops, each moved into a `noinline` function.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

#include <functional>

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_OUTLINESEGMENTS
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

/// Whether `op` allocates in its function's stack frame (`memref.alloca`):
/// a segment that returned such a buffer would return a dangling pointer.
bool allocatesOnStack(Operation &op) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return false;
  SmallVector<MemoryEffects::EffectInstance> allocations;
  effects.getEffects<MemoryEffects::Allocate>(allocations);
  return llvm::any_of(allocations, [](const MemoryEffects::EffectInstance &e) {
    return e.getResource() == SideEffects::AutomaticAllocationScopeResource::get();
  });
}

/// Ops a segment recomputes instead of taking their result as an argument.
bool recomputable(Operation *op) { return op && op->getNumRegions() == 0 && isPure(op); }

/// The ops `[first, end)` of one block, moved into a new function.
class Segment {
public:
  Segment(Operation *first, Operation *end) : first(first), end(end) {
    for (Operation *op = first; op != end; op = op->getNextNode()) {
      ops.push_back(op);
      members.insert(op);
    }
  }

  /// Moves the ops into a private function of `parent`'s module, placed
  /// after `previous`, and calls it in their place. Returns the function.
  func::FuncOp outline(func::FuncOp parent, Operation *previous, SymbolTable &symbols) {
    Block *block = first->getBlock();
    SetVector<Value> used;
    SmallVector<Value> liveOut;
    for (Operation *op : ops) {
      op->walk([&](Operation *nested) {
        for (Value v : nested->getOperands())
          if (!definedWithin(v))
            used.insert(v);
      });
      for (Value result : op->getResults())
        if (llvm::any_of(result.getUsers(), [&](Operation *user) {
              return !members.contains(block->findAncestorOpInBlock(*user));
            }))
          liveOut.push_back(result);
    }
    // The segment returns what is used after it, except what can be
    // recomputed there from what it returns.
    // Visited once each: index arithmetic is a DAG whose paths multiply.
    SetVector<Value> results;
    DenseSet<Value> visited;
    std::function<void(Value)> needed = [&](Value v) {
      if (!definedWithin(v) || !visited.insert(v).second)
        return;
      if (Operation *def = v.getDefiningOp(); recomputable(def))
        llvm::for_each(def->getOperands(), needed);
      else
        results.insert(v);
    };
    llvm::for_each(liveOut, needed);

    Location loc = first->getLoc();
    OpBuilder builder(parent->getContext());
    builder.setInsertionPointAfter(previous);
    auto segment = func::FuncOp::create(builder, loc, (parent.getSymName() + "_segment").str(),
                                        builder.getFunctionType({}, {}));
    segment.setPrivate();
    // Segments only pass buffers to kernels: LLVM compiles them without
    // optimisation (fast instruction selection and register allocation,
    // linear in their length), and keeps them out of line.
    segment->setAttr("passthrough", builder.getStrArrayAttr({"noinline", "optnone"}));
    symbols.insert(segment);
    Block *entry = segment.addEntryBlock();

    OpBuilder prologue = OpBuilder::atBlockBegin(entry);
    IRMapping mapping;
    SmallVector<Value> arguments;
    for (Value v : used)
      resolve(v, *entry, prologue, mapping, arguments);

    entry->getOperations().splice(entry->end(), block->getOperations(), first->getIterator(),
                                  end->getIterator());
    for (Operation *op : ops)
      op->walk([&](Operation *nested) {
        for (OpOperand &operand : nested->getOpOperands())
          if (Value inside = mapping.lookupOrNull(operand.get()))
            operand.set(inside);
      });
    OpBuilder epilogue = OpBuilder::atBlockEnd(entry);
    func::ReturnOp::create(epilogue, loc, results.getArrayRef());
    segment.setFunctionType(builder.getFunctionType(entry->getArgumentTypes(),
                                                    ValueRange(results.getArrayRef()).getTypes()));

    OpBuilder after(end);
    auto call = func::CallOp::create(after, loc, segment, arguments);
    // The moved ops now use the segment's arguments and recomputations: back
    // to the values they stand for.
    IRMapping returned;
    for (auto [outside, inside] : mapping.getValueMap())
      returned.map(inside, outside);
    returned.map(results.getArrayRef(), call.getResults());
    for (Value v : liveOut) {
      Value outside = recompute(v, after, returned);
      v.replaceUsesWithIf(outside,
                          [&](OpOperand &use) { return !segment->isAncestor(use.getOwner()); });
    }
    return segment;
  }

private:
  /// Whether `v` is defined by one of the segment's ops or inside one
  /// (before or after they move).
  bool definedWithin(Value v) const {
    Operation *def = v.getDefiningOp();
    if (!def)
      def = cast<BlockArgument>(v).getOwner()->getParentOp();
    while (def && !members.contains(def))
      def = def->getParentOp();
    return def != nullptr;
  }

  /// The value of `v` after the segment's call: a result of the call, or a
  /// recomputation of what it is computed from.
  Value recompute(Value v, OpBuilder &after, IRMapping &returned) {
    if (!definedWithin(v))
      return v;
    if (Value outside = returned.lookupOrNull(v))
      return outside;
    Operation *def = v.getDefiningOp();
    for (Value operand : def->getOperands())
      recompute(operand, after, returned);
    after.clone(*def, returned);
    return returned.lookup(v);
  }

  /// Maps `v` to its value inside the segment: a recomputation of its
  /// defining op, or a new argument.
  Value resolve(Value v, Block &entry, OpBuilder &prologue, IRMapping &mapping,
                SmallVector<Value> &arguments) {
    if (Value inside = mapping.lookupOrNull(v))
      return inside;
    Operation *def = v.getDefiningOp();
    if (recomputable(def)) {
      for (Value operand : def->getOperands())
        resolve(operand, entry, prologue, mapping, arguments);
      prologue.clone(*def, mapping);
      return mapping.lookup(v);
    }
    BlockArgument argument = entry.addArgument(v.getType(), v.getLoc());
    mapping.map(v, argument);
    arguments.push_back(v);
    return argument;
  }

  Operation *first;
  Operation *end;
  /// The ops in block order, and as a set.
  SmallVector<Operation *> ops;
  llvm::SmallPtrSet<Operation *, 16> members;
};

struct OutlineSegments : strata::impl::OutlineSegmentsBase<OutlineSegments> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    for (func::FuncOp function : functions)
      if (!function.isExternal() && function.getBody().hasOneBlock())
        split(function, symbols);
  }

  /// Cuts the body of `function` where a segment has reached its size.
  void split(func::FuncOp function, SymbolTable &symbols) {
    Block &block = function.getBody().front();
    SmallVector<std::pair<Operation *, Operation *>> ranges;
    Operation *start = &block.front();
    int64_t size = 0;
    SmallVector<Operation *> stackBuffers;
    // No cut between a stack buffer and a use of it, or of a value made from
    // it (a cast, a pointer taken as an integer), which a later segment
    // would read from the earlier one's dead frame.
    auto mayCutBefore = [&](Operation &op) {
      return llvm::all_of(stackBuffers, [&](Operation *buffer) {
        SmallVector<Operation *> work{buffer};
        DenseSet<Operation *> seen{buffer};
        while (!work.empty()) {
          Operation *current = work.pop_back_val();
          for (Operation *user : current->getUsers()) {
            Operation *top = block.findAncestorOpInBlock(*user);
            if (!top->isBeforeInBlock(&op))
              return false;
            if (seen.insert(top).second)
              work.push_back(top);
          }
        }
        return true;
      });
    };
    for (Operation &op : block.without_terminator()) {
      if (size >= opsPerSegment && mayCutBefore(op)) {
        ranges.emplace_back(start, &op);
        start = &op;
        size = 0;
        stackBuffers.clear();
      }
      // What a segment recomputes is not counted: it goes where it is used.
      if (!recomputable(&op))
        op.walk([&](Operation *) { ++size; });
      if (allocatesOnStack(op))
        stackBuffers.push_back(&op);
    }
    if (ranges.empty())
      return;
    ranges.emplace_back(start, block.getTerminator());
    Operation *previous = function;
    for (auto [first, end] : ranges)
      previous = Segment(first, end).outline(function, previous, symbols);
    // What was recomputed after a segment for the next ones, which recompute
    // it themselves.
    for (Operation *op = block.getTerminator()->getPrevNode(); op;) {
      Operation *previous = op->getPrevNode();
      if (op->use_empty() && recomputable(op))
        op->erase();
      op = previous;
    }
  }
};

} // namespace

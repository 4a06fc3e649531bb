//===- BufferLifetimes.cpp - When each allocated buffer is live -----------===//
//
// Aliases are found conservatively: any memref an op produces from a memref
// operand may alias it (views, casts, selects, calls), a region's terminator
// passes its operands to the parent's results and to the region's block
// arguments (loops: the next iteration), and an op taking a memref into its
// regions passes it to their block arguments.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/BufferLifetimes.h"

#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;

namespace strata::plan {

BufferLifetimes::BufferLifetimes(func::FuncOp function) : function(function) {
  int64_t position = 0;
  for (Operation &op : function.getBody().front())
    positions[&op] = position++;
  function.walk([&](memref::AllocOp alloc) {
    BufferLifetime lifetime;
    lifetime.alloc = alloc;
    indices[alloc] = lifetimes.size();
    lifetimes.push_back(lifetime);
  });
  for (auto [index, lifetime] : llvm::enumerate(lifetimes))
    trace(lifetime, index);
}

int64_t BufferLifetimes::positionOf(Operation *op) const {
  Block *body = &function.getBody().front();
  while (op->getBlock() != body)
    op = op->getParentOp();
  return positions.lookup(op);
}

bool BufferLifetimes::mayAlias(size_t index, Value value) const {
  auto it = aliases.find(value);
  return it != aliases.end() && llvm::is_contained(it->second, index);
}

void BufferLifetimes::trace(BufferLifetime &lifetime, size_t index) {
  Operation *allocOp = lifetime.alloc;
  Block *home = allocOp->getBlock();
  lifetime.start = lifetime.end = positionOf(allocOp);
  SmallVector<Value> worklist;
  llvm::DenseSet<Value> seen;
  auto addAlias = [&](Value v) {
    if (isa<BaseMemRefType>(v.getType()) && seen.insert(v).second)
      worklist.push_back(v);
  };
  auto addRegionArguments = [&](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          addAlias(arg);
  };
  addAlias(lifetime.alloc.getResult());
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    aliases[value].push_back(index);
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      lifetime.users.push_back(user);
      lifetime.end = std::max(lifetime.end, positionOf(user));
      if (Operation *inHome = home->findAncestorOpInBlock(*user))
        if (!lifetime.lastUseInBlock || lifetime.lastUseInBlock->isBeforeInBlock(inHome))
          lifetime.lastUseInBlock = inHome;
      if (isa<func::ReturnOp>(user)) {
        lifetime.returned = true;
        continue;
      }
      if (user->hasTrait<OpTrait::IsTerminator>()) {
        Operation *parent = user->getParentOp();
        if (isa<LoopLikeOpInterface>(parent) && parent->isProperAncestor(allocOp))
          lifetime.carriedByLoop = true;
        for (Value result : parent->getResults())
          addAlias(result);
        addRegionArguments(parent);
        continue;
      }
      for (Value result : user->getResults())
        addAlias(result);
      addRegionArguments(user);
    }
  }
  if (lifetime.returned)
    lifetime.end = static_cast<int64_t>(positions.size()) - 1;
}

} // namespace strata::plan

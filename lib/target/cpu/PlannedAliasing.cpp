//===- PlannedAliasing.cpp - Which planned buffers may overlap ------------===//
//
// Follows a memref through views to where its memory comes from.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/PlannedAliasing.h"

#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace strata {
namespace {

/// Where a memref's memory comes from: the value that allocated or received
/// it, and, for a view of an arena, its byte offset there.
struct Origin {
  Value root;
  std::optional<int64_t> offset;
};

Origin originOf(Value memref) {
  while (true) {
    Operation *op = memref.getDefiningOp();
    if (auto view = dyn_cast_or_null<memref::ViewOp>(op)) {
      APInt offset;
      if (!matchPattern(view.getByteShift(), m_ConstantInt(&offset)))
        return {view.getSource(), std::nullopt};
      return {view.getSource(), offset.getSExtValue()};
    }
    if (auto viewLike = dyn_cast_or_null<ViewLikeOpInterface>(op)) {
      memref = viewLike.getViewSource();
      continue;
    }
    if (isa_and_nonnull<memref::ReshapeOp>(op)) {
      memref = op->getOperand(0);
      continue;
    }
    return {memref, std::nullopt};
  }
}

} // namespace

bool mayAlias(Value a, Value b) {
  Origin x = originOf(a), y = originOf(b);
  if (x.root != y.root) {
    // Distinct allocations: arguments (inputs, weights, arenas, each its own
    // block), globals, heap and stack blocks.
    auto isAllocation = [](Value v) {
      return isa<BlockArgument>(v) ||
             isa_and_nonnull<memref::GetGlobalOp, memref::AllocOp, memref::AllocaOp>(
                 v.getDefiningOp());
    };
    return !(isAllocation(x.root) && isAllocation(y.root));
  }
  // Views of one arena at different offsets, live together: the buffer plan
  // keeps them apart.
  return !(x.offset && y.offset && *x.offset != *y.offset);
}

bool isConstant(Value memref, SymbolTable &symbols) {
  Value root = originOf(memref).root;
  if (auto argument = dyn_cast<BlockArgument>(root)) {
    auto function = dyn_cast<FunctionOpInterface>(argument.getOwner()->getParentOp());
    return function && argument.getOwner()->isEntryBlock() &&
           function.getArgAttr(argument.getArgNumber(), program::ProgramDialect::kWeightsRegion) &&
           !function->hasAttr(program::ProgramDialect::kTraining);
  }
  if (auto get = root.getDefiningOp<memref::GetGlobalOp>()) {
    auto global = symbols.lookup<memref::GlobalOp>(get.getName());
    return global && global.getConstant();
  }
  return false;
}

} // namespace strata

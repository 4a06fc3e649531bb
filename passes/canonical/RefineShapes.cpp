//===- RefineShapes.cpp - Propagate static shapes forward -----------------===//
//
// Implements `strata-refine-shapes`: looks through static-to-dynamic casts and
// tightens the result types of type-inferring ops, so that shapes fixed at the
// inputs reach every op.
//
//===----------------------------------------------------------------------===//

#include "passes/canonical/Passes.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

namespace strata {
#define GEN_PASS_DEF_REFINESHAPES
#include "passes/canonical/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

/// Whether `refined` has the element type and rank of `type` and is static
/// wherever `type` is, and more static somewhere.
bool isStrictRefinement(Type type, Type refined) {
  if (type == refined)
    return false;
  return strata::graph::areCompatibleRefinements(type, refined);
}

/// The type static wherever either `a` or `b` is; null when they contradict each
/// other (different element types, ranks or static sizes).
Type joinStaticInfo(Type a, Type b) {
  auto ta = dyn_cast<RankedTensorType>(a), tb = dyn_cast<RankedTensorType>(b);
  if (!ta || !tb)
    return a == b ? a : Type();
  if (ta.getElementType() != tb.getElementType() || ta.getRank() != tb.getRank())
    return Type();
  SmallVector<int64_t> dims;
  for (auto [da, db] : llvm::zip(ta.getShape(), tb.getShape())) {
    if (!ShapedType::isDynamic(da) && !ShapedType::isDynamic(db) && da != db)
      return Type();
    dims.push_back(ShapedType::isDynamic(da) ? db : da);
  }
  return ta.clone(dims);
}

/// Replaces operands produced by a cast that only lost static information with the
/// cast's source.
void lookThroughLossyCasts(Operation *op) {
  for (OpOperand &operand : op->getOpOperands()) {
    auto cast = operand.get().getDefiningOp<tensor::CastOp>();
    if (cast && isStrictRefinement(cast.getType(), cast.getSource().getType()))
      operand.set(cast.getSource());
  }
}

struct RefineShapes : strata::impl::RefineShapesBase<RefineShapes> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    func.walk([&](Operation *op) {
      auto inferring = dyn_cast<InferTypeOpInterface>(op);
      if (!inferring || !isa<strata::graph::GraphDialect>(op->getDialect()))
        return;
      SmallVector<Value> original(op->getOperands());
      lookThroughLossyCasts(op);
      SmallVector<Type> inferred;
      if (failed(inferring.inferReturnTypes(op->getContext(), std::nullopt, op->getOperands(),
                                            op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
                                            op->getRegions(), inferred))) {
        op->setOperands(original);
        return;
      }
      SmallVector<Type> joined;
      for (auto [result, type] : llvm::zip(op->getResults(), inferred)) {
        Type join = joinStaticInfo(result.getType(), type);
        if (!join) {
          op->setOperands(original);
          return;
        }
        joined.push_back(join);
      }
      for (auto [result, type] : llvm::zip(op->getResults(), joined))
        if (isStrictRefinement(result.getType(), type))
          refineResult(result, type);
    });
  }

  /// Gives `result` the more static `type`. Users that do not re-infer their own
  /// types (func.return, ops with explicit result types) keep seeing the old type
  /// through a cast, which later folds away where they accept the refinement.
  void refineResult(Value result, Type type) {
    Type old = result.getType();
    SmallVector<OpOperand *> fixedUses;
    for (OpOperand &use : result.getUses())
      if (!isa<InferTypeOpInterface>(use.getOwner()))
        fixedUses.push_back(&use);
    result.setType(type);
    if (fixedUses.empty())
      return;
    OpBuilder builder(result.getContext());
    builder.setInsertionPointAfterValue(result);
    Value back = tensor::CastOp::create(builder, result.getLoc(), old, result);
    for (OpOperand *use : fixedUses)
      use->set(back);
  }
};

} // namespace

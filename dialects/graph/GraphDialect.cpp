//===- GraphDialect.cpp - Graph dialect registration ----------------------===//
//
// Registers the graph ops and materialises folded constants.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/GraphDialect.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace strata::graph;

#include "dialects/graph/GraphEnums.cpp.inc"
#include "dialects/graph/GraphOpsDialect.cpp.inc"

namespace {
/// Whether every op in `OpTys` has a cost: planners and the fusion cost model
/// ask any graph op for one. A fusion group and its terminator hold ops
/// rather than compute: the ops inside have the costs.
template <typename... OpTys> constexpr bool allHaveCost() {
  return ((OpTys::template hasTrait<CostOpInterface::Trait>() ||
           std::is_same_v<OpTys, FusionGroupOp> || std::is_same_v<OpTys, YieldOp>) &&
          ...);
}
} // namespace

static_assert(allHaveCost<
#define GET_OP_LIST
#include "dialects/graph/GraphOps.cpp.inc"
                  >(),
              "every graph op that computes implements CostOpInterface");

void GraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/graph/GraphOps.cpp.inc"
      >();
}

Operation *GraphDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                             Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

bool strata::graph::areCompatibleRefinements(TypeRange inferred, TypeRange actual) {
  if (inferred.size() != actual.size())
    return false;
  for (auto [i, a] : llvm::zip(inferred, actual)) {
    auto it = dyn_cast<RankedTensorType>(i);
    auto at = dyn_cast<RankedTensorType>(a);
    if (!it || !at) {
      if (i != a)
        return false;
      continue;
    }
    if (it.getElementType() != at.getElementType() || it.getRank() != at.getRank())
      return false;
    for (auto [di, da] : llvm::zip(it.getShape(), at.getShape()))
      if (!ShapedType::isDynamic(di) && di != da)
        return false;
  }
  return true;
}

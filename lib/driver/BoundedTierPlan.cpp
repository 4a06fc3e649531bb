//===- BoundedTierPlan.cpp - A tier plan for inputs of dynamic size -------===//

#include "lib/driver/BoundedTierPlan.h"

#include "dialects/program/ProgramDialect.h"
#include "dialects/tier/TierDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace strata {
namespace {

func::FuncOp entryOf(ModuleOp module) {
  return dyn_cast_or_null<func::FuncOp>(program::findEntry(module).getOperation());
}

} // namespace

bool hasStaticInputs(ModuleOp module) {
  func::FuncOp entry = entryOf(module);
  if (!entry)
    return true;
  return llvm::all_of(entry.getArgumentTypes(), [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return !shaped || shaped.hasStaticShape();
  });
}

FailureOr<llvm::StringMap<SmallVector<int64_t>>>
boundedInputShapes(ModuleOp module, const llvm::StringMap<int64_t> &bounds) {
  llvm::StringMap<SmallVector<int64_t>> shapes;
  func::FuncOp entry = entryOf(module);
  if (!entry)
    return module.emitError("the tier plan needs the model's entry function (program.entry)");
  for (unsigned i = 0, e = entry.getNumArguments(); i < e; ++i) {
    auto type = dyn_cast<RankedTensorType>(entry.getArgumentTypes()[i]);
    auto value = entry.getArgAttrOfType<program::ValueAttr>(i, program::ProgramDialect::kValue);
    if (!type || !value || type.hasStaticShape())
      continue;
    SmallVector<int64_t> shape(type.getShape());
    for (auto [k, size] : llvm::enumerate(shape)) {
      if (!ShapedType::isDynamic(size))
        continue;
      StringRef dim = k < value.getDims().size() ? value.getDims()[k].getValue() : "";
      auto bound = bounds.find(dim);
      if (dim.empty() || bound == bounds.end())
        return entry.emitError("the tier plan needs every size: dimension ")
               << k << (dim.empty() ? std::string() : " ('" + dim.str() + "')") << " of input '"
               << value.getName().getValue() << "' has none; give the input a static shape with "
               << "--shape" << (dim.empty() ? "" : " or bound the dimension with --max-shape");
      size = bound->second;
    }
    shapes[value.getName().getValue()] = shape;
  }
  return shapes;
}

void adoptKvCaches(ModuleOp module, ModuleOp planned) {
  func::FuncOp from = entryOf(module), to = entryOf(planned);
  if (!from || !to)
    return;
  if (Attribute caches = from->getAttr(program::ProgramDialect::kKvCaches))
    to->setAttr(program::ProgramDialect::kKvCaches, caches);
}

void adoptTierPlan(ModuleOp planned, ModuleOp module) {
  for (StringRef name : {tier::TierDialect::kPlan, tier::TierDialect::kDeviceBudget,
                         tier::TierDialect::kPieceBytes, tier::TierDialect::kKvCaches})
    if (Attribute attr = planned->getAttr(name))
      module->setAttr(name, attr);
}

} // namespace strata

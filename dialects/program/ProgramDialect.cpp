//===- ProgramDialect.cpp - Program dialect registration and verifiers ----===//
//
// Checks that every `program.*` attribute has its type and sits where it
// belongs (see the table in ProgramDialect.td).
//
//===----------------------------------------------------------------------===//

#include "dialects/program/ProgramDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace strata::program;

#include "dialects/program/ProgramDialect.cpp.inc"

void ProgramDialect::initialize() { registerAttributes(); }

namespace {

/// Checks that `attr` is an array of `AttrT`.
template <typename AttrT> LogicalResult verifyArrayOf(Operation *op, NamedAttribute attr) {
  auto array = dyn_cast<ArrayAttr>(attr.getValue());
  if (!array || !llvm::all_of(array, [](Attribute a) { return isa<AttrT>(a); }))
    return op->emitOpError("attribute '")
           << attr.getName().getValue() << "' must be an array of #program."
           << AttrT::getMnemonic();
  return success();
}

/// "[2x?]" for messages about shapes.
std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? "x" : "") + (ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d));
  return text + "]";
}

/// Checks that the default of input `value` fits the input's type `type`: the
/// executor passes the default where the caller passes nothing, so it must be
/// a value the compiled code accepts.
LogicalResult verifyDefault(Operation *op, ValueAttr value, Type type, bool isResult) {
  StringRef name = value.getName().getValue();
  if (isResult)
    return op->emitOpError("result '") << name << "' cannot have a default";
  if (value.getTypeOnly())
    return op->emitOpError("input '") << name << "' is type_only and cannot have a default";
  // After the conversion to LLVM an argument is a descriptor, which has no
  // shape to check against.
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return success();
  if (!shaped.hasRank())
    return op->emitOpError("input '") << name << "' has a default but no rank";
  ShapedType defaultType = value.getDefaultValue().getShapedType();
  if (defaultType.getElementType() != shaped.getElementType())
    return op->emitOpError("the default of input '")
           << name << "' has element type " << defaultType.getElementType() << ", the input "
           << shaped.getElementType();
  bool fits = defaultType.getRank() == shaped.getRank() &&
              llvm::all_of(llvm::zip(defaultType.getShape(), shaped.getShape()), [](auto dims) {
                auto [d, s] = dims;
                return ShapedType::isDynamic(s) || d == s;
              });
  if (!fits)
    return op->emitOpError("the default of input '")
           << name << "' has shape " << shapeText(defaultType.getShape()) << ", the input "
           << shapeText(shaped.getShape());
  return success();
}

/// Checks a `program.value` attached to a value of type `type`.
LogicalResult verifyValue(Operation *op, NamedAttribute attr, Type type, bool isResult) {
  if (attr.getName() != ProgramDialect::kValue)
    return op->emitOpError("unknown argument or result attribute '")
           << attr.getName().getValue() << "'";
  auto value = dyn_cast<ValueAttr>(attr.getValue());
  if (!value)
    return op->emitOpError("'") << ProgramDialect::kValue << "' must be a #program.value";
  if (isResult && value.getTypeOnly())
    return op->emitOpError("result '") << value.getName().getValue() << "' cannot be type_only";
  auto shaped = dyn_cast<ShapedType>(type);
  if (shaped && shaped.hasRank() &&
      static_cast<int64_t>(value.getDims().size()) != shaped.getRank())
    return op->emitOpError("'") << value.getName().getValue() << "' names "
                                << value.getDims().size() << " dimensions for a value of rank "
                                << shaped.getRank();
  if (value.getDefaultValue())
    return verifyDefault(op, value, type, isResult);
  return success();
}

} // namespace

LogicalResult ProgramDialect::verifyOperationAttribute(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kWeights) {
    if (!isa<ModuleOp>(op))
      return op->emitOpError("'") << kWeights << "' belongs on the module";
    return verifyArrayOf<WeightAttr>(op, attr);
  }
  if (name == kMatmulPrecision) {
    auto value = dyn_cast<StringAttr>(attr.getValue());
    if (!isa<ModuleOp>(op) || !value || (value != "bf16" && value != "f16" && value != "f32"))
      return op->emitOpError("'")
             << kMatmulPrecision
             << "' belongs on the module and must be \"f32\", \"bf16\" or \"f16\"";
    return success();
  }
  if (!isa<FunctionOpInterface>(op))
    return op->emitOpError("'") << name << "' belongs on the entry function";
  if (name == kEntry) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitOpError("'") << kEntry << "' must be a unit attribute";
    return success();
  }
  if (name == kBounds) {
    if (!isa<BoundsAttr>(attr.getValue()))
      return op->emitOpError("'") << kBounds << "' must be a #program.bounds";
    return success();
  }
  if (name == kTraining) {
    auto fields = dyn_cast<DictionaryAttr>(attr.getValue());
    auto isNames = [](Attribute a) {
      auto names = dyn_cast<ArrayAttr>(a);
      return names && llvm::all_of(names, [](Attribute n) { return isa<StringAttr>(n); });
    };
    if (!fields || !fields.getAs<StringAttr>("loss") || !fields.getAs<StringAttr>("target") ||
        !fields.getAs<BoolAttr>("shift") || llvm::any_of(fields, [&](NamedAttribute f) {
          return !isa<StringAttr, BoolAttr>(f.getValue()) && !isNames(f.getValue());
        }))
      return op->emitOpError("'") << kTraining
                                  << "' must be a dictionary of strings, booleans and arrays of "
                                     "strings with a 'loss', a 'target' and a 'shift'";
    return success();
  }
  if (name == kPassThroughInputs || name == kPassThroughOutputs) {
    if (failed(verifyArrayOf<PassThroughAttr>(op, attr)))
      return failure();
    bool outputs = name == kPassThroughOutputs;
    for (auto entry : cast<ArrayAttr>(attr.getValue()).getAsRange<PassThroughAttr>())
      if (outputs != static_cast<bool>(entry.getSource()))
        return op->emitOpError("pass-through ")
               << (outputs ? "output '" : "input '") << entry.getName().getValue()
               << (outputs ? "' needs a source" : "' cannot have a source");
    return success();
  }
  if (name == kArenas)
    return verifyArrayOf<ArenaAttr>(op, attr);
  if (name == kKvCaches)
    return verifyArrayOf<KvCacheAttr>(op, attr);
  return op->emitOpError("unknown attribute '") << name << "'";
}

LogicalResult ProgramDialect::verifyRegionArgAttribute(Operation *op, unsigned region,
                                                       unsigned argIndex, NamedAttribute attr) {
  auto function = dyn_cast<FunctionOpInterface>(op);
  if (!function || region != 0)
    return op->emitOpError("'") << attr.getName().getValue()
                                << "' belongs on an entry function's arguments";
  Type type = function.getArgumentTypes()[argIndex];
  if (attr.getName() == kWeightsRegion) {
    // A memref until the function is lowered to LLVM.
    auto memref = dyn_cast<MemRefType>(type);
    if (!isa<UnitAttr>(attr.getValue()) ||
        (memref && (memref.getRank() != 1 || !memref.getElementType().isInteger(8))))
      return op->emitOpError("'") << kWeightsRegion
                                  << "' must be a unit attribute on a memref of bytes";
    return success();
  }
  if (attr.getName() == kDestination) {
    // Checked against the results while the function has its own (until the
    // conversion to LLVM, which drops such attributes anyway).
    auto index = dyn_cast<IntegerAttr>(attr.getValue());
    auto shaped = dyn_cast<ShapedType>(type);
    if (!index)
      return op->emitOpError("'") << kDestination << "' must be an integer";
    if (!shaped)
      return success();
    int64_t result = index.getInt();
    if (result < 0 || result >= static_cast<int64_t>(function.getNumResults()))
      return op->emitOpError("'") << kDestination << "' names result " << result << " of "
                                  << function.getNumResults();
    auto resultType = dyn_cast<ShapedType>(function.getResultTypes()[result]);
    if (!shaped.hasStaticShape() || !resultType || !resultType.hasStaticShape() ||
        resultType.getShape() != shaped.getShape() ||
        resultType.getElementType() != shaped.getElementType())
      return op->emitOpError("the destination of result ")
             << result << " must have its static shape and element type";
    return success();
  }
  return verifyValue(op, attr, type, /*isResult=*/false);
}

LogicalResult ProgramDialect::verifyRegionResultAttribute(Operation *op, unsigned region,
                                                          unsigned resultIndex,
                                                          NamedAttribute attr) {
  auto function = dyn_cast<FunctionOpInterface>(op);
  if (!function || region != 0)
    return op->emitOpError("'") << attr.getName().getValue()
                                << "' belongs on an entry function's results";
  return verifyValue(op, attr, function.getResultTypes()[resultIndex], /*isResult=*/true);
}

FunctionOpInterface strata::program::findEntry(ModuleOp module) {
  for (Operation &op : module.getBody()->getOperations())
    if (auto function = dyn_cast<FunctionOpInterface>(op))
      if (function->hasAttr(ProgramDialect::kEntry))
        return function;
  return {};
}

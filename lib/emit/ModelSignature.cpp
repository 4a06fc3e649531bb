//===- ModelSignature.cpp - Inputs and outputs of a compiled model --------===//
//
// Maps MLIR element types to runtime dtypes and collects names and bounds from
// the attributes the importer put on @main.
//
//===----------------------------------------------------------------------===//

#include "lib/emit/ModelSignature.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace strata {
namespace {

FailureOr<std::string> dtypeOf(Type t) {
  if (t.isF32())
    return std::string("STRATA_DTYPE_F32");
  if (t.isF16())
    return std::string("STRATA_DTYPE_F16");
  if (t.isBF16())
    return std::string("STRATA_DTYPE_BF16");
  if (t.isF64())
    return std::string("STRATA_DTYPE_F64");
  if (t.isInteger(1))
    return std::string("STRATA_DTYPE_I1");
  auto it = dyn_cast<IntegerType>(t);
  if (!it)
    return failure();
  std::string width = std::to_string(it.getWidth());
  return (it.isUnsigned() ? "STRATA_DTYPE_U" : "STRATA_DTYPE_I") + width;
}

FailureOr<ModelValue> describe(func::FuncOp func, Type type, DictionaryAttr attrs, StringRef role,
                               unsigned index) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return func.emitError() << role << " " << index << " is not a ranked tensor";
  FailureOr<std::string> dtype = dtypeOf(tensor.getElementType());
  if (failed(dtype))
    return func.emitError() << role << " " << index << " has element type "
                            << tensor.getElementType() << ", which the runtime cannot carry";
  ModelValue value;
  value.dtype = *dtype;
  auto name = attrs ? attrs.getAs<StringAttr>("onnx.name") : StringAttr();
  value.name = name ? name.str() : (role + std::to_string(index)).str();
  auto dimNames = attrs ? attrs.getAs<ArrayAttr>("onnx.dims") : ArrayAttr();
  auto bounds = func->getAttrOfType<DictionaryAttr>("strata.max_dims");
  for (auto [i, d] : llvm::enumerate(tensor.getShape())) {
    bool dynamic = ShapedType::isDynamic(d);
    value.dims.push_back(dynamic ? -1 : d);
    int64_t bound = -1;
    if (dynamic && bounds && dimNames && i < dimNames.size())
      if (auto dimName = dyn_cast<StringAttr>(dimNames[i]))
        if (auto b = bounds.getAs<IntegerAttr>(dimName.getValue()))
          bound = b.getInt();
    value.maxDims.push_back(dynamic ? bound : d);
  }
  return value;
}

/// A sequence or optional value from `strata.passthrough_*` (see the importer).
FailureOr<ModelValue> describePassThrough(func::FuncOp func, DictionaryAttr entry) {
  auto name = entry.getAs<StringAttr>("name");
  auto kind = entry.getAs<StringAttr>("kind");
  auto element = entry.getAs<TypeAttr>("element");
  auto elementType = element ? dyn_cast<TensorType>(element.getValue()) : TensorType();
  if (!name || !kind || !elementType)
    return func.emitError() << "malformed strata.passthrough entry " << entry;
  ModelValue value;
  value.name = name.str();
  value.kind = llvm::StringSwitch<std::string>(kind.getValue())
                   .Case("sequence", "STRATA_VALUE_SEQUENCE")
                   .Case("optional_tensor", "STRATA_VALUE_OPTIONAL_TENSOR")
                   .Case("optional_sequence", "STRATA_VALUE_OPTIONAL_SEQUENCE")
                   .Default("");
  FailureOr<std::string> dtype = dtypeOf(elementType.getElementType());
  if (value.kind.empty() || failed(dtype))
    return func.emitError() << "value '" << value.name << "' (" << kind.getValue() << " of "
                            << elementType << ") cannot be carried by the runtime";
  value.dtype = *dtype;
  value.ranked = elementType.hasRank();
  if (value.ranked)
    for (int64_t d : elementType.getShape()) {
      value.dims.push_back(ShapedType::isDynamic(d) ? -1 : d);
      value.maxDims.push_back(value.dims.back());
    }
  return value;
}

/// Puts the pass-through values of `attrName` into `values` at their ONNX
/// positions; outputs get the index of their source input.
LogicalResult insertPassThrough(func::FuncOp func, StringRef attrName,
                                std::vector<ModelValue> &values,
                                const std::vector<ModelValue> *inputs) {
  auto entries = func->getAttrOfType<ArrayAttr>(attrName);
  if (!entries)
    return success();
  for (Attribute a : entries) {
    auto entry = dyn_cast<DictionaryAttr>(a);
    auto position = entry ? entry.getAs<IntegerAttr>("position") : IntegerAttr();
    if (!position || position.getInt() < 0 ||
        position.getInt() > static_cast<int64_t>(values.size()))
      return func.emitError() << "malformed " << attrName << " entry " << a;
    FailureOr<ModelValue> value = describePassThrough(func, entry);
    if (failed(value))
      return failure();
    if (inputs) {
      auto source = entry.getAs<StringAttr>("source");
      auto found = llvm::find_if(
          *inputs, [&](const ModelValue &in) { return source && in.name == source.getValue(); });
      if (found == inputs->end() || found->kind != value->kind)
        return func.emitError() << "output '" << value->name
                                << "' names no source input of its kind";
      value->source = found - inputs->begin();
    }
    values.insert(values.begin() + position.getInt(), *value);
  }
  return success();
}

} // namespace

FailureOr<ModelSignature> readModelSignature(func::FuncOp func, StringRef modelName) {
  ModelSignature signature;
  signature.name = modelName.str();
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    FailureOr<ModelValue> v = describe(func, type, func.getArgAttrDict(i), "input", i);
    if (failed(v))
      return failure();
    v->typeOnly = func.getArgAttr(i, "strata.type_only") != nullptr;
    signature.inputs.push_back(*v);
  }
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    FailureOr<ModelValue> v = describe(func, type, func.getResultAttrDict(i), "output", i);
    if (failed(v))
      return failure();
    signature.outputs.push_back(*v);
  }
  if (failed(insertPassThrough(func, "strata.passthrough_inputs", signature.inputs, nullptr)) ||
      failed(insertPassThrough(func, "strata.passthrough_outputs", signature.outputs,
                               &signature.inputs)))
    return failure();
  return signature;
}

} // namespace strata

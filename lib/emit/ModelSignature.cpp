//===- ModelSignature.cpp - Inputs and outputs of a compiled model --------===//
//
// Maps MLIR element types to runtime dtypes and collects names and bounds from
// the attributes the importer put on @main.
//
//===----------------------------------------------------------------------===//

#include "lib/emit/ModelSignature.h"

#include "mlir/IR/BuiltinAttributes.h"

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

} // namespace

FailureOr<ModelSignature> readModelSignature(func::FuncOp func, StringRef modelName) {
  ModelSignature signature;
  signature.name = modelName.str();
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    FailureOr<ModelValue> v = describe(func, type, func.getArgAttrDict(i), "input", i);
    if (failed(v))
      return failure();
    signature.inputs.push_back(*v);
  }
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    FailureOr<ModelValue> v = describe(func, type, func.getResultAttrDict(i), "output", i);
    if (failed(v))
      return failure();
    signature.outputs.push_back(*v);
  }
  return signature;
}

} // namespace strata

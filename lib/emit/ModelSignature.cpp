//===- ModelSignature.cpp - Inputs and outputs of a compiled model --------===//
//
// Maps MLIR element types to runtime dtypes and collects names and bounds from
// the attributes the importer put on @main.
//
//===----------------------------------------------------------------------===//

#include "lib/emit/ModelSignature.h"

#include "dialects/program/ProgramDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringMap.h"

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
  auto described =
      attrs ? attrs.getAs<program::ValueAttr>(program::ProgramDialect::kValue) : nullptr;
  value.name = described ? described.getName().str() : (role + std::to_string(index)).str();
  value.typeOnly = described && described.getTypeOnly();
  if (described && described.getDefaultValue()) {
    ArrayRef<int64_t> shape = described.getDefaultValue().getShapedType().getShape();
    value.defaultDims.emplace(shape.begin(), shape.end());
  }
  auto bounds = func->getAttrOfType<program::BoundsAttr>(program::ProgramDialect::kBounds);
  for (auto [i, d] : llvm::enumerate(tensor.getShape())) {
    bool dynamic = ShapedType::isDynamic(d);
    value.dims.push_back(dynamic ? -1 : d);
    StringRef dimName = described ? described.getDims()[i].getValue() : "";
    value.dimNames.push_back(dimName.str());
    std::optional<int64_t> bound;
    if (dynamic && bounds && !dimName.empty())
      bound = bounds.lookup(dimName);
    value.maxDims.push_back(dynamic ? bound.value_or(-1) : d);
  }
  return value;
}

/// A sequence or optional value passed on by the executor.
FailureOr<ModelValue> describePassThrough(func::FuncOp func, program::PassThroughAttr entry) {
  ModelValue value;
  value.name = entry.getName().str();
  switch (entry.getKind()) {
  case program::ValueKind::sequence:
    value.kind = "STRATA_VALUE_SEQUENCE";
    break;
  case program::ValueKind::optional_tensor:
    value.kind = "STRATA_VALUE_OPTIONAL_TENSOR";
    break;
  case program::ValueKind::optional_sequence:
    value.kind = "STRATA_VALUE_OPTIONAL_SEQUENCE";
    break;
  }
  TensorType elementType = entry.getElement();
  FailureOr<std::string> dtype = dtypeOf(elementType.getElementType());
  if (failed(dtype))
    return func.emitError() << "value '" << value.name << "' ("
                            << program::stringifyValueKind(entry.getKind()) << " of " << elementType
                            << ") cannot be carried by the runtime";
  value.dtype = *dtype;
  value.ranked = elementType.hasRank();
  if (value.ranked)
    for (int64_t d : elementType.getShape()) {
      value.dims.push_back(ShapedType::isDynamic(d) ? -1 : d);
      value.maxDims.push_back(value.dims.back());
      value.dimNames.emplace_back();
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
  for (auto entry : entries.getAsRange<program::PassThroughAttr>()) {
    if (entry.getPosition() > static_cast<int64_t>(values.size()))
      return func.emitError() << "pass-through value '" << entry.getName().getValue()
                              << "' is at position " << entry.getPosition() << " of only "
                              << values.size() << " values";
    FailureOr<ModelValue> value = describePassThrough(func, entry);
    if (failed(value))
      return failure();
    if (inputs) {
      auto found = llvm::find_if(
          *inputs, [&](const ModelValue &in) { return in.name == entry.getSource().getValue(); });
      if (found == inputs->end() || found->kind != value->kind)
        return func.emitError() << "output '" << value->name
                                << "' names no source input of its kind";
      value->source = found - inputs->begin();
    }
    values.insert(values.begin() + entry.getPosition(), *value);
  }
  return success();
}

/// The index of the input called `name`, or -1.
int32_t inputIndex(const ModelSignature &signature, llvm::StringRef name) {
  auto found = llvm::find_if(signature.inputs, [&](const ModelValue &v) { return v.name == name; });
  return found == signature.inputs.end() ? -1 : found - signature.inputs.begin();
}

/// Reads `program.training` (when it has an optimizer) into `signature`.
LogicalResult readTraining(func::FuncOp func, ModelSignature &signature) {
  auto fields = func->getAttrOfType<DictionaryAttr>(program::ProgramDialect::kTraining);
  auto optimizer = fields ? fields.getAs<StringAttr>("optimizer") : StringAttr();
  if (!optimizer)
    return success();
  ModelTraining t;
  t.loss = fields.getAs<StringAttr>("loss").str();
  t.optimizer = optimizer.str();
  t.lrInput = inputIndex(signature, "lr");
  t.stepInput = inputIndex(signature, "step");
  t.targetInput = inputIndex(signature, fields.getAs<StringAttr>("target").getValue());
  t.shift = fields.getAs<BoolAttr>("shift").getValue();
  for (auto [field, names] : {std::pair{"parameters", &t.parameters}, {"state", &t.state}})
    if (auto list = fields.getAs<ArrayAttr>(field))
      for (auto name : list.getAsRange<StringAttr>())
        names->push_back(name.str());
  if (t.lrInput < 0 || t.stepInput < 0 || t.targetInput < 0)
    return func.emitError("the training program lacks its lr, step or target input");
  signature.training = t;
  return success();
}

/// Describes the KV caches of `program.kv_caches`: each cache input as
/// the caller gives it (its axis dynamic, bounded by its dimension's bound
/// and the capacity), and each output that is a view of one. `inputs` and
/// `outputs` are indexed as the function's arguments and results.
LogicalResult readKvCaches(func::FuncOp func, std::vector<ModelValue> &inputs,
                           std::vector<ModelValue> &outputs) {
  auto caches = func->getAttrOfType<ArrayAttr>(program::ProgramDialect::kKvCaches);
  if (!caches)
    return success();
  for (auto cache : caches.getAsRange<program::KvCacheAttr>()) {
    size_t in = cache.getInput(), out = cache.getOutput();
    if (in >= inputs.size() || out >= outputs.size() ||
        cache.getAxis() >= static_cast<int64_t>(inputs[in].dims.size()))
      return func.emitError("a KV cache names an input, output or axis the function lacks");
    ModelValue &value = inputs[in];
    int64_t axis = cache.getAxis();
    value.dims[axis] = -1;
    int64_t bound = cache.getCapacity();
    auto bounds = func->getAttrOfType<program::BoundsAttr>(program::ProgramDialect::kBounds);
    if (!value.dimNames[axis].empty() && bounds)
      bound = std::min(bound, bounds.lookup(value.dimNames[axis]).value_or(bound));
    value.maxDims[axis] = bound;
    value.cacheAxis = axis;
    value.cacheCapacity = cache.getCapacity();
    outputs[out].cacheInput = in;
  }
  return success();
}

} // namespace

FailureOr<ModelSignature> readModelSignature(func::FuncOp func, StringRef modelName) {
  ModelSignature signature;
  signature.name = modelName.str();
  auto caches = func->getAttrOfType<ArrayAttr>(program::ProgramDialect::kKvCaches);
  // The counts of the caches' filled positions follow the inputs (read
  // before strata-output-destinations adds the outputs' destinations).
  size_t numInputs = func.getNumArguments() - (caches ? caches.size() : 0);
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes().take_front(numInputs))) {
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
  if (failed(readKvCaches(func, signature.inputs, signature.outputs)))
    return failure();
  // Output name -> the name of the input whose cache it views.
  llvm::StringMap<std::string> cacheOf;
  for (const ModelValue &value : signature.outputs)
    if (value.cacheInput >= 0)
      cacheOf[value.name] = signature.inputs[value.cacheInput].name;
  if (failed(insertPassThrough(func, program::ProgramDialect::kPassThroughInputs, signature.inputs,
                               nullptr)) ||
      failed(insertPassThrough(func, program::ProgramDialect::kPassThroughOutputs,
                               signature.outputs, &signature.inputs)))
    return failure();
  // Pass-through values moved the inputs and outputs: find each cache again.
  for (auto [i, value] : llvm::enumerate(signature.inputs))
    if (value.cacheAxis >= 0)
      signature.cacheInputs.push_back(i);
  for (ModelValue &value : signature.outputs)
    if (value.cacheInput >= 0)
      value.cacheInput = inputIndex(signature, cacheOf[value.name]);
  if (failed(readTraining(func, signature)))
    return failure();
  return signature;
}

LogicalResult readOutputDestinations(func::FuncOp func, ModelSignature &signature) {
  // The glue passes destination k as the argument after the tensor inputs
  // and the caches' counts.
  size_t first =
      signature.cacheInputs.size() + llvm::count_if(signature.inputs, [](const ModelValue &v) {
        return v.kind == "STRATA_VALUE_TENSOR";
      });
  int64_t last = -1;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto result = func.getArgAttrOfType<IntegerAttr>(i, program::ProgramDialect::kDestination);
    if (!result)
      continue;
    int64_t index = result.getInt();
    if (i != first + signature.destinationOutputs.size() || index <= last)
      return func.emitError("the destinations of the results do not follow the inputs and the "
                            "caches' counts in the results' order");
    last = index;
    auto described =
        func.getResultAttrOfType<program::ValueAttr>(index, program::ProgramDialect::kValue);
    std::string name = described ? described.getName().str() : "output" + std::to_string(index);
    auto found = llvm::find_if(signature.outputs, [&](const ModelValue &v) {
      return v.name == name && v.source < 0 && v.cacheInput < 0;
    });
    if (found == signature.outputs.end())
      return func.emitError("result ")
             << index << " ('" << name << "') has a destination but is no computed output";
    found->destination = true;
    signature.destinationOutputs.push_back(found - signature.outputs.begin());
  }
  return success();
}

LogicalResult readArenaPlan(func::FuncOp func, ModelSignature &signature) {
  auto arenas = func->getAttrOfType<ArrayAttr>(program::ProgramDialect::kArenas);
  if (!arenas)
    return success();
  for (auto arena : arenas.getAsRange<program::ArenaAttr>()) {
    ModelArena a;
    switch (arena.getSpace()) {
    case 0:
      a.space = "STRATA_MEMORY_DEVICE";
      break;
    case 1:
      a.space = "STRATA_MEMORY_HOST";
      break;
    default:
      return func.emitError("the runtime has no memory space ") << arena.getSpace();
    }
    a.bytes = arena.getBytes();
    a.lowerBound = arena.getLowerBound();
    a.alignment = arena.getAlignment();
    signature.arenas.push_back(a);
  }
  return success();
}

} // namespace strata

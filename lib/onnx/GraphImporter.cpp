//===- GraphImporter.cpp - One ONNX graph into one function ---------------===//
//
// Signature (with `--shape` and `--max-shape` applied), initializers, nodes in
// topological order (exporters do not always write them sorted), and the
// return with declared output types checked against the computed ones.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/GraphImporter.h"

#include "lib/onnx/GraphValidation.h"
#include "lib/onnx/HandlerRegistry.h"

#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"

#include <queue>

// LLVM code is built without exceptions; with this, the schema header's inline
// error paths abort instead of throwing. Schema lookups never take them.
#define ONNX_NO_EXCEPTIONS
#include <onnx/defs/schema.h>

using namespace mlir;

namespace strata::onnx {

/// Initializers with at most this many elements, and all integer initializers,
/// become folding-friendly `graph.constant`s; larger floating-point ones are
/// weights.
static constexpr int64_t kMaxInlineElements = 64;
/// Each handler is registered from the opset at which its op's semantics became
/// what it implements, so a node of an older version gets an error naming it.
static constexpr int64_t kFirstSupportedOpset = 1;
/// The newest default-domain opset whose changes to the imported ops the
/// handlers follow (opset 28: SwiGLU, floating-point Mod with fmod = 0).
static constexpr int64_t kLastSupportedOpset = 28;

GraphImporter::GraphImporter(ModuleOp module, const ::onnx::ModelProto &model,
                             TensorStorage &storage, const ImportOptions &options,
                             StringRef modelPath)
    : module_(module), model_(model), storage_(storage), options_(options),
      modelPath_(modelPath.str()), ctx_(module.getContext()), builder_(module.getContext()) {}

Location GraphImporter::modelLoc() const { return FileLineColLoc::get(ctx_, modelPath_, 0, 0); }

Location GraphImporter::nodeLoc(const ::onnx::NodeProto &node, int64_t index) const {
  std::string name = node.name().empty() ? "#" + std::to_string(index) : node.name();
  return NameLoc::get(StringAttr::get(ctx_, name + " (" + node.op_type() + ")"), modelLoc());
}

FailureOr<Value> GraphImporter::lookup(StringRef name) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return failure();
  return it->second;
}

std::optional<RankedTensorType> GraphImporter::declaredType(StringRef name) const {
  auto it = valueInfos_.find(name);
  if (it == valueInfos_.end())
    return std::nullopt;
  auto self = const_cast<GraphImporter *>(this);
  ScopedDiagnosticHandler silence(ctx_, [](Diagnostic &) { return success(); });
  FailureOr<RankedTensorType> type = self->convertValueType(*it->second, false, nullptr);
  if (failed(type))
    return std::nullopt;
  return *type;
}

LogicalResult GraphImporter::checkOpsets() {
  for (const auto &entry : model_.opset_import()) {
    std::string domain = entry.domain() == "ai.onnx" ? "" : entry.domain();
    opsets_[domain] = entry.version();
  }
  auto it = opsets_.find("");
  if (it == opsets_.end())
    return emitError(modelLoc(), "the model imports no opset of the default ONNX "
                                 "domain");
  if (it->second < kFirstSupportedOpset || it->second > kLastSupportedOpset)
    return emitError(modelLoc(), "opset ")
           << it->second << " of the default domain is outside the supported range "
           << kFirstSupportedOpset << "-" << kLastSupportedOpset
           << "; convert the model with onnx.version_converter";
  return success();
}

FailureOr<RankedTensorType> GraphImporter::convertValueType(const ::onnx::ValueInfoProto &info,
                                                            bool isInput,
                                                            SmallVectorImpl<StringAttr> *dimNames) {
  MLIRContext *ctx = builder_.getContext();
  if (!info.type().has_tensor_type())
    return emitError(modelLoc(), "value '")
           << info.name()
           << "' is not a tensor (sequence and optional values are carried only from graph "
              "inputs to graph outputs; maps are unsupported)";
  const auto &tensor = info.type().tensor_type();
  llvm::Expected<Type> element = convertElementType(ctx, tensor.elem_type());
  if (!element)
    return emitError(modelLoc(), "value '")
           << info.name() << "': " << llvm::toString(element.takeError());
  if (!tensor.has_shape())
    return emitError(modelLoc(), "value '") << info.name() << "' has no known rank";
  SmallVector<int64_t> dims;
  auto fixed = isInput ? options_.inputShapes.find(info.name()) : options_.inputShapes.end();
  for (const auto &dim : tensor.shape().dim()) {
    int64_t d = ShapedType::kDynamic;
    if (dim.has_dim_value() && dim.dim_value() >= 0)
      d = dim.dim_value();
    else if (dim.has_dim_param()) {
      auto f = fixedDims_.find(dim.dim_param());
      if (f != fixedDims_.end())
        d = f->second;
    }
    if (dimNames)
      dimNames->push_back(builder_.getStringAttr(dim.has_dim_param() ? dim.dim_param() : ""));
    dims.push_back(d);
  }
  if (fixed != options_.inputShapes.end()) {
    if (fixed->second.size() != dims.size())
      return emitError(modelLoc(), "--shape gives ")
             << fixed->second.size() << " dimensions for input '" << info.name() << "' of rank "
             << dims.size();
    for (auto [d, f] : llvm::zip(dims, fixed->second)) {
      if (!ShapedType::isDynamic(d) && d != f)
        return emitError(modelLoc(), "--shape fixes a dimension of input '")
               << info.name() << "' to " << f << " but the model says " << d;
      d = f;
    }
  }
  return RankedTensorType::get(dims, *element);
}

LogicalResult GraphImporter::resolveFixedDims() {
  const auto &graph = model_.graph();
  for (const auto &entry : options_.inputShapes) {
    const ::onnx::ValueInfoProto *input = nullptr;
    for (const auto &in : graph.input())
      if (in.name() == entry.getKey())
        input = &in;
    if (!input)
      return emitError(modelLoc(), "--shape names '")
             << entry.getKey() << "', which is not an input of the model";
    if (!input->type().has_tensor_type())
      return emitError(modelLoc(), "--shape names '")
             << entry.getKey() << "', which is not a tensor input";
    const auto &shape = input->type().tensor_type().shape();
    if (shape.dim_size() != static_cast<int>(entry.getValue().size()))
      return emitError(modelLoc(), "--shape gives ")
             << entry.getValue().size() << " dimensions for input '" << entry.getKey()
             << "' of rank " << shape.dim_size();
    for (auto [dim, size] : llvm::zip(shape.dim(), entry.getValue()))
      if (dim.has_dim_param())
        fixedDims_[dim.dim_param()] = size;
  }
  return success();
}

/// Whether `init` declares at most `limit` elements. Its dims come from the
/// file and may be anything (the conversion checks them): a product that
/// overflows, or a negative dim, is not small.
static bool hasAtMostElements(const ::onnx::TensorProto &init, int64_t limit) {
  int64_t count = 1;
  for (int64_t d : init.dims())
    if (d < 0 || llvm::MulOverflow(count, d, count))
      return false;
  return count <= limit;
}

FailureOr<ElementsAttr> GraphImporter::convertInitializer(const ::onnx::TensorProto &init) {
  MLIRContext *ctx = builder_.getContext();
  llvm::Expected<Type> element = convertElementType(ctx, init.data_type());
  if (!element)
    return emitError(modelLoc(), "initializer '")
           << init.name() << "': " << llvm::toString(element.takeError());
  bool inlineData = isa<IntegerType>(*element) ||
                    hasAtMostElements(init, options_.smallFloatWeights ? 1 : kMaxInlineElements);
  llvm::Expected<ElementsAttr> attr = storage_.convert(ctx, init, inlineData);
  if (!attr)
    return emitError(modelLoc(), llvm::toString(attr.takeError()));
  return *attr;
}

LogicalResult GraphImporter::importInitializers() {
  for (const auto &init : model_.graph().initializer()) {
    // The input's argument carries the name; the initializer is its default.
    if (inputDefaults_.contains(init.name()))
      continue;
    FailureOr<ElementsAttr> attr = convertInitializer(init);
    if (failed(attr))
      return failure();
    Location loc = NameLoc::get(builder_.getStringAttr(init.name()), modelLoc());
    if (isa<DenseElementsAttr>(*attr)) {
      define(init.name(), graph::ConstantOp::create(builder_, loc, *attr));
      continue;
    }
    define(init.name(), importWeight(init.name(), *attr, loc));
  }
  return success();
}

FailureOr<ElementsAttr> GraphImporter::importInputDefault(const ::onnx::TensorProto &init,
                                                          RankedTensorType declared) {
  FailureOr<ElementsAttr> value = convertInitializer(init);
  if (failed(value))
    return failure();
  ShapedType type = value->getShapedType();
  bool fits = type.getElementType() == declared.getElementType() &&
              type.getRank() == declared.getRank() &&
              llvm::all_of(llvm::zip(type.getShape(), declared.getShape()), [](auto dims) {
                auto [d, s] = dims;
                return ShapedType::isDynamic(s) || d == s;
              });
  if (!fits)
    return emitError(modelLoc(), "graph input '")
           << init.name() << "' is declared as " << declared << ", but its initializer, the "
           << "input's default, is " << type;
  inputDefaults_.insert(init.name());
  return *value;
}

Value GraphImporter::importWeight(StringRef name, ElementsAttr value, Location loc) {
  // A module-level symbol named after the initializer, placed before the
  // function, so that every later phase (and the weights file) addresses the
  // weight by that name.
  OpBuilder globals(builder_.getInsertionBlock()->getParentOp());
  auto global =
      ml_program::GlobalOp::create(globals, loc, name, value.getType(),
                                   /*is_mutable=*/false, value, globals.getStringAttr("private"));
  return ml_program::GlobalLoadConstOp::create(builder_, loc, value.getType(),
                                               FlatSymbolRefAttr::get(global.getSymNameAttr()));
}

/// The required inputs of the ops Strata imports that the ONNX library has no
/// schema for: ops newer than the library (opset 18 on), and onnxruntime's
/// contrib ops.
static ArrayRef<int64_t> requiredInputsWithoutSchema(StringRef domain, StringRef opType) {
  static const llvm::StringMap<SmallVector<int64_t>> table = {
      {":Attention", {0, 1, 2}},
      {":Gelu", {0}},
      {":RMSNormalization", {0, 1}},
      {":RotaryEmbedding", {0, 1, 2}},
      {":SimplifiedLayerNormalization", {0, 1}},
      {":SwiGLU", {0, 1}},
      {":Swish", {0}},
      {"com.microsoft:Attention", {0, 1}},
      {"com.microsoft:BiasGelu", {0, 1}},
      {"com.microsoft:EmbedLayerNormalization", {0, 2, 3, 5, 6}},
      {"com.microsoft:FastGelu", {0}},
      {"com.microsoft:Gelu", {0}},
      {"com.microsoft:GroupQueryAttention", {0, 5, 6}},
      {"com.microsoft:MatMulNBits", {0, 1, 2}},
      {"com.microsoft:MultiHeadAttention", {0}},
      {"com.microsoft:RotaryEmbedding", {0, 1, 2, 3}},
      {"com.microsoft:SimplifiedLayerNormalization", {0, 1}},
      {"com.microsoft:SkipLayerNormalization", {0, 1, 2}},
      {"com.microsoft:SkipSimplifiedLayerNormalization", {0, 1, 2}},
  };
  auto it = table.find((domain + ":" + opType).str());
  return it == table.end() ? ArrayRef<int64_t>() : ArrayRef<int64_t>(it->second);
}

/// Checks that `node` has every output its ONNX schema requires (a variadic
/// one at least its minimum number): handlers size their results by the
/// node's outputs, and a Split with none divided by zero.
static LogicalResult checkRequiredOutputs(const ::onnx::NodeProto &node,
                                          const ::onnx::OpSchema &schema, Location loc) {
  int64_t numOutputs = node.output_size();
  for (auto [i, formal] : llvm::enumerate(schema.outputs())) {
    using Option = ::onnx::OpSchema::FormalParameterOption;
    if (formal.GetOption() == Option::Optional)
      continue;
    int64_t needed = static_cast<int64_t>(i) +
                     (formal.GetOption() == Option::Variadic ? formal.GetMinArity() : 1);
    if (numOutputs < needed)
      return emitError(loc, "output ") << numOutputs << " ('" << formal.GetName() << "') of "
                                       << node.op_type() << " is missing, but ONNX requires it";
  }
  return success();
}

/// Checks that `node` names every input its ONNX schema (or, without one,
/// `requiredInputsWithoutSchema`) requires, and has the outputs the schema
/// requires: handlers read required inputs without checking, and a missing one
/// would reach them as a null value.
static LogicalResult checkRequiredValues(const ::onnx::NodeProto &node, const std::string &domain,
                                         int64_t opset, Location loc) {
  int64_t numInputs = node.input_size();
  auto missing = [&](int64_t i) { return i >= numInputs || node.input(i).empty(); };
  const ::onnx::OpSchema *schema = ::onnx::OpSchemaRegistry::Schema(
      node.op_type(), static_cast<int>(std::min<int64_t>(opset, INT_MAX)), domain);
  if (!schema) {
    for (int64_t i : requiredInputsWithoutSchema(domain, node.op_type()))
      if (missing(i))
        return emitError(loc, "input ")
               << i << " of " << node.op_type() << " is missing, but it is required";
    return success();
  }
  for (auto [i, formal] : llvm::enumerate(schema->inputs())) {
    using Option = ::onnx::OpSchema::FormalParameterOption;
    if (formal.GetOption() == Option::Optional)
      continue;
    int64_t first = i, last = i;
    if (formal.GetOption() == Option::Variadic)
      last = std::max<int64_t>(numInputs, i + formal.GetMinArity()) - 1;
    for (int64_t j = first; j <= last; ++j)
      if (missing(j))
        return emitError(loc, "input ") << j << " ('" << formal.GetName() << "') of "
                                        << node.op_type() << " is missing, but ONNX requires it";
  }
  return checkRequiredOutputs(node, *schema, loc);
}

FailureOr<program::PassThroughAttr>
GraphImporter::describePassThrough(const ::onnx::ValueInfoProto &info, int64_t position) {
  const ::onnx::TypeProto *type = &info.type();
  bool optional = type->has_optional_type();
  if (optional)
    type = &type->optional_type().elem_type();
  bool sequence = type->has_sequence_type();
  if (sequence)
    type = &type->sequence_type().elem_type();
  if (!optional && !sequence && type->has_tensor_type())
    return emitError(modelLoc(), "value '")
           << info.name() << "' is declared as a tensor but is a sequence or optional value";
  if (!type->has_tensor_type())
    return emitError(modelLoc(), "value '")
           << info.name()
           << "' has a type Strata does not carry: only sequences and optionals of tensors, "
              "and optional sequences of tensors, are supported (not maps, sparse tensors or "
              "nested sequences)";
  const auto &tensor = type->tensor_type();
  llvm::Expected<Type> element = convertElementType(ctx_, tensor.elem_type());
  if (!element)
    return emitError(modelLoc(), "value '")
           << info.name() << "': " << llvm::toString(element.takeError());
  Type elementType = UnrankedTensorType::get(*element);
  if (tensor.has_shape()) {
    SmallVector<int64_t> dims;
    for (const auto &dim : tensor.shape().dim())
      dims.push_back(dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value()
                                                                 : ShapedType::kDynamic);
    elementType = RankedTensorType::get(dims, *element);
  }
  program::ValueKind kind = !optional  ? program::ValueKind::sequence
                            : sequence ? program::ValueKind::optional_sequence
                                       : program::ValueKind::optional_tensor;
  auto attr = program::PassThroughAttr::getChecked(
      [&] { return emitError(modelLoc()); }, ctx_, builder_.getStringAttr(info.name()), position,
      kind, cast<TensorType>(elementType), StringAttr());
  if (!attr)
    return failure();
  return attr;
}

LogicalResult GraphImporter::checkPassThroughOutput(program::PassThroughAttr output,
                                                    program::PassThroughAttr source) {
  TensorType outputType = output.getElement(), sourceType = source.getElement();
  bool compatible = output.getKind() == source.getKind() &&
                    outputType.getElementType() == sourceType.getElementType();
  if (compatible && outputType.hasRank() && sourceType.hasRank())
    compatible =
        outputType.getRank() == sourceType.getRank() &&
        llvm::all_of(llvm::zip(outputType.getShape(), sourceType.getShape()), [](auto dims) {
          auto [a, b] = dims;
          return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
        });
  if (!compatible)
    return emitError(modelLoc(), "graph output '")
           << output.getName().getValue() << "' is declared as "
           << program::stringifyValueKind(output.getKind()) << " of " << outputType
           << ", which does not fit input '" << source.getName().getValue() << "' ("
           << program::stringifyValueKind(source.getKind()) << " of " << sourceType
           << "), which it passes on unchanged";
  return success();
}

LogicalResult GraphImporter::importPassThroughNode(const ::onnx::NodeProto &node, Location loc,
                                                   StringRef input) {
  bool identity = (node.domain().empty() || node.domain() == "ai.onnx") &&
                  node.op_type() == "Identity" && node.output_size() == 1;
  if (!identity)
    return emitError(loc, "input '")
           << input << "' is a sequence or optional value; Strata carries those only "
           << "unchanged from graph inputs to graph outputs (through Identity), and cannot "
           << "compute " << node.op_type() << " on them";
  passThrough_[node.output(0)] = passThrough_.lookup(input);
  return success();
}

LogicalResult GraphImporter::importNode(const ::onnx::NodeProto &node, int64_t index) {
  Location loc = nodeLoc(node, index);
  for (const std::string &input : node.input())
    if (passThrough_.count(input))
      return importPassThroughNode(node, loc, input);
  std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  auto opset = opsets_.find(domain);
  if (opset == opsets_.end())
    return emitError(loc, "node uses domain '") << domain << "', which the model does not import";
  const HandlerRegistry &registry = HandlerRegistry::get();
  Handler handler = registry.lookup(domain, node.op_type(), opset->second);
  if (!handler) {
    InFlightDiagnostic diag = emitError(loc, "unsupported op: ")
                              << "node '"
                              << (node.name().empty() ? "#" + std::to_string(index) : node.name())
                              << "' has op type '" << node.op_type() << "' in domain '"
                              << (domain.empty() ? "ai.onnx" : domain) << "' at opset "
                              << opset->second << ", which Strata does not import";
    auto ranges = registry.opsetRanges(domain, node.op_type());
    if (!ranges.empty()) {
      diag << " (it imports that op at opsets ";
      llvm::interleaveComma(ranges, diag, [&](std::pair<int64_t, int64_t> r) {
        diag << r.first;
        if (r.second == kLatestOpset)
          diag << " and later";
        else if (r.second != r.first)
          diag << "-" << r.second;
      });
      diag << "; onnx.version_converter can convert the model)";
    }
    return diag;
  }
  for (const std::string &input : node.input())
    if (!input.empty() && !values_.count(input))
      return emitError(loc, "input '")
             << input << "' is not produced by any earlier node, initializer or "
             << "graph input (the graph is not topologically sorted?)";
  if (failed(checkRequiredValues(node, domain, opset->second, loc)))
    return failure();
  // CastLike reads only the element type of its second input.
  for (auto [i, input] : llvm::enumerate(node.input()))
    if (!(domain.empty() && node.op_type() == "CastLike" && i == 1))
      readValues_.insert(input);
  NodeContext context(*this, node, loc, opset->second);
  return runHandler(handler, context);
}

LogicalResult GraphImporter::runHandler(Handler handler, NodeContext &node) {
  bool reported = false;
  // Counts the errors the handler reports and passes them on.
  ScopedDiagnosticHandler watch(ctx_, [&](Diagnostic &diag) {
    reported |= diag.getSeverity() == DiagnosticSeverity::Error;
    return failure();
  });
  if (succeeded(handler(node)))
    return success();
  if (!reported)
    node.emitError() << "the " << node.node().op_type()
                     << " handler failed without saying why (a bug in Strata)";
  return failure();
}

LogicalResult GraphImporter::importMainGraph() {
  if (failed(checkOpsets()) || failed(resolveFixedDims()))
    return failure();
  const auto &graph = model_.graph();
  auto locate = [this](const ::onnx::NodeProto &node, int64_t index) {
    return nodeLoc(node, index);
  };
  if (failed(checkSingleAssignment(graph, modelLoc(), locate)) ||
      failed(checkNodeAttributes(graph, opsets_, locate)))
    return failure();
  for (const auto &info : graph.value_info())
    valueInfos_[info.name()] = &info;
  for (const auto &info : graph.output())
    valueInfos_[info.name()] = &info;

  llvm::StringMap<const ::onnx::TensorProto *> initializers;
  for (const auto &init : graph.initializer())
    initializers[init.name()] = &init;

  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  SmallVector<program::ValueAttr> argValues;
  SmallVector<Attribute> passThroughInputs;
  llvm::StringMap<program::PassThroughAttr> passThroughTypes;
  int64_t inputPosition = -1;
  for (const auto &input : graph.input()) {
    const ::onnx::TensorProto *init = initializers.lookup(input.name());
    if (init && !initializersAreDefaults())
      continue;
    ++inputPosition;
    if (!input.type().has_tensor_type()) {
      FailureOr<program::PassThroughAttr> described = describePassThrough(input, inputPosition);
      if (failed(described))
        return failure();
      passThroughInputs.push_back(*described);
      passThroughTypes[input.name()] = *described;
      passThrough_[input.name()] = input.name();
      continue;
    }
    SmallVector<StringAttr> dimNames;
    FailureOr<RankedTensorType> type = convertValueType(input, true, &dimNames);
    if (failed(type))
      return failure();
    ElementsAttr defaultValue;
    if (init) {
      FailureOr<ElementsAttr> converted = importInputDefault(*init, *type);
      if (failed(converted))
        return failure();
      defaultValue = *converted;
    }
    argTypes.push_back(*type);
    argNames.push_back(input.name());
    argValues.push_back(program::ValueAttr::get(ctx_, builder_.getStringAttr(input.name()),
                                                dimNames, /*typeOnly=*/false, defaultValue));
  }

  // Weights are symbols named after their initializers; the function takes a
  // name none of them has.
  std::string entryName = "main";
  while (initializers.contains(entryName))
    entryName += "_";
  builder_.setInsertionPointToEnd(module_.getBody());
  auto func =
      func::FuncOp::create(builder_, modelLoc(), entryName, builder_.getFunctionType(argTypes, {}));
  func->setAttr(program::ProgramDialect::kEntry, builder_.getUnitAttr());
  Block *entry = func.addEntryBlock();
  if (!options_.maxDims.empty()) {
    SmallVector<NamedAttribute> bounds;
    for (const auto &b : options_.maxDims)
      bounds.push_back(builder_.getNamedAttr(b.getKey(), builder_.getI64IntegerAttr(b.getValue())));
    func->setAttr(program::ProgramDialect::kBounds,
                  program::BoundsAttr::get(ctx_, builder_.getDictionaryAttr(bounds)));
  }
  builder_.setInsertionPointToStart(entry);
  for (auto [name, arg] : llvm::zip(argNames, entry->getArguments()))
    define(name, arg);

  if (failed(importInitializers()))
    return failure();
  collectConsumedValues();
  FailureOr<SmallVector<int64_t>> order = topologicalOrder();
  if (failed(order))
    return failure();
  for (int64_t index : *order)
    if (failed(importNode(graph.node(index), index)))
      return failure();

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  SmallVector<program::ValueAttr> resultValues;
  SmallVector<Attribute> passThroughOutputs;
  for (auto [position, output] : llvm::enumerate(graph.output())) {
    auto through = passThrough_.find(output.name());
    if (through != passThrough_.end()) {
      program::PassThroughAttr source = passThroughTypes.lookup(through->second);
      // An output without a declared type takes its source's.
      program::PassThroughAttr described = source;
      if (output.has_type()) {
        FailureOr<program::PassThroughAttr> declared = describePassThrough(output, position);
        if (failed(declared) || failed(checkPassThroughOutput(*declared, source)))
          return failure();
        described = *declared;
      }
      passThroughOutputs.push_back(program::PassThroughAttr::get(
          ctx_, builder_.getStringAttr(output.name()), position, described.getKind(),
          described.getElement(), source.getName()));
      continue;
    }
    FailureOr<Value> value = lookup(output.name());
    if (failed(value))
      return emitError(modelLoc(), "graph output '")
             << output.name() << "' is not produced by any node";
    Type type = value->getType();
    if (std::optional<RankedTensorType> declared = declaredType(output.name())) {
      if (!graph::areCompatibleRefinements(type, *declared) &&
          !graph::areCompatibleRefinements(*declared, type))
        return emitError(value->getLoc(), "inconsistent shapes: output '")
               << output.name() << "' is declared as " << *declared << " but computes to " << type;
      if (*declared != type && graph::areCompatibleRefinements(type, *declared))
        value = tensor::CastOp::create(builder_, value->getLoc(), *declared, *value).getResult();
    }
    readValues_.insert(output.name());
    results.push_back(*value);
    resultTypes.push_back(value->getType());
    resultValues.push_back(program::ValueAttr::get(
        ctx_, builder_.getStringAttr(output.name()),
        outputDimNames(output, cast<RankedTensorType>(value->getType()).getRank()),
        /*typeOnly=*/false, /*defaultValue=*/nullptr));
  }
  func::ReturnOp::create(builder_, modelLoc(), results);
  func.setFunctionType(builder_.getFunctionType(argTypes, resultTypes));
  // Inputs whose data and shape nothing reads: the program checks only their
  // dtype. One with a default keeps it instead, so that a caller may still
  // leave it out.
  for (auto [name, value, arg] : llvm::zip(argNames, argValues, entry->getArguments()))
    func.setArgAttr(arg.getArgNumber(), program::ProgramDialect::kValue,
                    program::ValueAttr::get(ctx_, value.getName(), value.getDims(),
                                            !value.getDefaultValue() && !readValues_.contains(name),
                                            value.getDefaultValue()));
  for (auto [i, value] : llvm::enumerate(resultValues))
    func.setResultAttr(i, program::ProgramDialect::kValue, value);
  if (!passThroughInputs.empty()) {
    func->setAttr(program::ProgramDialect::kPassThroughInputs,
                  builder_.getArrayAttr(passThroughInputs));
    func->setAttr(program::ProgramDialect::kPassThroughOutputs,
                  builder_.getArrayAttr(passThroughOutputs));
  }
  return success();
}

void GraphImporter::collectConsumedValues() {
  const auto &graph = model_.graph();
  for (const auto &node : graph.node())
    for (const std::string &input : node.input())
      if (!input.empty())
        consumedValues_.insert(input);
  for (const auto &output : graph.output())
    consumedValues_.insert(output.name());
}

FailureOr<SmallVector<int64_t>> GraphImporter::topologicalOrder() {
  const auto &graph = model_.graph();
  int64_t numNodes = graph.node_size();
  // Values no node produces (graph inputs, initializers, or names nothing
  // defines, which importNode reports) are available from the start.
  llvm::StringMap<int64_t> producer;
  for (int64_t i = 0; i < numNodes; ++i)
    for (const std::string &output : graph.node(i).output())
      if (!output.empty())
        producer.try_emplace(output, i);
  SmallVector<int64_t> pending(numNodes, 0);
  SmallVector<SmallVector<int64_t>> consumers(numNodes);
  for (int64_t i = 0; i < numNodes; ++i) {
    for (const std::string &input : graph.node(i).input()) {
      auto it = producer.find(input);
      if (input.empty() || it == producer.end() || values_.count(input))
        continue;
      ++pending[i];
      consumers[it->second].push_back(i);
    }
  }
  // The lowest-indexed ready node first, so that a sorted graph keeps its
  // order.
  std::priority_queue<int64_t, std::vector<int64_t>, std::greater<int64_t>> ready;
  for (int64_t i = 0; i < numNodes; ++i)
    if (pending[i] == 0)
      ready.push(i);
  SmallVector<int64_t> order;
  while (!ready.empty()) {
    int64_t i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int64_t consumer : consumers[i])
      if (--pending[consumer] == 0)
        ready.push(consumer);
  }
  if (static_cast<int64_t>(order.size()) == numNodes)
    return order;
  InFlightDiagnostic diag = emitError(modelLoc(), "the graph has a cycle: nodes ");
  SmallVector<std::string> stuck;
  for (int64_t i = 0; i < numNodes; ++i)
    if (pending[i] != 0) {
      const ::onnx::NodeProto &node = graph.node(i);
      stuck.push_back("'" + (node.name().empty() ? "#" + std::to_string(i) : node.name()) + "' (" +
                      node.op_type() + ")");
    }
  llvm::interleaveComma(ArrayRef(stuck).take_front(8), diag);
  if (stuck.size() > 8)
    diag << " and " << stuck.size() - 8 << " more";
  diag << " each wait, directly or not, for an output of another of them";
  return diag;
}

SmallVector<StringAttr> GraphImporter::outputDimNames(const ::onnx::ValueInfoProto &output,
                                                      int64_t rank) {
  SmallVector<StringAttr> names(rank, builder_.getStringAttr(""));
  if (!output.type().has_tensor_type() || !output.type().tensor_type().has_shape())
    return names;
  const auto &shape = output.type().tensor_type().shape();
  if (shape.dim_size() != rank)
    return names;
  for (auto [i, dim] : llvm::enumerate(shape.dim()))
    if (dim.has_dim_param())
      names[i] = builder_.getStringAttr(dim.dim_param());
  return names;
}

} // namespace strata::onnx

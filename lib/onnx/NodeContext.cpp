//===- NodeContext.cpp - What an op handler sees of its ONNX node ---------===//
//
// Input, attribute and output access for handlers, with errors that name the
// node.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/NodeContext.h"

#include "lib/onnx/GraphImporter.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace strata::onnx {

NodeContext::NodeContext(GraphImporter &importer, const ::onnx::NodeProto &node, Location loc,
                         int64_t opset)
    : importer_(importer), node_(node), loc_(loc), opset_(opset), builder_(importer.builder()) {}

bool NodeContext::hasInput(int64_t i) const {
  return i < node_.input_size() && !node_.input(i).empty();
}

Value NodeContext::input(int64_t i) const {
  if (!hasInput(i))
    return Value();
  FailureOr<Value> v = importer_.lookup(node_.input(i));
  return succeeded(v) ? *v : Value();
}

RankedTensorType NodeContext::inputType(int64_t i) const {
  Value v = input(i);
  return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

/// The value of `v` when folding the graph ops that compute it from constants
/// and static shapes gives one. ONNX models compute shapes with chains of
/// Shape, Size, Gather, Concat, arithmetic and ConstantOfShape nodes; handlers
/// that need constant operands see through those chains without the importer
/// folding every op it builds.
static Attribute evaluateConstant(Value v, DenseMap<Value, Attribute> &cache, int64_t depth) {
  Attribute attr;
  if (matchPattern(v, m_Constant(&attr)))
    return attr;
  // Shape computations are small and at most 1-D; stopping at larger values
  // keeps the walk off activations and away from folding weight-sized tensors.
  constexpr int64_t kMaxDepth = 64, kMaxElements = 1024;
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || (type.hasStaticShape() ? type.getNumElements() > kMaxElements : type.getRank() > 1))
    return {};
  Operation *op = v.getDefiningOp();
  if (!op || op->getNumRegions() != 0 || depth > kMaxDepth)
    return {};
  if (auto it = cache.find(v); it != cache.end())
    return it->second;
  SmallVector<Attribute> operands;
  for (Value operand : op->getOperands())
    operands.push_back(evaluateConstant(operand, cache, depth + 1));
  SmallVector<OpFoldResult> results;
  Attribute result;
  if (succeeded(op->fold(operands, results)) && !results.empty()) {
    OpFoldResult r = results[cast<OpResult>(v).getResultNumber()];
    if (auto a = dyn_cast<Attribute>(r))
      result = a;
    else if (Value folded = cast<Value>(r); folded != v)
      result = evaluateConstant(folded, cache, depth + 1);
  }
  cache[v] = result;
  return result;
}

static Attribute evaluateConstant(Value v) {
  DenseMap<Value, Attribute> cache;
  return v ? evaluateConstant(v, cache, 0) : Attribute();
}

std::optional<SmallVector<int64_t>> NodeContext::constantInts(int64_t i) const {
  auto attr = dyn_cast_if_present<DenseIntElementsAttr>(evaluateConstant(input(i)));
  if (!attr)
    return std::nullopt;
  SmallVector<int64_t> values;
  bool isUnsigned = attr.getElementType().isUnsignedInteger();
  for (const APInt &x : attr.getValues<APInt>())
    values.push_back(isUnsigned ? static_cast<int64_t>(x.getZExtValue()) : x.getSExtValue());
  return values;
}

std::optional<int64_t> NodeContext::constantInt(int64_t i) const {
  std::optional<SmallVector<int64_t>> values = constantInts(i);
  if (!values || values->size() != 1)
    return std::nullopt;
  return values->front();
}

std::optional<double> NodeContext::constantFloat(int64_t i) const {
  auto attr = dyn_cast_if_present<DenseFPElementsAttr>(evaluateConstant(input(i)));
  if (!attr || attr.getNumElements() != 1)
    return std::nullopt;
  return (*attr.getValues<APFloat>().begin()).convertToDouble();
}

const ::onnx::AttributeProto *NodeContext::findAttr(StringRef name) const {
  for (const auto &attr : node_.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

bool NodeContext::hasAttr(StringRef name) const { return findAttr(name) != nullptr; }

int64_t NodeContext::intAttr(StringRef name, int64_t defaultValue) const {
  const auto *attr = findAttr(name);
  return attr ? attr->i() : defaultValue;
}

float NodeContext::floatAttr(StringRef name, float defaultValue) const {
  const auto *attr = findAttr(name);
  return attr ? attr->f() : defaultValue;
}

std::string NodeContext::stringAttr(StringRef name, StringRef defaultValue) const {
  const auto *attr = findAttr(name);
  return attr ? attr->s() : defaultValue.str();
}

std::optional<SmallVector<int64_t>> NodeContext::intsAttr(StringRef name) const {
  const auto *attr = findAttr(name);
  if (!attr)
    return std::nullopt;
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

const ::onnx::TensorProto *NodeContext::tensorAttr(StringRef name) const {
  const auto *attr = findAttr(name);
  return attr && attr->has_t() ? &attr->t() : nullptr;
}

bool NodeContext::wantsOutput(int64_t i) const {
  return i < node_.output_size() && !node_.output(i).empty() &&
         importer_.isConsumed(node_.output(i));
}

std::optional<RankedTensorType> NodeContext::declaredOutputType(int64_t i) const {
  if (!wantsOutput(i))
    return std::nullopt;
  return importer_.declaredType(node_.output(i));
}

LogicalResult NodeContext::setOutputs(ValueRange values) {
  for (int64_t i = 0, e = std::min<int64_t>(values.size(), numOutputs()); i < e; ++i)
    if (wantsOutput(i))
      importer_.define(node_.output(i), values[i]);
  for (int64_t i = values.size(); i < numOutputs(); ++i)
    if (wantsOutput(i))
      return unsupported("output " + std::to_string(i) + " ('" + node_.output(i) + "')");
  return success();
}

InFlightDiagnostic NodeContext::emitError() const {
  return mlir::emitError(loc_) << node_.op_type() << " node '" << node_.name() << "': ";
}

LogicalResult NodeContext::unsupported(StringRef what) const {
  return emitError() << "unsupported op: " << what << " (op type '" << node_.op_type()
                     << "', domain '" << (node_.domain().empty() ? "ai.onnx" : node_.domain())
                     << "', opset " << opset_ << ") is not supported";
}

} // namespace strata::onnx

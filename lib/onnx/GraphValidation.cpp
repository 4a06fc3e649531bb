//===- GraphValidation.cpp - What onnx.checker checks of a graph ----------===//
//
// Run before anything is imported, so that a malformed graph is refused with
// the rule it breaks rather than imported into something the program cannot
// honour (two definitions of one value, an input that a node overwrites).
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/GraphValidation.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"

// LLVM code is built without exceptions; with this, the schema header's inline
// error paths abort instead of throwing. Schema lookups never take them.
#define ONNX_NO_EXCEPTIONS
#include <onnx/defs/schema.h>

#include <climits>

using namespace mlir;

namespace strata::onnx {

namespace {

/// "int", "graphs", ... for messages.
std::string attributeTypeName(::onnx::AttributeProto::AttributeType type) {
  if (type == ::onnx::AttributeProto::UNDEFINED)
    return "of no type";
  return llvm::StringRef(::onnx::AttributeProto::AttributeType_Name(type)).lower();
}

/// `name (op)` of node `index`, as in node locations.
std::string describeNode(const ::onnx::NodeProto &node, int64_t index) {
  return (node.name().empty() ? "#" + std::to_string(index) : node.name()) + " (" + node.op_type() +
         ")";
}

} // namespace

LogicalResult checkSingleAssignment(const ::onnx::GraphProto &graph, Location modelLoc,
                                    NodeLocation nodeLoc) {
  llvm::StringMap<int64_t> inputs, initializers;
  for (auto [i, input] : llvm::enumerate(graph.input()))
    if (input.name().empty())
      return emitError(modelLoc, "graph input ") << i << " has no name";
  for (auto [i, output] : llvm::enumerate(graph.output()))
    if (output.name().empty())
      return emitError(modelLoc, "graph output ") << i << " has no name";
  for (auto [i, input] : llvm::enumerate(graph.input()))
    if (!inputs.try_emplace(input.name(), i).second)
      return emitError(modelLoc, "graph input '")
             << input.name() << "' is declared twice (inputs " << inputs.lookup(input.name())
             << " and " << i << "); each value must have a single definition";
  for (const auto &init : graph.initializer())
    if (!initializers.try_emplace(init.name(), 0).second)
      return emitError(modelLoc, "initializer '")
             << init.name() << "' is defined twice; each value must have a single definition";
  // Output name -> the index of the node that produces it.
  llvm::StringMap<int64_t> producers;
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    for (const std::string &output : node.output()) {
      if (output.empty())
        continue;
      auto fail = [&](const llvm::Twine &what) {
        return emitError(nodeLoc(node, index), "node output '")
               << output << "' " << what
               << "; each value must have a single definition (ONNX graphs are in SSA form)";
      };
      if (inputs.contains(output))
        return fail("overwrites the graph input of that name");
      if (initializers.contains(output))
        return fail("overwrites the initializer of that name");
      auto [it, inserted] = producers.try_emplace(output, index);
      if (inserted)
        continue;
      if (it->second == static_cast<int64_t>(index))
        return fail("is written twice by this node");
      return fail("is also produced by node '" + describeNode(graph.node(it->second), it->second) +
                  "'");
    }
  }
  return success();
}

LogicalResult checkNodeAttributes(const ::onnx::GraphProto &graph,
                                  const llvm::StringMap<int64_t> &opsets, NodeLocation nodeLoc) {
  const auto &known = ::onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    auto opset = opsets.find(domain);
    auto range = known.find(domain);
    // A newer opset may have changed the op's attributes since the schema
    // the library has.
    if (opset == opsets.end() || range == known.end() || opset->second > range->second.second)
      continue;
    const ::onnx::OpSchema *schema = ::onnx::OpSchemaRegistry::Schema(
        node.op_type(), static_cast<int>(std::min<int64_t>(opset->second, INT_MAX)), domain);
    if (!schema)
      continue;
    for (const ::onnx::AttributeProto &attr : node.attribute()) {
      auto declared = schema->attributes().find(attr.name());
      // Names starting with "__" are internal symbols onnx.checker lets pass.
      if (declared == schema->attributes().end()) {
        if (llvm::StringRef(attr.name()).starts_with("__"))
          continue;
        return emitError(nodeLoc(node, index), "attribute '")
               << attr.name() << "' (" << attributeTypeName(attr.type()) << ") is not one "
               << node.op_type() << "-" << schema->SinceVersion() << " takes";
      }
      if (attr.type() != declared->second.type)
        return emitError(nodeLoc(node, index), "attribute '")
               << attr.name() << "' is " << attributeTypeName(attr.type()) << ", but "
               << node.op_type() << "-" << schema->SinceVersion() << " takes "
               << attributeTypeName(declared->second.type);
    }
  }
  return success();
}

} // namespace strata::onnx

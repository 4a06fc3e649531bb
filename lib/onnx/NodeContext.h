//===- NodeContext.h - What an op handler sees of its ONNX node -*- C++ -*-===//
//
// Handlers convert one ONNX node to graph ops. They read inputs and attributes
// through `NodeContext`, build ops at the node's location, and report errors that
// name the node.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_ONNX_NODECONTEXT_H
#define STRATA_LIB_ONNX_NODECONTEXT_H

#include "dialects/graph/GraphDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>

namespace strata::onnx {

class GraphImporter;

/// One ONNX node during import.
class NodeContext {
public:
  NodeContext(GraphImporter &importer, const ::onnx::NodeProto &node, mlir::Location loc,
              int64_t opset);

  const ::onnx::NodeProto &node() const { return node_; }
  mlir::Location loc() const { return loc_; }
  int64_t opset() const { return opset_; }
  mlir::OpBuilder &builder() { return builder_; }
  mlir::MLIRContext *context() { return builder_.getContext(); }

  /// Inputs. An input with an empty name is absent.
  int64_t numInputs() const { return node_.input_size(); }
  bool hasInput(int64_t i) const;
  mlir::Value input(int64_t i) const;
  mlir::RankedTensorType inputType(int64_t i) const;

  /// The input's values when it is a constant of integers.
  std::optional<llvm::SmallVector<int64_t>> constantInts(int64_t i) const;
  /// The input's value when it is a constant integer tensor of exactly one
  /// element (scalar operands such as k, axis, depth).
  std::optional<int64_t> constantInt(int64_t i) const;
  /// The input's value when it is a constant with one floating-point element.
  std::optional<double> constantFloat(int64_t i) const;

  /// Attributes.
  bool hasAttr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t defaultValue) const;
  float floatAttr(llvm::StringRef name, float defaultValue) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef defaultValue) const;
  std::optional<llvm::SmallVector<int64_t>> intsAttr(llvm::StringRef name) const;
  const ::onnx::TensorProto *tensorAttr(llvm::StringRef name) const;

  /// Outputs. An output with an empty name, or one that no node and no graph
  /// output reads, is not wanted.
  int64_t numOutputs() const { return node_.output_size(); }
  bool wantsOutput(int64_t i) const;
  /// The type ONNX declares for output `i` (value_info or graph output), if any.
  std::optional<mlir::RankedTensorType> declaredOutputType(int64_t i) const;
  /// Binds the node's outputs, in order; extra values are ignored.
  mlir::LogicalResult setOutputs(mlir::ValueRange values);

  /// An error at the node, prefixed with its name and op type.
  mlir::InFlightDiagnostic emitError() const;
  /// The standard error for a legal ONNX construct Strata does not handle.
  mlir::LogicalResult unsupported(llvm::StringRef what) const;

  /// Builds `OpTy` at the node's location.
  template <typename OpTy, typename... Args> OpTy create(Args &&...args) {
    return OpTy::create(builder_, loc_, std::forward<Args>(args)...);
  }

private:
  const ::onnx::AttributeProto *findAttr(llvm::StringRef name) const;

  GraphImporter &importer_;
  const ::onnx::NodeProto &node_;
  mlir::Location loc_;
  int64_t opset_;
  mlir::OpBuilder &builder_;
};

} // namespace strata::onnx

#endif // STRATA_LIB_ONNX_NODECONTEXT_H

//===- GraphImporter.h - One ONNX graph into one function -------*- C++ -*-===//
//
// Walks a GraphProto: inputs become function arguments, initializers weights or
// constants, nodes graph ops through their handlers, outputs the return.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_ONNX_GRAPHIMPORTER_H
#define STRATA_LIB_ONNX_GRAPHIMPORTER_H

#include "lib/onnx/HandlerRegistry.h"
#include "lib/onnx/Importer.h"
#include "lib/onnx/TensorConversion.h"

#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace strata::onnx {

class GraphImporter {
public:
  GraphImporter(mlir::ModuleOp module, const ::onnx::ModelProto &model, TensorStorage &storage,
                const ImportOptions &options, llvm::StringRef modelPath);

  /// Imports the main graph as the entry function (`@main`, unless an
  /// initializer has that name), marked `program.entry`.
  mlir::LogicalResult importMainGraph();

  mlir::OpBuilder &builder() { return builder_; }
  TensorStorage &storage() { return storage_; }
  mlir::FailureOr<mlir::Value> lookup(llvm::StringRef name) const;
  void define(llvm::StringRef name, mlir::Value value) { values_[name] = value; }
  std::optional<mlir::RankedTensorType> declaredType(llvm::StringRef name) const;
  /// Whether a node or the graph's outputs read the value `name`: an output a
  /// node names but nothing reads is treated as not requested.
  bool isConsumed(llvm::StringRef name) const { return consumedValues_.contains(name); }

private:
  /// The location of diagnostics about the model as a whole.
  mlir::Location modelLoc() const;
  mlir::Location nodeLoc(const ::onnx::NodeProto &node, int64_t index) const;
  mlir::FailureOr<mlir::RankedTensorType>
  convertValueType(const ::onnx::ValueInfoProto &info, bool isInput,
                   llvm::SmallVectorImpl<mlir::StringAttr> *dimNames);
  mlir::LogicalResult checkOpsets();
  mlir::LogicalResult resolveFixedDims();
  /// Whether an initializer that shares its name with a graph input is the
  /// input's default, which the caller may override (IR version 4 on), rather
  /// than its value (before: every initializer had to be a graph input).
  bool initializersAreDefaults() const { return model_.ir_version() >= 4; }
  /// The data of `init`: a blob for large floating-point initializers, inline
  /// attributes for the rest.
  mlir::FailureOr<mlir::ElementsAttr> convertInitializer(const ::onnx::TensorProto &init);
  /// Defines every initializer that is not an input's default.
  mlir::LogicalResult importInitializers();
  /// The data of `init` as the default of the graph input of its name, whose
  /// declared type is `declared`; fails, naming the input, when the two
  /// disagree in element type, rank or a static dimension.
  mlir::FailureOr<mlir::ElementsAttr> importInputDefault(const ::onnx::TensorProto &init,
                                                         mlir::RankedTensorType declared);
  /// A weight as an immutable `ml_program.global` named `name`, and its load.
  mlir::Value importWeight(llvm::StringRef name, mlir::ElementsAttr value, mlir::Location loc);
  mlir::LogicalResult importNode(const ::onnx::NodeProto &node, int64_t index);
  /// Runs `handler` on `node`; a handler that fails without reporting an
  /// error gets one at the node, so that no failed import is silent.
  mlir::LogicalResult runHandler(Handler handler, NodeContext &node);
  /// The indices of the graph's nodes in an order in which every node comes
  /// after the nodes producing its inputs, keeping the file's order where it
  /// already is one; fails with an error naming the nodes of a cycle.
  mlir::FailureOr<llvm::SmallVector<int64_t>> topologicalOrder();
  /// Records in `consumedValues_` every value a node or a graph output reads.
  void collectConsumedValues();
  /// Describes a sequence or optional value for `program.pass_through_*`.
  mlir::FailureOr<program::PassThroughAttr> describePassThrough(const ::onnx::ValueInfoProto &info,
                                                                int64_t position);
  /// Checks that pass-through output `output` declares a type that fits its
  /// source input's.
  mlir::LogicalResult checkPassThroughOutput(program::PassThroughAttr output,
                                             program::PassThroughAttr source);
  /// The dimension names the graph declares for `output` (empty strings for
  /// unnamed dimensions, or all of them when the declared rank is not `rank`).
  llvm::SmallVector<mlir::StringAttr> outputDimNames(const ::onnx::ValueInfoProto &output,
                                                     int64_t rank);
  /// Carries `node` (an Identity) over a pass-through value, or refuses it.
  mlir::LogicalResult importPassThroughNode(const ::onnx::NodeProto &node, mlir::Location loc,
                                            llvm::StringRef input);

  mlir::ModuleOp module_;
  const ::onnx::ModelProto &model_;
  TensorStorage &storage_;
  const ImportOptions &options_;
  std::string modelPath_;
  mlir::MLIRContext *ctx_;
  mlir::OpBuilder builder_;
  llvm::StringMap<mlir::Value> values_;
  /// Sequence and optional values, which no op computes on: each is a graph
  /// input carried unchanged through Identity nodes. Value name -> the input.
  llvm::StringMap<std::string> passThrough_;
  /// Values whose data or shape a node or the graph's outputs read.
  llvm::StringSet<> readValues_;
  /// Values some node reads as an input, or the graph returns.
  llvm::StringSet<> consumedValues_;
  llvm::StringMap<const ::onnx::ValueInfoProto *> valueInfos_;
  /// Initializers that are the defaults of graph inputs: the input's argument
  /// carries the name.
  llvm::StringSet<> inputDefaults_;
  llvm::StringMap<int64_t> opsets_;
  /// Symbolic dim name -> static size, from `--shape`.
  llvm::StringMap<int64_t> fixedDims_;
};

} // namespace strata::onnx

#endif // STRATA_LIB_ONNX_GRAPHIMPORTER_H

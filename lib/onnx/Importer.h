//===- Importer.h - ONNX model to graph dialect -----------------*- C++ -*-===//
//
// The public entry points of the ONNX importer: a model file (binary protobuf or
// ONNX text format) becomes a module with one `func.func @main` of graph ops.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_ONNX_IMPORTER_H
#define STRATA_LIB_ONNX_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace strata::onnx {

/// What the user fixes or bounds about the model's inputs.
struct ImportOptions {
  /// Input name -> full static shape (`--shape input_ids=1x128`). Symbolic dims of
  /// a fixed input also fix every other use of the same dim name.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Symbolic dim name -> upper bound (`--max-shape batch=8,sequence=2048`),
  /// recorded on the function for later phases.
  llvm::StringMap<int64_t> maxDims;
  /// Whether every float initializer of more than one element becomes a
  /// weight (an `ml_program.global`), as training needs of its parameters,
  /// instead of those of at most 64 elements becoming `graph.constant`s.
  /// Scalars stay constants either way: exporters write the constants of
  /// their arithmetic (a GELU's 0.5, an epsilon) as one-element initializers.
  bool smallFloatWeights = false;
};

/// Imports the model at `path` (`.onnx` protobuf, or ONNX text format when the
/// file ends in `.onnxtext`). External data files are memory-mapped and referenced,
/// never copied. Errors are reported as diagnostics through the context.
mlir::OwningOpRef<mlir::ModuleOp> importModelFile(llvm::StringRef path, mlir::MLIRContext &context,
                                                  const ImportOptions &options);

/// Imports a model held in memory: `bytes` are the contents of a model file and
/// `name` stands for its path, which selects the format (ONNX text when it ends in
/// `.onnxtext`), locates diagnostics, and anchors relative external data paths.
/// `bytes` need not outlive the call.
mlir::OwningOpRef<mlir::ModuleOp> importModelBuffer(llvm::StringRef bytes, llvm::StringRef name,
                                                    mlir::MLIRContext &context,
                                                    const ImportOptions &options);

/// Parses `bytes`, the contents of the model file at `path` (ONNX text when it
/// ends in `.onnxtext`), reporting what is wrong at `loc`.
mlir::FailureOr<std::shared_ptr<::onnx::ModelProto>>
parseModel(llvm::StringRef bytes, llvm::StringRef path, mlir::Location loc);

/// One handler of the importer: nodes of `opType` in `domain` ("" for the default
/// domain) import at opsets `firstOpset..lastOpset` (inclusive; `lastOpset` is
/// INT64_MAX for "and every later opset").
struct ImportedOp {
  std::string domain;
  std::string opType;
  int64_t firstOpset;
  int64_t lastOpset;
};

/// Every handler of the importer, sorted by domain, op type and first opset: what
/// the importer supports, for tools and test harnesses that must not keep a list.
std::vector<ImportedOp> importedOps();

/// Loads the dialects the importer produces into `context`.
void loadImporterDialects(mlir::MLIRContext &context);

} // namespace strata::onnx

#endif // STRATA_LIB_ONNX_IMPORTER_H

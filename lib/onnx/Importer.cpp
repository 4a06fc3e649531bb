//===- Importer.cpp - ONNX model files to graph dialect modules -----------===//
//
// Reads a model (protobuf or ONNX text), checks it is well-formed enough to
// import, and hands the main graph to GraphImporter. The parsed ModelProto stays
// alive as long as any weight blob points into it.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/Importer.h"

#include "lib/onnx/GraphImporter.h"
#include "lib/onnx/HandlerRegistry.h"
#include "lib/onnx/ModelFiles.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <tuple>

#include <google/protobuf/io/coded_stream.h>
#include <onnx/defs/parser.h>

using namespace mlir;

namespace strata::onnx {

std::vector<ImportedOp> importedOps() {
  std::vector<ImportedOp> ops;
  HandlerRegistry::get().forEach(
      [&](StringRef domain, StringRef opType, int64_t firstOpset, int64_t lastOpset) {
        ops.push_back({domain.str(), opType.str(), firstOpset, lastOpset});
      });
  std::sort(ops.begin(), ops.end(), [](const ImportedOp &a, const ImportedOp &b) {
    return std::tie(a.domain, a.opType, a.firstOpset) < std::tie(b.domain, b.opType, b.firstOpset);
  });
  return ops;
}

void loadImporterDialects(MLIRContext &context) {
  context.loadDialect<graph::GraphDialect, program::ProgramDialect, func::FuncDialect,
                      ml_program::MLProgramDialect, tensor::TensorDialect>();
}

FailureOr<std::shared_ptr<::onnx::ModelProto>> parseModel(StringRef bytes, StringRef path,
                                                          Location loc) {
  auto model = std::make_shared<::onnx::ModelProto>();
  if (path.ends_with(".onnxtext")) {
    std::string text = bytes.str();
    ::onnx::OnnxParser parser(text.c_str());
    auto status = parser.Parse(*model);
    if (!status.IsOK())
      return emitError(loc, "malformed ONNX text: ") << status.ErrorMessage();
    return model;
  }
  if (bytes.empty())
    return emitError(loc, "not an ONNX model: the file is empty");
  google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t *>(bytes.data()),
                                                bytes.size());
  stream.SetTotalBytesLimit(INT_MAX);
  if (!model->ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return emitError(loc, "not an ONNX model, or a truncated one: the file does not "
                          "parse as an ONNX ModelProto");
  if (!model->has_graph() || model->ir_version() <= 0)
    return emitError(loc, "not an ONNX model: it has no graph or no IR version");
  return model;
}

OwningOpRef<ModuleOp> importModelBuffer(StringRef bytes, StringRef name, MLIRContext &context,
                                        const ImportOptions &options) {
  loadImporterDialects(context);
  Location loc = FileLineColLoc::get(&context, name, 0, 0);
  FailureOr<std::shared_ptr<::onnx::ModelProto>> model = parseModel(bytes, name, loc);
  if (failed(model))
    return nullptr;
  std::string baseDir = llvm::sys::path::parent_path(name).str();
  TensorStorage storage(*model, baseDir);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  GraphImporter importer(*module, **model, storage, options, name);
  if (failed(importer.importMainGraph()))
    return nullptr;
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> importModelFile(StringRef path, MLIRContext &context,
                                      const ImportOptions &options) {
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer = openRegularFile(path, "model file");
  if (!buffer) {
    loadImporterDialects(context);
    emitError(FileLineColLoc::get(&context, path, 0, 0), llvm::toString(buffer.takeError()));
    return nullptr;
  }
  return importModelBuffer((*buffer)->getBuffer(), path, context, options);
}

} // namespace strata::onnx

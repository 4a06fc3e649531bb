//===- TensorConversion.h - ONNX tensors and types to MLIR ------*- C++ -*-===//
//
// Element types, tensor types and tensor payloads of ONNX as MLIR types and
// attributes. Large payloads become `dense_resource` blobs that point into memory
// the importer keeps mapped, never copies.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_ONNX_TENSORCONVERSION_H
#define STRATA_LIB_ONNX_TENSORCONVERSION_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <onnx/onnx_pb.h>

#include <memory>

namespace strata::onnx {

/// The MLIR element type of an ONNX `TensorProto::DataType`.
llvm::Expected<mlir::Type> convertElementType(mlir::MLIRContext *context, int32_t dataType);

/// Where the bytes of tensors live: the parsed model (raw_data) and the mapped
/// external-data files. Blobs keep their owner alive.
class TensorStorage {
public:
  TensorStorage(std::shared_ptr<const ::onnx::ModelProto> model, std::string baseDir)
      : model_(std::move(model)), baseDir_(std::move(baseDir)) {}

  /// A constant attribute for `tensor`: `DenseElementsAttr` when `inlineData`
  /// (small tensors the compiler folds), otherwise a `dense_resource` blob named
  /// after the tensor that references the data in place.
  llvm::Expected<mlir::ElementsAttr> convert(mlir::MLIRContext *context,
                                             const ::onnx::TensorProto &tensor, bool inlineData);

  /// The bytes of `tensor`'s payload in raw_data's layout: where they lie
  /// (raw_data, an external data file, whose owner `owner` receives), or
  /// serialised from the typed fields into `copied`.
  llvm::Expected<llvm::ArrayRef<char>> bytes(mlir::MLIRContext *context,
                                             const ::onnx::TensorProto &tensor, std::string &copied,
                                             std::shared_ptr<const void> &owner);

private:
  llvm::Expected<llvm::ArrayRef<char>> rawBytes(const ::onnx::TensorProto &tensor,
                                                int64_t expectedBytes,
                                                std::shared_ptr<const void> &owner, bool &present);
  llvm::Expected<std::shared_ptr<llvm::MemoryBuffer>> mapFile(llvm::StringRef location);

  std::shared_ptr<const ::onnx::ModelProto> model_;
  std::string baseDir_;
  llvm::StringMap<std::shared_ptr<llvm::MemoryBuffer>> files_;
};

} // namespace strata::onnx

#endif // STRATA_LIB_ONNX_TENSORCONVERSION_H

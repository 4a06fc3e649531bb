//===- ModelTemplate.h - An ONNX model to write trained weights into -*- C++ -*-===//
//
// A training program writes what it trained back into the ONNX model it was
// compiled from (`out/train --export-onnx`) without knowing ONNX: stratac
// gives it the model without the trained initializers, and each of those
// initializers without its data. Protobuf merges a message field that appears
// twice, so the program appends a second `graph` field holding the trained
// tensors (strata/model.h, strata_training).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_ONNX_MODELTEMPLATE_H
#define STRATA_LIB_ONNX_MODELTEMPLATE_H

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace strata::onnx {

struct ModelTemplate {
  /// The serialised ModelProto without the trained initializers; every other
  /// initializer is inline, those that were in external data included, so
  /// that the model needs no file beside it.
  std::string model;
  /// For each trained weight, its serialised TensorProto without data.
  std::vector<std::string> initializers;
};

/// The template of the model at `path` for the weights `trained`. Fails when
/// the model does not parse, a trained weight is not an initializer of its
/// main graph, or the template would exceed 64 MiB (large untrained
/// initializers, such as quantised weights); the message says which.
llvm::Expected<ModelTemplate> makeModelTemplate(mlir::MLIRContext &context, llvm::StringRef path,
                                                llvm::ArrayRef<std::string> trained);

} // namespace strata::onnx

#endif // STRATA_LIB_ONNX_MODELTEMPLATE_H

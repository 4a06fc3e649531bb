//===- TrainedModel.h - An ONNX model with trained initializers -*- C++ -*-===//
//
// `stratac update-weights MODEL.onnx --weights FILE.weights -o OUT.onnx`:
// the model with each float initializer that a weights file (a training
// program's checkpoint, or weights it exported) holds under the
// initializer's name replaced by that tensor, so that trained weights go
// back to ONNX for any runtime.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_TRAINEDMODEL_H
#define STRATA_LIB_DRIVER_TRAINEDMODEL_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstddef>

namespace strata {

/// What an update replaced.
struct InitializerUpdate {
  /// Float initializers of the model, and those replaced.
  size_t floats = 0, replaced = 0;
};

/// Writes `modelPath`'s ONNX model to `outPath` with its float initializers
/// replaced by the tensors of the weights file `weightsPath` that have their
/// names, inline (raw_data). A tensor of the same name and another size, a
/// weights file sharing no name with the model, initializers in external
/// data, and an output over protobuf's 2 GiB are errors naming the file.
llvm::Expected<InitializerUpdate>
updateInitializers(llvm::StringRef modelPath, llvm::StringRef weightsPath, llvm::StringRef outPath);

} // namespace strata

#endif // STRATA_LIB_DRIVER_TRAINEDMODEL_H

//===- OnnxExport.h - Trained weights written into the ONNX model -*- C++ -*-===//
//
// `out/train --export-onnx OUT.onnx`: the ONNX model the training program was
// compiled from, with the trained weights as its initializers, for
// onnxruntime or any other runtime. The program carries the model without
// those initializers (strata_training::onnx_model) and appends a second
// `graph` field holding them, which protobuf merges into the first; the
// weights are written from where they lie in the weights file's mapping.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_ONNXEXPORT_H
#define STRATA_RUNTIME_CORE_ONNXEXPORT_H

#include "strata/model.h"
#include "strata/runtime.h"

#include <string>

namespace strata {

/// The external data file of an export to `outPath`: "OUT.onnx.data".
std::string externalDataPath(const std::string &outPath);

/// Checks, before training, what exportOnnx to `outPath` will need: that the
/// program carries its model, that `weights` holds every trained tensor at
/// its initializer's size, and that `outPath`'s directory can take files.
/// Fails naming the cause.
std::string checkOnnxExport(const strata_training &training, const strata_weights *weights,
                            const std::string &outPath);

/// Writes the model of `training`, with the tensors of `trained` named as its
/// parameters for initializers, to `outPath`: inline (raw_data), unless
/// `externalData` or the model would exceed protobuf's 2 GiB, in which case
/// the tensors go to externalDataPath(outPath), each at a 4 KiB-aligned
/// offset, referenced by a location relative to the model. Both files are
/// written in full before either replaces what the paths held, so a
/// failure leaves them as they were. Fails, naming the cause,
/// for a program without the model, or a trained tensor that is missing or
/// whose size differs from its initializer's. `note` says what was written.
std::string exportOnnx(const strata_training &training, const strata_weights *trained,
                       const std::string &outPath, bool externalData, std::string &note);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_ONNXEXPORT_H

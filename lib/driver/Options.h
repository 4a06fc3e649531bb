//===- Options.h - What a stratac invocation asks for -----------*- C++ -*-===//
//
// The parsers of the shape and size options, kept apart from the command-line library
// so tests and embedders can build them.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_OPTIONS_H
#define STRATA_LIB_DRIVER_OPTIONS_H

#include "lib/onnx/Importer.h"

#include "llvm/Support/Error.h"

#include <string>

namespace strata {

/// Parses `NAME=DxDxD` entries (comma-separated or repeated) into
/// `options.inputShapes`.
llvm::Error parseShapeOption(llvm::StringRef text, onnx::ImportOptions &options);

/// Parses `NAME=N` entries into `options.maxDims`.
llvm::Error parseMaxShapeOption(llvm::StringRef text, onnx::ImportOptions &options);

/// Dynamic loss scaling (`--loss-scale`): the first scale and the finite
/// steps in a row after which it doubles; a first scale of 0 is none.
struct LossScaleOption {
  double initial = 0;
  int64_t interval = 2000;
};

/// Parses `none` or `dynamic[:init=NUMBER,interval=N]` (init 65536,
/// interval 2000, torch.amp.GradScaler's defaults).
llvm::Expected<LossScaleOption> parseLossScale(llvm::StringRef text);

/// Parses a positive byte count given to `option`: digits with an optional
/// suffix K/KiB, M/MiB, G/GiB or T/TiB (powers of 1024).
llvm::Error parseByteSize(llvm::StringRef text, llvm::StringRef option, uint64_t &bytes);

} // namespace strata

#endif // STRATA_LIB_DRIVER_OPTIONS_H

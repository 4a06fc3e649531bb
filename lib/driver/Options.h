//===- Options.h - What a stratac invocation asks for -----------*- C++ -*-===//
//
// The phase enum behind `--compile-to=` and the parsers of the shape options,
// kept apart from the command-line library so tests and embedders can build them.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_OPTIONS_H
#define STRATA_LIB_DRIVER_OPTIONS_H

#include "lib/onnx/Importer.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace strata {

/// Where compilation stops, in pipeline order.
enum class Phase {
  /// The importer's output, before any pass.
  Import,
  /// After the canonical phase: shapes folded, dead code removed.
  Graph,
  /// Graph ops lowered to linalg, tensor, arith and math on tensors.
  Linalg,
  /// Tensors bufferised to memrefs, with deallocation.
  Buffers,
  /// The LLVM dialect (CPU target), public functions with C interfaces.
  LLVM,
};

/// Parses a `--compile-to` value.
std::optional<Phase> parsePhase(llvm::StringRef name);

/// Parses `NAME=DxDxD` entries (comma-separated or repeated) into
/// `options.inputShapes`.
llvm::Error parseShapeOption(llvm::StringRef text, onnx::ImportOptions &options);

/// Parses `NAME=N` entries into `options.maxDims`.
llvm::Error parseMaxShapeOption(llvm::StringRef text, onnx::ImportOptions &options);

} // namespace strata

#endif // STRATA_LIB_DRIVER_OPTIONS_H

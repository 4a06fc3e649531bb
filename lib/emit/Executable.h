//===- Executable.h - Link an emitted program -------------------*- C++ -*-===//
//
// Produces the standalone executable: the model's object file, its generated
// description and the runtime, linked by the system's C++ compiler driver. The
// output appears atomically: a failed step leaves nothing at the output path.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_EXECUTABLE_H
#define STRATA_LIB_EMIT_EXECUTABLE_H

#include "lib/emit/ModelSignature.h"

#include "mlir/IR/BuiltinOps.h"

namespace strata {

/// Where the pieces the linker needs live.
struct LinkOptions {
  /// The runtime's build directory: core/libstrata_runtime_main.a,
  /// core/libstrata_runtime_core.a and the device libraries under device/.
  std::string runtimeLibraryDir;
  /// Directory with strata/runtime.h and strata/model.h.
  std::string includeDir;
  /// The BLAS library the runtime's matrix products call.
  std::string blasLibrary;
  /// The C++ compiler driver (found on PATH when empty).
  std::string compiler;
};

/// The defaults of this build of stratac.
LinkOptions defaultLinkOptions();

/// Writes the executable for `module` (in the LLVM dialect, entry
/// `strata_model_main`, see strata-cpu-export-entry-points) to
/// `outputPath`.
mlir::LogicalResult emitExecutable(mlir::ModuleOp module, const ModelSignature &signature,
                                   llvm::StringRef outputPath, const LinkOptions &options);

} // namespace strata

#endif // STRATA_LIB_EMIT_EXECUTABLE_H

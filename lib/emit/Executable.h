//===- Executable.h - Link an emitted program -------------------*- C++ -*-===//
//
// Produces the standalone executable: the target's object files, the generated
// description of the model and the runtime, linked by the system's C++
// compiler driver. The output appears atomically: a failed step leaves nothing
// at the output path. Nothing here knows a target: the driver passes what the
// target backend provides.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_EXECUTABLE_H
#define STRATA_LIB_EMIT_EXECUTABLE_H

#include "lib/emit/ModelSignature.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>
#include <vector>

namespace strata {

/// What goes into the program besides the generated glue.
struct LinkOptions {
  /// Directory with strata/runtime.h and strata/model.h.
  std::string includeDir;
  /// The target-independent runtime: the program's main, and the executor
  /// with the file formats.
  std::string runtimeMainLibrary, runtimeCoreLibrary;
  /// The target's libraries and linker flags (TargetBackend::linkInputs).
  std::vector<std::string> targetInputs;
  /// The C symbol of the target's device factory (TargetBackend::deviceFactory).
  std::string deviceFactory;
  /// Flags for compiling and linking the program that this build of stratac
  /// was configured with (the sanitizers of STRATA_SANITIZE).
  std::vector<std::string> extraFlags;
  /// The C++ compiler driver (found on PATH when empty).
  std::string compiler;
};

/// The target-independent defaults of this build of stratac (include
/// directory, runtime core); the caller adds the target's inputs.
LinkOptions defaultLinkOptions();

/// Writes the program's object files into a work directory and appends their
/// paths.
using ObjectWriter =
    llvm::function_ref<mlir::LogicalResult(llvm::StringRef workDir, std::vector<std::string> &)>;

/// Writes the executable for `module` (entry `strata_model_main`, see
/// strata-export-entry-points; weights placed by strata-plan-weights) to
/// `outputPath`, with the weights file next to it: `writeObjects` emits the
/// compiled code, the glue describes `signature`.
mlir::LogicalResult emitExecutable(mlir::ModuleOp module, const ModelSignature &signature,
                                   llvm::StringRef outputPath, ObjectWriter writeObjects,
                                   const LinkOptions &options);

} // namespace strata

#endif // STRATA_LIB_EMIT_EXECUTABLE_H

//===- Executable.cpp - Link an emitted program ---------------------------===//
//
// Works in a private temporary directory next to the output (same file system,
// so the final renames are atomic) and removes it whatever happens. The weights
// file is moved into place first; if the program then cannot be, the new
// weights are removed and the previous program's weights put back.
//
//===----------------------------------------------------------------------===//

#include "lib/emit/Executable.h"

#include "lib/emit/ModelGlue.h"
#include "lib/emit/WeightsFile.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace strata {

LinkOptions defaultLinkOptions() {
  LinkOptions options;
  options.includeDir = STRATA_INCLUDE_DIR;
  options.runtimeMainLibrary = STRATA_RUNTIME_MAIN_LIBRARY;
  options.runtimeCoreLibrary = STRATA_RUNTIME_CORE_LIBRARY;
  return options;
}

LogicalResult emitExecutable(ModuleOp module, const ModelSignature &signature, StringRef outputPath,
                             ObjectWriter writeObjects, const LinkOptions &options) {
  llvm::SmallString<256> output(outputPath);
  if (std::error_code ec = llvm::sys::fs::make_absolute(output))
    return module.emitError("cannot resolve '") << outputPath << "': " << ec.message();
  StringRef outputDir = llvm::sys::path::parent_path(output);
  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return module.emitError("cannot create directory '") << outputDir << "': " << ec.message();
  llvm::SmallString<256> workDir(outputDir);
  llvm::sys::path::append(workDir, ".stratac-%%%%%%");
  llvm::SmallString<256> uniqueDir;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(workDir, uniqueDir))
    return module.emitError("cannot create a work directory in '")
           << outputDir << "': " << ec.message();
  auto cleanup = llvm::make_scope_exit([&] { llvm::sys::fs::remove_directories(uniqueDir); });

  auto inWork = [&](StringRef name) {
    llvm::SmallString<256> p(uniqueDir);
    llvm::sys::path::append(p, name);
    return p.str().str();
  };
  std::string glue = inWork("model.cpp"), linked = inWork("model"),
              weightsWork = inWork("model.weights");
  WeightsFileInfo weights;
  weights.name = (llvm::sys::path::filename(output) + ".weights").str();
  std::string weightsOutput = (output + ".weights").str();
  FailureOr<uint64_t> modelId = writeWeightsFile(module, weightsWork);
  if (failed(modelId))
    return failure();
  weights.modelId = *modelId;
  std::vector<std::string> objects;
  if (failed(writeObjects(uniqueDir, objects)))
    return failure();
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(glue, ec);
    if (ec)
      return module.emitError("cannot write '") << glue << "': " << ec.message();
    os << generateModelGlue(signature, "_mlir_ciface_strata_model_main", weights,
                            options.deviceFactory);
  }

  std::string compiler = options.compiler;
  if (compiler.empty()) {
    llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName("c++");
    if (!found)
      return module.emitError("no C++ compiler driver ('c++') on PATH to link the program");
    compiler = *found;
  }
  std::string include = "-I" + options.includeDir;
  // The runtime core and the target's libraries call each other: one group.
  SmallVector<StringRef> args = {compiler, "-O2", include, glue};
  args.append(objects.begin(), objects.end());
  args.append({options.runtimeMainLibrary, "-Wl,--start-group", options.runtimeCoreLibrary});
  args.append(options.targetInputs.begin(), options.targetInputs.end());
  args.append({"-Wl,--end-group", "-o", linked});
  std::string diagnostics = inWork("link.log");
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(diagnostics),
                                          StringRef(diagnostics)};
  std::string error;
  int status = llvm::sys::ExecuteAndWait(compiler, args, std::nullopt, redirects, 0, 0, &error);
  if (status != 0) {
    auto log = llvm::MemoryBuffer::getFile(diagnostics);
    return module.emitError("linking the program failed (")
           << (error.empty() ? "exit status " + std::to_string(status) : error)
           << "): " << (log ? (*log)->getBuffer().str() : std::string());
  }
  // An earlier program's weights are set aside, and put back if the new
  // program cannot be moved in, so the old pair stays usable.
  std::string previousWeights = inWork("previous.weights");
  bool hadWeights = !llvm::sys::fs::rename(weightsOutput, previousWeights);
  if (std::error_code ec = llvm::sys::fs::rename(weightsWork, weightsOutput)) {
    if (hadWeights)
      llvm::sys::fs::rename(previousWeights, weightsOutput);
    return module.emitError("cannot move the weights to '")
           << weightsOutput << "': " << ec.message();
  }
  if (std::error_code ec = llvm::sys::fs::rename(linked, output)) {
    llvm::sys::fs::remove(weightsOutput);
    if (hadWeights)
      llvm::sys::fs::rename(previousWeights, weightsOutput);
    return module.emitError("cannot move the program to '") << output << "': " << ec.message();
  }
  return success();
}

} // namespace strata

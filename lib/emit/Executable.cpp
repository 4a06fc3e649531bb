//===- Executable.cpp - Link an emitted program ---------------------------===//
//
// Works in a private directory next to the output (same file system, so the
// final renames are atomic; see WorkDirectory.h), which is removed whatever
// happens. The weights file is moved into place first; if the program then
// cannot be, the new weights are removed and the previous program's weights
// put back. Outputs that exist as something other than regular files are
// refused, never replaced.
//
//===----------------------------------------------------------------------===//

#include "lib/emit/Executable.h"

#include "lib/emit/ModelGlue.h"
#include "lib/emit/Subprocess.h"
#include "lib/emit/WeightsFile.h"
#include "lib/emit/WorkDirectory.h"

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
  llvm::SmallVector<llvm::StringRef> flags;
  llvm::StringRef(STRATA_PROGRAM_FLAGS).split(flags, ' ', -1, /*KeepEmpty=*/false);
  options.extraFlags.assign(flags.begin(), flags.end());
  return options;
}

namespace {

/// Refuses `path` as an output the compile replaces when something other
/// than a regular file is there: renaming over a device or a FIFO would
/// destroy it.
LogicalResult checkReplaceable(ModuleOp module, StringRef path, StringRef what) {
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::status(path, status) ||
      status.type() == llvm::sys::fs::file_type::regular_file)
    return success();
  StringRef kind = status.type() == llvm::sys::fs::file_type::directory_file ? "a directory"
                   : status.type() == llvm::sys::fs::file_type::fifo_file     ? "a FIFO"
                   : status.type() == llvm::sys::fs::file_type::character_file
                       ? "a character device"
                   : status.type() == llvm::sys::fs::file_type::block_file ? "a block device"
                                                                           : "a special file";
  return module.emitError("cannot write the ")
         << what << " to '" << path << "': it is " << kind
         << "; the program and its weights are written as regular files";
}

/// `path` made absolute, with symbolic links resolved when it exists (the
/// file it names is replaced, the link kept).
FailureOr<std::string> resolveOutput(ModuleOp module, StringRef path) {
  llvm::SmallString<256> absolute(path);
  if (std::error_code ec = llvm::sys::fs::make_absolute(absolute))
    return module.emitError("cannot resolve '") << path << "': " << ec.message();
  llvm::SmallString<256> real;
  if (llvm::sys::fs::exists(absolute) && !llvm::sys::fs::real_path(absolute, real))
    return real.str().str();
  return absolute.str().str();
}

} // namespace

LogicalResult emitExecutable(ModuleOp module, const ModelSignature &signature, StringRef outputPath,
                             ObjectWriter writeObjects, const LinkOptions &options) {
  FailureOr<std::string> output = resolveOutput(module, outputPath);
  if (failed(output))
    return failure();
  FailureOr<std::string> weightsOutput = resolveOutput(module, *output + ".weights");
  if (failed(weightsOutput) || failed(checkReplaceable(module, *output, "program")) ||
      failed(checkReplaceable(module, *weightsOutput, "weights")))
    return failure();
  StringRef outputDir = llvm::sys::path::parent_path(*output);
  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return module.emitError("cannot create directory '") << outputDir << "': " << ec.message();
  llvm::Expected<std::unique_ptr<WorkDirectory>> work = WorkDirectory::create(outputDir);
  if (!work)
    return module.emitError(llvm::toString(work.takeError()));

  std::string glue = (*work)->file("model.cpp"), linked = (*work)->file("model"),
              weightsWork = (*work)->file("model.weights");
  WeightsFileInfo weights;
  weights.name = (llvm::sys::path::filename(*output) + ".weights").str();
  FailureOr<uint64_t> modelId = writeWeightsFile(module, weightsWork);
  if (failed(modelId))
    return failure();
  weights.modelId = *modelId;
  std::vector<std::string> objects;
  if (failed(writeObjects((*work)->path(), objects)))
    return failure();
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(glue, ec);
    if (ec)
      return module.emitError("cannot write '") << glue << "': " << ec.message();
    os << generateModelGlue(signature, "_mlir_ciface_strata_model_main", weights,
                            options.deviceFactory);
    os.close();
    if (os.has_error()) {
      std::error_code error = os.error();
      os.clear_error();
      return module.emitError("cannot write '") << glue << "': " << error.message();
    }
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
  std::vector<std::string> args = {compiler, "-O2", include, glue};
  args.insert(args.end(), objects.begin(), objects.end());
  args.insert(args.end(), options.extraFlags.begin(), options.extraFlags.end());
  args.insert(args.end(),
              {options.runtimeMainLibrary, "-Wl,--start-group", options.runtimeCoreLibrary});
  args.insert(args.end(), options.targetInputs.begin(), options.targetInputs.end());
  args.insert(args.end(), {"-Wl,--end-group", "-o", linked});
  std::string diagnostics = (*work)->file("link.log");
  llvm::Expected<int> status = runSubprocess(compiler, args, diagnostics);
  if (!status || *status != 0) {
    auto log = llvm::MemoryBuffer::getFile(diagnostics);
    return module.emitError("linking the program failed (")
           << (status ? "exit status " + std::to_string(*status)
                      : llvm::toString(status.takeError()))
           << "): " << (log ? (*log)->getBuffer().str() : std::string());
  }
  // An earlier program's weights are set aside, and put back if the new
  // program cannot be moved in, so the old pair stays usable.
  std::string previousWeights = (*work)->file("previous.weights");
  bool hadWeights = !llvm::sys::fs::rename(*weightsOutput, previousWeights);
  if (std::error_code ec = llvm::sys::fs::rename(weightsWork, *weightsOutput)) {
    if (hadWeights)
      llvm::sys::fs::rename(previousWeights, *weightsOutput);
    return module.emitError("cannot move the weights to '")
           << *weightsOutput << "': " << ec.message();
  }
  if (std::error_code ec = llvm::sys::fs::rename(linked, *output)) {
    llvm::sys::fs::remove(*weightsOutput);
    if (hadWeights)
      llvm::sys::fs::rename(previousWeights, *weightsOutput);
    return module.emitError("cannot move the program to '") << *output << "': " << ec.message();
  }
  return success();
}

} // namespace strata

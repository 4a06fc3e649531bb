//===- ModelFiles.h - Opening the files a model consists of -----*- C++ -*-===//
//
// The model file and its external data files are read only when they are
// regular files, and external data only from inside the model's folder: a
// model is untrusted input, and its `location` fields must not make the
// compiler read (and compile into a program) any other file, nor block on a
// FIFO or read a device without end.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_ONNX_MODELFILES_H
#define STRATA_LIB_ONNX_MODELFILES_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>

namespace strata::onnx {

/// Maps (or reads) the file at `path` after checking, on the open file, that
/// it is a regular file; a FIFO, device, socket or directory is refused
/// without reading from it. Messages start with `what '<path>'`.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> openRegularFile(llvm::StringRef path,
                                                                    llvm::StringRef what);

/// The canonical path of external data file `location` of a model whose
/// folder is `modelDir` ("" for the current directory). Refused: an empty or
/// absolute location, one with a NUL character or a `..` component, and a
/// path that, once symbolic links are resolved, is the model's (resolved)
/// folder itself or lies outside it.
llvm::Expected<std::string> resolveExternalDataPath(llvm::StringRef modelDir,
                                                    llvm::StringRef location);

/// Where a tensor's bytes lie in its external data file, from the `offset`
/// and `length` entries of its `external_data` (absent: offset 0, length
/// `expectedBytes`).
struct ExternalDataRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

/// Parses `offset` and `length` (decimal, non-negative; empty when absent) of
/// tensor `tensor`, and checks that the range is `expectedBytes` long and lies
/// within a file of `fileBytes` bytes, without overflow.
llvm::Expected<ExternalDataRange>
checkExternalDataRange(llvm::StringRef tensor, llvm::StringRef location, llvm::StringRef offset,
                       llvm::StringRef length, uint64_t expectedBytes, uint64_t fileBytes);

} // namespace strata::onnx

#endif // STRATA_LIB_ONNX_MODELFILES_H

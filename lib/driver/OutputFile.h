//===- OutputFile.h - Writing the IR stratac prints -------------*- C++ -*-===//
//
// `-o FILE` for `import` and `--compile-to`: a complete file or none, and a
// device or FIFO written to rather than replaced.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_OUTPUTFILE_H
#define STRATA_LIB_DRIVER_OUTPUTFILE_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace strata {

/// Writes what `write` prints to `path`. "-" is standard output. An existing
/// file that is not a regular file (a character device such as /dev/null, a
/// FIFO) is opened and written in place. Anything else is written to a
/// temporary file next to `path` (next to the file a symbolic link names),
/// renamed over it once complete, and removed on a write error (a full disk)
/// or an interrupt. Errors name the file and the cause.
llvm::Error writeOutputFile(llvm::StringRef path,
                            llvm::function_ref<void(llvm::raw_ostream &)> write);

} // namespace strata

#endif // STRATA_LIB_DRIVER_OUTPUTFILE_H

//===- Subprocess.h - Run a tool the compile needs --------------*- C++ -*-===//
//
// The system's C++ compiler driver links the program. It runs in a process
// group of its own, which an interrupted compile kills whole (the driver and
// the linker it starts), and it dies with stratac if stratac is killed.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_SUBPROCESS_H
#define STRATA_LIB_EMIT_SUBPROCESS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace strata {

/// Runs `program` with `args` (args[0] included), standard input from
/// /dev/null and standard output and error into `logPath`, and waits for it.
/// Returns its exit status, or an error when it cannot be started or is
/// killed by a signal.
llvm::Expected<int> runSubprocess(llvm::StringRef program, llvm::ArrayRef<std::string> args,
                                  llvm::StringRef logPath);

} // namespace strata

#endif // STRATA_LIB_EMIT_SUBPROCESS_H

//===- OptionNames.h - Unknown options are errors ---------------*- C++ -*-===//
//
// llvm::cl reads an unknown `--host-mem` as the group of single-letter options
// `-h -o -s -t ...`, prints the help for `-h` and exits with status 0,
// dropping any error it found before: a mistyped option would succeed without
// doing anything. stratac checks every option's name first.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_OPTIONNAMES_H
#define STRATA_LIB_DRIVER_OPTIONNAMES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

namespace strata {

/// Checks that each argument of `argv` that starts with '-' (up to `--`)
/// names an option registered for the subcommand `argv[1]` selects among
/// `commands` (or for the top level). The value of an option that requires
/// one and is given as the next argument is skipped, whatever it looks like.
/// The error names the first unknown option and where its help is.
llvm::Error checkOptionNames(int argc, char **argv,
                             llvm::ArrayRef<llvm::cl::SubCommand *> commands);

} // namespace strata

#endif // STRATA_LIB_DRIVER_OPTIONNAMES_H

//===- Driver.h - The stratac command line ----------------------*- C++ -*-===//
//
// `stratac import MODEL` and `stratac compile MODEL --compile-to=PHASE`.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_DRIVER_H
#define STRATA_LIB_DRIVER_DRIVER_H

namespace strata {

/// Runs stratac; returns the process exit code.
int runStratac(int argc, char **argv);

} // namespace strata

#endif // STRATA_LIB_DRIVER_DRIVER_H

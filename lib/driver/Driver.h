//===- Driver.h - The stratac command line ----------------------*- C++ -*-===//
//
// `stratac import MODEL` and `stratac compile MODEL --compile-to=PHASE`.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_DRIVER_H
#define STRATA_LIB_DRIVER_DRIVER_H

#include "lib/driver/Options.h"

#include "mlir/Pass/PassManager.h"

namespace strata {

/// Adds the passes that take IR at phase `from` to phase `to`.
void buildPipeline(mlir::OpPassManager &pm, Phase from, Phase to);

/// Runs stratac; returns the process exit code.
int runStratac(int argc, char **argv);

} // namespace strata

#endif // STRATA_LIB_DRIVER_DRIVER_H

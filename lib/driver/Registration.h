//===- Registration.h - Dialects and passes Strata registers ----*- C++ -*-===//
//
// One place that lists what a Strata tool can parse and run.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_REGISTRATION_H
#define STRATA_LIB_DRIVER_REGISTRATION_H

#include "mlir/IR/DialectRegistry.h"

namespace strata {

/// The graph and program dialects and the upstream dialects that Strata's IR
/// uses, with the interface models Strata adds.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Strata's passes, the upstream passes its pipelines use, the targets of
/// this build with their passes, and the phase pipelines.
void registerAllPasses();

} // namespace strata

#endif // STRATA_LIB_DRIVER_REGISTRATION_H

//===- Registration.h - Dialects and passes Strata registers ----*- C++ -*-===//
//
// One place that lists what a Strata tool can parse and run.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_REGISTRATION_H
#define STRATA_LIB_DRIVER_REGISTRATION_H

#include "mlir/IR/DialectRegistry.h"

namespace strata {

/// The graph dialect and the upstream dialects that Strata's IR uses.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Strata's passes and the upstream passes its pipelines use.
void registerAllPasses();

} // namespace strata

#endif // STRATA_LIB_DRIVER_REGISTRATION_H

//===- PassFailures.h - No pass fails without an error ----------*- C++ -*-===//
//
// A pass that signals failure is supposed to have reported why at the op it
// could not handle. `reportSilentPassFailures` makes that a guarantee of the
// stratac command line: a pass that fails without having reported an error
// gets one naming the pass and the op it ran on, so that a failed compile
// never exits with an empty standard error.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_PASSFAILURES_H
#define STRATA_LIB_DRIVER_PASSFAILURES_H

#include "mlir/Pass/PassManager.h"

namespace strata {

/// Adds to `pm` an instrumentation that, when a pass fails and no error was
/// reported in `pm`'s context while it ran, reports one at the op the pass
/// ran on.
void reportSilentPassFailures(mlir::PassManager &pm);

} // namespace strata

#endif // STRATA_LIB_DRIVER_PASSFAILURES_H

//===- Report.h - What --report prints --------------------------*- C++ -*-===//
//
// The program's report after its runs: the threads the device used, the
// first run's time, each arena's
// size next to the liveness lower bound the buffer plan computed for it, and
// how many blocks the compiled code allocated itself (buffers without a
// compile-time size bound) since the model was loaded, and the resident
// memory after the first run, after the last and at its peak (what the runs
// after the first add, which should be nothing).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_REPORT_H
#define STRATA_RUNTIME_CORE_REPORT_H

#include "runtime/core/Executor.h"
#include "runtime/core/ResidentMemory.h"

#include <string>

namespace strata {

/// The report's lines, each starting with "report: ", for `runs` runs of
/// `executor` running `model` on `threads` threads, the first of which took
/// `firstRunMs`, with resident memory `afterFirstRun` then (null where it
/// could not be read).
std::string reportText(const strata_model &model, const Executor &executor, int threads,
                       double firstRunMs, long runs, const ResidentMemory *afterFirstRun);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_REPORT_H

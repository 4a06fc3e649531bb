//===- Report.h - What --report prints --------------------------*- C++ -*-===//
//
// The program's report after its runs: the threads the device used, the
// first run's time, each arena's
// size next to the liveness lower bound the buffer plan computed for it, and
// how many blocks the compiled code allocated itself (buffers without a
// compile-time size bound) since the model was loaded.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_REPORT_H
#define STRATA_RUNTIME_CORE_REPORT_H

#include "runtime/core/Executor.h"

#include <string>

namespace strata {

/// The report's lines, each starting with "report: ", for `runs` runs of
/// `executor` running `model` on `threads` threads, the first of which took
/// `firstRunMs`.
std::string reportText(const strata_model &model, const Executor &executor, int threads,
                       double firstRunMs, long runs);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_REPORT_H

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

/// How long the runs took.
struct RunTimes {
  /// The first run (it loads what the program reads lazily).
  double firstMs = 0;
  /// The mean of the runs after the first; 0 when there were none.
  double laterMeanMs = 0;
  /// Runs in all.
  long runs = 1;
};

/// The report's lines, each starting with "report: ", for the runs `times`
/// describes of `executor` running `model` on `threads` threads, with
/// resident memory `afterFirstRun` after the first (null where it could not
/// be read).
std::string reportText(const strata_model &model, const Executor &executor, int threads,
                       const RunTimes &times, const ResidentMemory *afterFirstRun);

/// The report's lines on a training program's memory (`model.training`):
/// the bytes of the parameters it trains and of the optimizer's state, both
/// in the weights file `weights` (mapped privately: the pages a step writes
/// become the process's own), and of the file's other tensors; the
/// activations the backward pass reads and the gradients share the arenas.
std::string trainingMemoryText(const strata_model &model, const strata_weights *weights);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_REPORT_H

//===- Trace.h - What the runtime's own threads need of tracing -*- C++ -*-===//
//
// The C API (strata/runtime.h) records spans on any thread; the runtime's own
// threads (a device's copy threads) record them only once the program has
// begun tracing, and name their tracks.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_TRACE_H
#define STRATA_RUNTIME_CORE_TRACE_H

namespace strata::runtime {

/// Whether a span has been begun in this process.
bool traceStarted();

/// Names the calling thread's track in the trace ("thread_name" metadata).
void nameTraceThread(const char *name);

} // namespace strata::runtime

#endif // STRATA_RUNTIME_CORE_TRACE_H

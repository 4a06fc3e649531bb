//===- RunGuard.h - Errors raised inside compiled code ----------*- C++ -*-===//
//
// Compiled code has no way to return an error: when one of its run-time
// checks fails (strata_cpu_check_failed, Checks.h) or an allocation it asks
// the fallback heap for cannot be made, the runtime function it called
// raises the failure, which unwinds with longjmp to guardedInvoke, the
// device's call of the compiled function. The jump point is set right around
// that call, so the frames it unwinds are the compiled code's (which hold no
// C++ objects) and the raising runtime function's (which must hold none that
// need destroying). Whatever the compiled code allocated through the fallback
// heap stays live until the executor releases it, as after any run.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_RUNGUARD_H
#define STRATA_RUNTIME_DEVICE_CPU_RUNGUARD_H

#include "strata/model.h"

namespace strata::cpu {

/// Runs `invoke` with the descriptors of the model contract on the calling
/// thread. Returns NULL when it returns, and the failure it raised
/// (raiseFromCompiledCode) otherwise.
strata_status guardedInvoke(strata_model_invoke_fn invoke, void **inputs, void *weights,
                            void **arenas, void *results);

/// Ends the guarded run on this thread with an error of `code` and the
/// message formatted from `format` (at most 4095 bytes are kept). Only for
/// the runtime functions compiled code calls, from a frame holding nothing
/// that needs destroying. Outside a guarded run (a test calling such a
/// function directly) prints the message and aborts.
[[noreturn]] void raiseFromCompiledCode(strata_status_code code, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_RUNGUARD_H

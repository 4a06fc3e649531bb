//===- RunGuard.cpp - Errors raised inside compiled code ------------------===//
//
// The raised failure waits in thread-local storage of fixed size until the
// jump lands: nothing on the way needs destroying, and raising allocates
// nothing (it may be raising an out-of-memory failure).
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/RunGuard.h"
#include "runtime/core/Status.h"
#include "runtime/device/cpu/Checks.h"

#include <csetjmp>
#include <cstdarg>
#include <cstdio>

using strata::runtime::fatalError;
using strata::runtime::makeError;

namespace strata::cpu {
namespace {

/// Where the innermost guarded run on this thread resumes; null outside one.
thread_local std::jmp_buf *resumePoint = nullptr;
/// The failure raised, from the raise until the jump lands.
thread_local strata_status_code raisedCode = STRATA_OK;
thread_local char raisedMessage[4096];

} // namespace

strata_status guardedInvoke(strata_model_invoke_fn invoke, void **inputs, void *weights,
                            void **arenas, void *results) {
  std::jmp_buf here;
  // Not modified between setjmp and longjmp, so still valid after the jump.
  std::jmp_buf *const outer = resumePoint;
  if (setjmp(here) != 0) {
    resumePoint = outer;
    return makeError(raisedCode, "%s", raisedMessage);
  }
  resumePoint = &here;
  invoke(inputs, weights, arenas, results);
  resumePoint = outer;
  return nullptr;
}

void raiseFromCompiledCode(strata_status_code code, const char *format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(raisedMessage, sizeof raisedMessage, format, args);
  va_end(args);
  if (!resumePoint)
    fatalError("%s", raisedMessage);
  raisedCode = code;
  std::longjmp(*resumePoint, 1);
}

} // namespace strata::cpu

extern "C" void strata_cpu_check_failed(const char *message) {
  strata::cpu::raiseFromCompiledCode(STRATA_ERROR_OUT_OF_RANGE, "%s", message);
}

//===- Status.h - Construction of strata_status errors ----------*- C++ -*-===//
//
// Internal helpers the runtime uses to create strata_status values. Errors are
// created printf-style so that every message can name the file or object and
// say what is wrong, and so that building one never throws.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_STATUS_H
#define STRATA_RUNTIME_CORE_STATUS_H

#include "strata/runtime.h"

#include <string>

/// The object behind a non-NULL strata_status.
struct strata_status_object {
  strata_status_code code;
  std::string message;
};

namespace strata::runtime {

/// Returns a new error status with `code` and a message formatted from
/// `format`. If the status itself cannot be allocated, returns a shared
/// out-of-memory status (which strata_status_free ignores).
strata_status makeError(strata_status_code code, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/// Returns makeError(STRATA_ERROR_IO, ...) with ": <strerror(err)>" appended.
strata_status makeIoError(int err, const char *format, ...) __attribute__((format(printf, 2, 3)));

/// Prints "error: " and the message formatted from `format` to standard error
/// and aborts. Only for failures no caller can be told of: in functions that
/// compiled code calls, which have no way to return an error, and in
/// destructors.
[[noreturn]] void fatalError(const char *format, ...) __attribute__((format(printf, 1, 2)));

} // namespace strata::runtime

#endif // STRATA_RUNTIME_CORE_STATUS_H

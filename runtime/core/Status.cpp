//===- Status.cpp - strata_status values ------------------------*- C++ -*-===//
//
// The error values every fallible runtime call returns. A NULL status is
// success, so the common path allocates nothing; an error carries a code and
// a message that says what is wrong and where.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Status.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

using namespace strata::runtime;

/// Returned when allocating an error status fails; never freed.
static strata_status_object outOfMemoryStatus{STRATA_ERROR_OUT_OF_MEMORY, std::string()};

static strata_status vmakeError(strata_status_code code, const char *suffix, const char *format,
                                va_list args) {
  va_list sizing;
  va_copy(sizing, args);
  int length = std::vsnprintf(nullptr, 0, format, sizing);
  va_end(sizing);
  auto *status = new (std::nothrow) strata_status_object{code, std::string()};
  if (!status)
    return &outOfMemoryStatus;
  if (length < 0) {
    status->message = "(unformattable error message)";
    return status;
  }
  status->message.resize(static_cast<size_t>(length));
  std::vsnprintf(status->message.data(), status->message.size() + 1, format, args);
  if (suffix)
    status->message += suffix;
  return status;
}

strata_status strata::runtime::makeError(strata_status_code code, const char *format, ...) {
  va_list args;
  va_start(args, format);
  strata_status status = vmakeError(code, nullptr, format, args);
  va_end(args);
  return status;
}

strata_status strata::runtime::makeIoError(int err, const char *format, ...) {
  std::string suffix = ": ";
  suffix += std::strerror(err);
  va_list args;
  va_start(args, format);
  strata_status status = vmakeError(STRATA_ERROR_IO, suffix.c_str(), format, args);
  va_end(args);
  return status;
}

void strata::runtime::fatalError(const char *format, ...) {
  va_list args;
  va_start(args, format);
  std::fputs("error: ", stderr);
  std::vfprintf(stderr, format, args);
  std::fputc('\n', stderr);
  va_end(args);
  std::abort();
}

extern "C" {

strata_status_code strata_status_get_code(strata_status status) noexcept {
  return status ? status->code : STRATA_OK;
}

const char *strata_status_message(strata_status status) noexcept {
  if (!status)
    return "";
  if (status == &outOfMemoryStatus)
    return "out of memory while reporting an error";
  return status->message.c_str();
}

void strata_status_free(strata_status status) noexcept {
  if (status != &outOfMemoryStatus)
    delete status;
}

} // extern "C"

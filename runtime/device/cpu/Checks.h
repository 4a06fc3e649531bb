/*===- Checks.h - How CPU compiled code reports a failed check -----------===*
 *
 * The call that stratac's strata-cpu-lower-checks pass emits for every
 * run-time check of the compiled code (a `cf.assert`: a gather index out of
 * range, operands that cannot be broadcast, a buffer that outgrows its slot
 * in the memory plan). The message names the check and the ONNX node it
 * belongs to. The call does not return: the run stops and the device's
 * invoke returns the message as an error (RunGuard.h).
 *
 *===----------------------------------------------------------------------===*/

#ifndef STRATA_CHECKS_H
#define STRATA_CHECKS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Stops the run of the compiled code that called it; the device's invoke
/// returns STRATA_ERROR_OUT_OF_RANGE with `message`, a NUL-terminated string
/// in the compiled code's constants.
void strata_cpu_check_failed(const char *message) __attribute__((noreturn));

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* STRATA_CHECKS_H */

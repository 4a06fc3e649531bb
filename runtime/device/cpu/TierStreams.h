//===- TierStreams.h - The tier plan's copy streams, driven by compiled code -*- C++ -*-===//
//
// The routines the CPU target lowers the tier dialect to
// (strata-cpu-lower-tiers): each named stream of the plan is a copy thread
// (CopyStream.h) that runs its copies in the order the compiled code queued
// them, while the compiled code computes; a queued copy returns a ticket, the
// stream's count of copies so far, and waiting for a ticket blocks until the
// stream has run that copy. A copy's failure is raised by the wait that needs
// it (RunGuard.h); the device drains the streams when a run ends, however it
// ends, so no copy outlives the run that queued it.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_TIERSTREAMS_H
#define STRATA_RUNTIME_DEVICE_CPU_TIERSTREAMS_H

#include "strata/runtime.h"

#include <cstdint>

extern "C" {
/// Queues on copy stream `stream` a copy of `bytes` bytes from `source` into
/// the device buffer `target`; returns its ticket.
int64_t strata_cpu_tier_copy(int64_t stream, void *target, const void *source, int64_t bytes);
/// Queues on copy stream `stream` a read of `bytes` bytes at `offset` of the
/// weights data region that starts at `region` from the weights file into
/// `target`; returns its ticket.
int64_t strata_cpu_tier_read_weights(int64_t stream, const void *region, int64_t offset,
                                     void *target, int64_t bytes);
/// Makes the copies queued on `stream` from now on wait until `other` has
/// run the copy of `ticket`.
void strata_cpu_tier_stream_wait(int64_t stream, int64_t other, int64_t ticket);
/// Blocks until `stream` has run the copy of `ticket`; raises the failure of
/// a copy if one failed.
void strata_cpu_tier_wait(int64_t stream, int64_t ticket);
}

namespace strata::cpu {

/// The most copy streams a program may name.
constexpr int64_t kMaxTierStreams = 8;

/// Time spent by the tier copies since the process started.
struct TierStreamTimes {
  /// While at least one copy ran.
  uint64_t copyNs = 0;
  /// While the compiled code waited for a copy.
  uint64_t stallNs = 0;
};

TierStreamTimes tierStreamTimes();

/// Waits for every copy queued so far; returns the failure of a copy that no
/// wait raised, if any.
strata_status drainTierStreams();

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_TIERSTREAMS_H

//===- TierCopies.h - The tier plan's copies, called by compiled code -*- C++ -*-===//
//
// The routines the CPU target lowers tier copies to (TierCopies.cpp), and the
// bytes they have moved, for the device's counters.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_TIERCOPIES_H
#define STRATA_RUNTIME_DEVICE_CPU_TIERCOPIES_H

#include <cstdint>

extern "C" {
/// Copies `bytes` bytes from `source` into the device buffer `target`.
void strata_cpu_tier_copy(void *target, const void *source, int64_t bytes);
/// Reads `bytes` bytes at `offset` of the weights data region that starts at
/// `region` from the weights file into `target`; ends the run on failure.
void strata_cpu_read_weights(const void *region, int64_t offset, void *target, int64_t bytes);
}

namespace strata::cpu {

/// Bytes the tier copies have moved since the process started.
struct TierCopyCounts {
  uint64_t copiedToDevice = 0;
  uint64_t readFromNvme = 0;
};

TierCopyCounts tierCopyCounts();

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_TIERCOPIES_H

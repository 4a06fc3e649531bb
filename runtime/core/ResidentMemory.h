//===- ResidentMemory.h - The process's resident memory ---------*- C++ -*-===//
//
// What the program reports about its own memory: the resident set now and
// its peak, from Linux's /proc/self/status (VmRSS, VmHWM). A parent's
// wait4() cannot say it: the kernel counts the memory the process had
// before exec (a copy of the parent's, forked) into the child's peak.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_RESIDENTMEMORY_H
#define STRATA_RUNTIME_CORE_RESIDENTMEMORY_H

#include <cstdint>

namespace strata {

struct ResidentMemory {
  uint64_t currentBytes = 0;
  uint64_t peakBytes = 0;
};

/// The process's resident memory; false, leaving `out` alone, where
/// /proc/self/status cannot be read.
bool readResidentMemory(ResidentMemory &out);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_RESIDENTMEMORY_H

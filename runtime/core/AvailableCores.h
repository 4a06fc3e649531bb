//===- AvailableCores.h - The cores a program may keep busy ------*- C++ -*-===//
//
// The default thread count of an emitted program. Two things narrow the
// machine's cores: the affinity mask (`taskset`, a container's CPU set) and a
// CPU quota (a container's `--cpus`: cgroup v2's cpu.max, v1's
// cpu.cfs_quota_us over cpu.cfs_period_us, in the process's own cgroup or any
// above it). A quota lets every core run but only for that many cores' worth
// of time per period: a team of threads larger than it is throttled, its
// threads wait at every barrier for one that was stopped, and a decode step
// of GPT-2 124M under a one-core quota took 22 ms on two threads against
// 12.6 ms on one.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_AVAILABLECORES_H
#define STRATA_RUNTIME_CORE_AVAILABLECORES_H

#include <string>

namespace strata {

/// The cores this process may keep busy: its affinity mask's count, lowered
/// to a cgroup CPU quota rounded up; at least 1, at most 1,024.
long availableCores();

/// The tightest CPU quota, in cores, that the cgroups of a process apply to
/// it (its own and every one above it, v1's cpu controller and v2), or 0
/// where none does. The process's /proc/self files are read from `procSelf`;
/// mount points are looked up below `root` ("" for the running system; a
/// folder that mimics one, for tests). Files that are missing or malformed
/// count as no quota.
double cgroupCpuLimit(const std::string &procSelf, const std::string &root);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_AVAILABLECORES_H

//===- Team.h - The CPU device's one team of threads ------------*- C++ -*-===//
//
// Every parallel part of the CPU device runs on one team of threads: GNU
// OpenMP's, which oneDNN's products use (Debian builds oneDNN on GNU OpenMP).
// Its idle threads spin for a while before they sleep, so a second team (an
// OpenBLAS pool, LLVM's libomp) would put more busy threads than cores on the
// machine (design.md, "Loops outside products").
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_TEAM_H
#define STRATA_RUNTIME_DEVICE_CPU_TEAM_H

#include <cstdint>

namespace strata::cpu {

/// Sets the number of threads in the team (the program's --threads).
void setTeamSize(int threads);

/// The number of threads in the team.
int teamSize();

/// Makes the calling thread's next OpenMP parallel region (oneDNN's) use the
/// team's size: OpenMP keeps the thread count per thread.
void applyTeamSize();

/// Calls `task(context, part, parts)` for every part in [0, parts) with
/// parts = min(teamSize(), most), each on its own thread of the team (the
/// calling thread is one of them), and returns when all have returned.
void shareOut(int64_t most, void (*task)(void *context, int64_t part, int64_t parts),
              void *context);

/// Calls `task(context, index)` once for every index in [0, count), on the
/// team's threads. Each thread starts on its own contiguous share of the
/// range and walks it front to back; a thread done with its share takes what
/// is left of the others' from their far ends, one index at a time. Threads
/// that run at different speeds (a virtual machine's cores, one of them
/// sharing its core or its memory path with a busy neighbour) then end
/// together instead of all waiting on the slowest share, and each still
/// reads memory mostly in address order.
void shareBalanced(int64_t count, void (*task)(void *context, int64_t index), void *context);

/// Below this many elements of work per thread, a shared kernel's parts
/// are not worth waking the team for.
constexpr int64_t kLeastSharedElements = 1 << 14;

} // namespace strata::cpu

/// The call stratac's strata-cpu-fork-shared-kernels emits for a kernel whose
/// outermost parallel loop the team may share: `task(context, 0, 0)` returns
/// the kernel's work in elements; `task(context, part, parts)` runs that part
/// of its loop. Runs the parts on the team when each gets at least
/// kLeastSharedElements, else the whole loop on the calling thread.
extern "C" void strata_cpu_share(int64_t (*task)(void *context, int64_t part, int64_t parts),
                                 void *context);

#endif // STRATA_RUNTIME_DEVICE_CPU_TEAM_H

//===- Threads.h - Thread count of the CPU runtime --------------*- C++ -*-===//
//
// The compiled loops run on the calling thread; matrix products run on
// OpenBLAS's pool, whose size the program sets from --threads.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CPU_THREADS_H
#define STRATA_RUNTIME_CPU_THREADS_H

namespace strata {

/// Sets the number of threads matrix products may use (at least 1).
void setCpuThreads(int threads);

} // namespace strata

#endif // STRATA_RUNTIME_CPU_THREADS_H

//===- InterruptCleanup.h - Undo a compile that is interrupted --*- C++ -*-===//
//
// What a compile has under way when SIGINT, SIGTERM or SIGHUP arrives: work
// directories to remove and child process groups (the linker) to kill. The
// registry is read from the signal handler, so it is a fixed table of
// atomics; the handler itself only makes async-signal-safe calls.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_INTERRUPTCLEANUP_H
#define STRATA_LIB_EMIT_INTERRUPTCLEANUP_H

#include "llvm/ADT/StringRef.h"

#include <csignal>
#include <sys/types.h>

namespace strata {

/// Installs the handlers of SIGINT, SIGTERM and SIGHUP: they kill the
/// registered process groups, remove the registered directories and then
/// pass the signal on to the handler installed before (LLVM's, which removes
/// the files of `llvm::sys::RemoveFileOnSignal` and ends the process with the
/// signal). A signal the process was started ignoring stays ignored. Call
/// once, after `llvm::InitLLVM`.
void installInterruptCleanup();

/// Blocks the three signals in the calling thread (around a fork, so that the
/// child never runs the handlers), saving the mask in `previousMask`.
void blockInterrupts(sigset_t &previousMask);

/// In a forked child, before it unblocks the signals: the default actions
/// back (async-signal-safe).
void resetInterruptHandlersInChild();

/// Registers directory `path` to be removed, with everything in it, on an
/// interrupt; false when the table is full.
bool removeDirectoryOnInterrupt(llvm::StringRef path);

/// Undoes `removeDirectoryOnInterrupt(path)`.
void dontRemoveDirectoryOnInterrupt(llvm::StringRef path);

/// Registers process group `group` to be killed (SIGKILL) on an interrupt;
/// false when the table is full.
bool killProcessGroupOnInterrupt(pid_t group);

/// Undoes `killProcessGroupOnInterrupt(group)`.
void dontKillProcessGroupOnInterrupt(pid_t group);

/// Removes directory `path` and everything in it using only
/// async-signal-safe calls, without following symbolic links; what cannot be
/// removed is left.
void removeTreeSignalSafe(const char *path);

} // namespace strata

#endif // STRATA_LIB_EMIT_INTERRUPTCLEANUP_H

//===- TemporaryFile.h - Temporary files of atomic writes -------*- C++ -*-===//
//
// A file is written atomically as "<path>.tmp.<pid>" and renamed over
// <path> once complete. Such a temporary must not outlive its write: it is
// removed when the write fails, when the process is stopped by a signal
// (removeTemporaryFilesOnSignals) and, when a process was killed outright
// (SIGKILL, a crash), by the next write of the same path.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_TEMPORARYFILE_H
#define STRATA_RUNTIME_CORE_TEMPORARYFILE_H

#include "strata/runtime.h"

#include <string>

namespace strata::runtime {

struct PendingTemporary;

/// The temporary file of one atomic write of a path: named after the path and
/// this process, registered for removal on signals from before it is created
/// until it is committed (renamed into place) or removed. Removes the file on
/// destruction unless committed.
class TemporaryFile {
public:
  /// Registers the temporary of a write of `target` into `out`, which is
  /// valid only when NULL is returned. Creates nothing yet.
  static strata_status reserve(const std::string &target, TemporaryFile &out);

  TemporaryFile() = default;
  TemporaryFile(const TemporaryFile &) = delete;
  TemporaryFile &operator=(const TemporaryFile &) = delete;
  ~TemporaryFile();

  /// The temporary's path.
  const char *c_str() const { return path.c_str(); }

  /// Called once the temporary has been renamed into place: nothing is left
  /// to remove.
  void commit();

private:
  std::string path;
  PendingTemporary *pending = nullptr;
};

/// Removes, from the directory of `target`, the temporaries of writes of
/// `target` ("<name>.tmp.<pid>") left by processes that no longer exist, as a
/// process killed during a write leaves them.
void removeStaleTemporaries(const std::string &target);

/// Makes SIGHUP, SIGINT, SIGQUIT and SIGTERM remove the temporaries of the
/// writes in progress, then end the process as the signal would have. For a
/// program's main; a signal whose action is not the default one is left
/// alone. Fails only when a handler cannot be installed.
strata_status removeTemporaryFilesOnSignals();

} // namespace strata::runtime

#endif // STRATA_RUNTIME_CORE_TEMPORARYFILE_H

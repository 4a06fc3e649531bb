//===- WorkDirectory.h - A compile's private directory ----------*- C++ -*-===//
//
// The executable and its weights are written in a directory next to their
// final paths (so that moving them into place is an atomic rename) and the
// directory is removed when the compile ends, fails or is interrupted. A
// compile killed outright (SIGKILL) cannot remove it; the next compile into
// the same folder does: each directory is locked (flock) by the process that
// uses it, and a directory nobody holds the lock of is stale.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_WORKDIRECTORY_H
#define STRATA_LIB_EMIT_WORKDIRECTORY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace strata {

/// A locked `.stratac-XXXXXX` directory, removed with its contents when
/// destroyed or when the process is interrupted (see InterruptCleanup.h).
class WorkDirectory {
public:
  /// Removes the stale work directories in `parent`, then creates a new one
  /// there.
  static llvm::Expected<std::unique_ptr<WorkDirectory>> create(llvm::StringRef parent);
  ~WorkDirectory();
  WorkDirectory(const WorkDirectory &) = delete;
  WorkDirectory &operator=(const WorkDirectory &) = delete;

  llvm::StringRef path() const { return path_; }
  /// The path of `name` in the directory.
  std::string file(llvm::StringRef name) const;

private:
  WorkDirectory(std::string path, int lockFd) : path_(std::move(path)), lockFd_(lockFd) {}

  std::string path_;
  /// The directory, open and locked for as long as the compile runs.
  int lockFd_;
};

/// Removes every work directory in `parent` that no running compile holds
/// (left by a compile that was killed); returns how many it removed.
int removeStaleWorkDirectories(llvm::StringRef parent);

} // namespace strata

#endif // STRATA_LIB_EMIT_WORKDIRECTORY_H

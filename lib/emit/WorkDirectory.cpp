//===- WorkDirectory.cpp - A compile's private directory ------------------===//
//
// A directory is created as `.stratac-new-XXXXXX`, locked, and only then
// renamed to `.stratac-XXXXXX`: the stale-directory sweep never sees one that
// exists but is not yet locked. (A compile killed between the two steps
// leaves an empty `.stratac-new-` directory, which the sweep ignores.)
//
//===----------------------------------------------------------------------===//

#include "lib/emit/WorkDirectory.h"

#include "lib/emit/InterruptCleanup.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace strata {

namespace {

constexpr llvm::StringLiteral kPrefix = ".stratac-";
constexpr llvm::StringLiteral kNewPrefix = ".stratac-new-";

/// Opens directory `path` for locking.
int openDirectory(llvm::StringRef path) {
  return ::open(path.str().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

} // namespace

int removeStaleWorkDirectories(llvm::StringRef parent) {
  int removed = 0;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (!name.starts_with(kPrefix) || name.starts_with(kNewPrefix) ||
        it->type() != llvm::sys::fs::file_type::directory_file)
      continue;
    int fd = openDirectory(it->path());
    if (fd < 0)
      continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      removeTreeSignalSafe(it->path().c_str());
      ++removed;
    }
    ::close(fd);
  }
  return removed;
}

llvm::Expected<std::unique_ptr<WorkDirectory>> WorkDirectory::create(llvm::StringRef parent) {
  removeStaleWorkDirectories(parent);
  auto failure = [&](std::error_code ec) {
    return llvm::createStringError(ec, "cannot create a work directory in '%s': %s",
                                   parent.str().c_str(), ec.message().c_str());
  };
  for (int attempt = 0; attempt < 16; ++attempt) {
    llvm::SmallString<256> model(parent), fresh;
    llvm::sys::path::append(model, kNewPrefix + "%%%%%%%%");
    if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(model, fresh))
      return failure(ec);
    int fd = openDirectory(fresh);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
      std::error_code ec(errno, std::generic_category());
      if (fd >= 0)
        ::close(fd);
      llvm::sys::fs::remove(fresh);
      return failure(ec);
    }
    llvm::StringRef suffix = llvm::sys::path::filename(fresh).drop_front(kNewPrefix.size());
    llvm::SmallString<256> final(parent);
    llvm::sys::path::append(final, kPrefix + suffix);
    if (::renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, final.c_str(), RENAME_NOREPLACE) == 0) {
      removeDirectoryOnInterrupt(final);
      return std::unique_ptr<WorkDirectory>(new WorkDirectory(final.str().str(), fd));
    }
    std::error_code ec(errno, std::generic_category());
    ::close(fd);
    llvm::sys::fs::remove(fresh);
    if (ec != std::errc::file_exists && ec != std::errc::directory_not_empty)
      return failure(ec);
  }
  return failure(std::make_error_code(std::errc::file_exists));
}

WorkDirectory::~WorkDirectory() {
  dontRemoveDirectoryOnInterrupt(path_);
  llvm::sys::fs::remove_directories(path_);
  ::close(lockFd_);
}

std::string WorkDirectory::file(llvm::StringRef name) const {
  llvm::SmallString<256> p(path_);
  llvm::sys::path::append(p, name);
  return p.str().str();
}

} // namespace strata

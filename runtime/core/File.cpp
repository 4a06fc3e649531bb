//===- File.cpp - POSIX file helpers for the runtime ------------*- C++ -*-===//
//
// The only place the core runtime opens files (TemporaryFile.cpp manages the
// temporaries). Reads are exact (a short file is a truncation error, not a
// short read) and only of regular files; writes of regular files go through a
// temporary file and a rename so that no reader, and no failed run, ever sees
// a partial output file, and a device or FIFO is written in place, never
// replaced.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/File.h"
#include "runtime/core/Status.h"
#include "runtime/core/TemporaryFile.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::runtime;

FileDescriptor &FileDescriptor::operator=(FileDescriptor &&other) noexcept {
  if (this != &other) {
    close();
    fd = other.release();
  }
  return *this;
}

// A close failure on a descriptor only read from loses nothing, and a
// destructor cannot report it; writers call close() explicitly.
FileDescriptor::~FileDescriptor() { close(); }

int FileDescriptor::release() {
  int result = fd;
  fd = -1;
  return result;
}

int FileDescriptor::close() {
  if (fd < 0)
    return 0;
  // POSIX leaves the descriptor state unspecified after EINTR; on Linux it is
  // always released, so retrying could close an unrelated descriptor.
  int result = ::close(fd);
  fd = -1;
  return result == 0 ? 0 : errno;
}

strata_status InputFile::open(const char *path, InputFile &out) {
  // Only regular files are read. The type is checked before the open, which
  // must not happen for a FIFO (it would wait for a writer) or a device (it
  // may act on being opened), and again on what was opened, in case the path
  // changed in between; O_NONBLOCK keeps that open from waiting.
  struct stat info;
  if (::stat(path, &info) == 0 && !S_ISREG(info.st_mode))
    return makeError(STRATA_ERROR_IO, "%s: is %s, not a regular file", path,
                     fileTypeName(info.st_mode));
  int fd;
  do {
    fd = ::open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return makeIoError(errno, "%s: cannot open for reading", path);
  FileDescriptor owned(fd);
  if (::fstat(fd, &info) != 0)
    return makeIoError(errno, "%s: cannot stat", path);
  if (!S_ISREG(info.st_mode))
    return makeError(STRATA_ERROR_IO, "%s: is %s, not a regular file", path,
                     fileTypeName(info.st_mode));
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
    return makeIoError(errno, "%s: cannot make reads blocking", path);
  out.path = path;
  out.fd = std::move(owned);
  out.fileSize = static_cast<uint64_t>(info.st_size);
  return nullptr;
}

strata_status InputFile::readAt(uint64_t offset, void *buffer, size_t bytes, const char *what) {
  auto *cursor = static_cast<char *>(buffer);
  size_t done = 0;
  while (done < bytes) {
    ssize_t got = ::pread(fd.get(), cursor + done, bytes - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return makeIoError(errno, "%s: read failed", path.c_str());
    }
    if (got == 0)
      return makeError(STRATA_ERROR_FORMAT,
                       "%s: truncated: file ends inside the %s (%zu of %zu "
                       "bytes present)",
                       path.c_str(), what, done, bytes);
    done += static_cast<size_t>(got);
  }
  return nullptr;
}

namespace {

/// Writes `bytes` bytes from `data` to `fd`; messages say it was `what` of
/// `path` that failed.
strata_status writeAll(int fd, const char *path, const char *what, const void *data, size_t bytes) {
  const auto *cursor = static_cast<const char *>(data);
  size_t done = 0;
  while (done < bytes) {
    ssize_t wrote = ::write(fd, cursor + done, bytes - done);
    if (wrote < 0) {
      if (errno == EINTR)
        continue;
      return makeIoError(errno, "%s: write to %s failed", path, what);
    }
    done += static_cast<size_t>(wrote);
  }
  return nullptr;
}

/// Writes the ranges to the character device or FIFO `path`, opened without
/// waiting for a reader: a FIFO nobody reads is an error, not a hang.
strata_status writeInPlace(const char *path, const ByteRange *ranges, size_t numRanges) {
  int rawFd;
  do {
    rawFd = ::open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  } while (rawFd < 0 && errno == EINTR);
  if (rawFd < 0 && errno == ENXIO)
    return makeError(STRATA_ERROR_IO, "%s: a FIFO that no process has open for reading", path);
  if (rawFd < 0)
    return makeIoError(errno, "%s: cannot open for writing", path);
  FileDescriptor fd(rawFd);
  struct stat info;
  if (::fstat(fd.get(), &info) != 0)
    return makeIoError(errno, "%s: cannot stat", path);
  if (!S_ISCHR(info.st_mode) && !S_ISFIFO(info.st_mode))
    return makeError(STRATA_ERROR_IO, "%s: was replaced by %s while being opened", path,
                     fileTypeName(info.st_mode));
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0)
    return makeIoError(errno, "%s: cannot make writes blocking", path);
  for (size_t i = 0; i < numRanges; ++i)
    if (strata_status status = writeAll(fd.get(), path, "it", ranges[i].data, ranges[i].size))
      return status;
  if (int err = fd.close())
    return makeIoError(err, "%s: close failed", path);
  return nullptr;
}

} // namespace

const char *strata::runtime::fileTypeName(mode_t mode) {
  if (S_ISREG(mode))
    return "a regular file";
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISSOCK(mode))
    return "a socket";
  if (S_ISLNK(mode))
    return "a symbolic link";
  return "a special file";
}

strata_status strata::runtime::checkOutputPath(const char *path, OutputKind &kind) {
  struct stat info;
  if (::stat(path, &info) != 0) {
    // A path that does not exist yet (or a dangling link) is created; any
    // other reason it cannot be looked at is reported when it is written.
    kind = OutputKind::Replaced;
    return nullptr;
  }
  if (S_ISREG(info.st_mode)) {
    kind = OutputKind::Replaced;
    return nullptr;
  }
  if (S_ISCHR(info.st_mode) || S_ISFIFO(info.st_mode)) {
    kind = OutputKind::InPlace;
    return nullptr;
  }
  return makeError(STRATA_ERROR_IO,
                   "%s: is %s; outputs are written to regular files, character devices "
                   "(such as /dev/null) and FIFOs",
                   path, fileTypeName(info.st_mode));
}

strata_status strata::runtime::writeFileAtomically(const char *path, const ByteRange *ranges,
                                                   size_t numRanges) {
  OutputKind kind;
  if (strata_status status = checkOutputPath(path, kind))
    return status;
  if (kind == OutputKind::InPlace)
    return writeInPlace(path, ranges, numRanges);
  PendingFile file;
  if (strata_status status = file.write(path, ranges, numRanges))
    return status;
  return file.commit();
}

strata_status strata::runtime::PendingFile::write(const char *path, const ByteRange *ranges,
                                                  size_t numRanges) {
  path_ = path;
  // A symbolic link to a file stays a link: its target is replaced.
  target_ = path;
  struct stat info;
  if (::lstat(path, &info) == 0 && S_ISLNK(info.st_mode)) {
    std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path, nullptr), &std::free);
    if (resolved)
      target_ = resolved.get();
  }
  if (::stat(target_.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
    return makeError(STRATA_ERROR_IO, "%s: is %s, not a regular file", path,
                     fileTypeName(info.st_mode));
  removeStaleTemporaries(target_);
  if (strata_status status = TemporaryFile::reserve(target_, temp_))
    return status;
  int rawFd;
  do {
    rawFd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  } while (rawFd < 0 && errno == EINTR);
  if (rawFd < 0)
    return makeIoError(errno, "%s: cannot create temporary file %s", path, temp_.c_str());
  FileDescriptor fd(rawFd);
  std::string what = "temporary file " + std::string(temp_.c_str());
  for (size_t i = 0; i < numRanges; ++i)
    if (strata_status status =
            writeAll(fd.get(), path, what.c_str(), ranges[i].data, ranges[i].size))
      return status;
  if (::fsync(fd.get()) != 0)
    return makeIoError(errno, "%s: fsync of temporary file %s failed", path, temp_.c_str());
  if (int err = fd.close())
    return makeIoError(err, "%s: close of temporary file %s failed", path, temp_.c_str());
  return nullptr;
}

strata_status strata::runtime::PendingFile::commit() {
  if (::rename(temp_.c_str(), target_.c_str()) != 0)
    return makeIoError(errno, "%s: cannot rename %s into place", path_.c_str(), temp_.c_str());
  temp_.commit();
  return nullptr;
}

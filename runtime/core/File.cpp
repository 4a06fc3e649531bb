//===- File.cpp - POSIX file helpers for the runtime ------------*- C++ -*-===//
//
// The only place the core runtime touches the file system. Reads are exact
// (a short file is a truncation error, not a short read); writes go through a
// temporary file and a rename so that no reader, and no failed run, ever sees
// a partial output file.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/File.h"
#include "runtime/core/Status.h"

#include <cerrno>
#include <fcntl.h>
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
  int fd;
  do {
    fd = ::open(path, O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return makeIoError(errno, "%s: cannot open for reading", path);
  FileDescriptor owned(fd);
  struct stat info;
  if (::fstat(fd, &info) != 0)
    return makeIoError(errno, "%s: cannot stat", path);
  if (!S_ISREG(info.st_mode))
    return makeError(STRATA_ERROR_IO, "%s: not a regular file", path);
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
/// A temporary file that is unlinked on destruction unless committed.
class TemporaryFile {
public:
  explicit TemporaryFile(std::string path) : path(std::move(path)) {}
  TemporaryFile(const TemporaryFile &) = delete;
  TemporaryFile &operator=(const TemporaryFile &) = delete;
  // Removing the temporary is best effort: the error being reported already
  // explains the failure, and unlink fails only if the file is already gone.
  ~TemporaryFile() {
    if (!committed)
      ::unlink(path.c_str());
  }
  void commit() { committed = true; }
  const char *c_str() const { return path.c_str(); }

private:
  std::string path;
  bool committed = false;
};
} // namespace

static strata_status writeAll(int fd, const char *path, const char *tempPath, const void *data,
                              size_t bytes) {
  const auto *cursor = static_cast<const char *>(data);
  size_t done = 0;
  while (done < bytes) {
    ssize_t wrote = ::write(fd, cursor + done, bytes - done);
    if (wrote < 0) {
      if (errno == EINTR)
        continue;
      return makeIoError(errno, "%s: write to temporary file %s failed", path, tempPath);
    }
    done += static_cast<size_t>(wrote);
  }
  return nullptr;
}

strata_status strata::runtime::writeFileAtomically(const char *path, const ByteRange *ranges,
                                                   size_t numRanges) {
  std::string tempName = path;
  tempName += ".tmp.";
  tempName += std::to_string(::getpid());

  int rawFd;
  do {
    rawFd = ::open(tempName.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  } while (rawFd < 0 && errno == EINTR);
  if (rawFd < 0)
    return makeIoError(errno, "%s: cannot create temporary file %s", path, tempName.c_str());
  FileDescriptor fd(rawFd);
  TemporaryFile temp(std::move(tempName));

  for (size_t i = 0; i < numRanges; ++i)
    if (strata_status status =
            writeAll(fd.get(), path, temp.c_str(), ranges[i].data, ranges[i].size))
      return status;
  if (::fsync(fd.get()) != 0)
    return makeIoError(errno, "%s: fsync of temporary file %s failed", path, temp.c_str());
  if (int err = fd.close())
    return makeIoError(err, "%s: close of temporary file %s failed", path, temp.c_str());
  if (::rename(temp.c_str(), path) != 0)
    return makeIoError(errno, "%s: cannot rename %s into place", path, temp.c_str());
  temp.commit();
  return nullptr;
}

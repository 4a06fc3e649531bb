//===- File.h - POSIX file helpers for the runtime --------------*- C++ -*-===//
//
// Owning file descriptors, exact positioned reads, atomic whole-file writes and
// little-endian integer coding shared by the .npy and .npz readers/writers and
// the trace writer. Every system call's result is checked and turned into a
// strata_status naming the path.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_FILE_H
#define STRATA_RUNTIME_CORE_FILE_H

#include "runtime/core/TemporaryFile.h"
#include "strata/runtime.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>

namespace strata::runtime {

/// Owns a file descriptor and closes it on destruction. Use close() where a
/// failing close must be reported (files being written).
class FileDescriptor {
public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd(fd) {}
  FileDescriptor(const FileDescriptor &) = delete;
  FileDescriptor &operator=(const FileDescriptor &) = delete;
  FileDescriptor(FileDescriptor &&other) noexcept : fd(other.release()) {}
  FileDescriptor &operator=(FileDescriptor &&other) noexcept;
  ~FileDescriptor();

  /// Returns the descriptor, or -1 if none is owned.
  int get() const { return fd; }
  /// Gives up ownership and returns the descriptor.
  int release();
  /// Closes the descriptor; returns the errno of a failed close, else 0.
  int close();

private:
  int fd = -1;
};

/// A regular file opened for reading, with its size taken when it was opened.
class InputFile {
public:
  /// Opens `path` for reading into `out`, which is valid only when NULL is
  /// returned. Anything but a regular file (a FIFO, a device, a directory)
  /// is refused without waiting for it.
  static strata_status open(const char *path, InputFile &out);

  /// Size of the file in bytes.
  uint64_t size() const { return fileSize; }

  /// The open descriptor (for mapping the file).
  int descriptor() const { return fd.get(); }

  /// Reads exactly `bytes` bytes at byte `offset` of the file into `buffer`.
  /// If the file ends first, fails with STRATA_ERROR_FORMAT saying `what` was
  /// truncated.
  strata_status readAt(uint64_t offset, void *buffer, size_t bytes, const char *what);

private:
  std::string path;
  FileDescriptor fd;
  uint64_t fileSize = 0;
};

/// One piece of a file's contents.
struct ByteRange {
  const void *data;
  size_t size;
};

/// How an output path is written.
enum class OutputKind {
  /// A regular file, or none yet: replaced atomically.
  Replaced,
  /// A character device (/dev/null, a terminal) or a FIFO: written in place.
  InPlace,
};

/// Sets `kind` to how `path` would be written; fails, naming the path and
/// what it is, for a directory, block device or socket, which are never
/// written.
strata_status checkOutputPath(const char *path, OutputKind &kind);

/// Writes the concatenation of `ranges` to `path`. A regular file (or a new
/// one) is written atomically: into "<path>.tmp.<pid>" (TemporaryFile.h;
/// stale ones of dead processes removed first), then fsync, close and rename
/// over `path`, or over the file a symbolic link `path` points to; on any
/// failure the temporary file is removed and `path` is left as it was. A
/// character device or FIFO is written in place (a FIFO only when a process
/// has it open for reading); anything else is refused (checkOutputPath).
strata_status writeFileAtomically(const char *path, const ByteRange *ranges, size_t numRanges);

/// A regular file written atomically in two steps, so that several files
/// go into place together: `write` writes the concatenation of `ranges` to
/// "<path>.tmp.<pid>" and syncs it, `commit` renames it over `path` (or
/// over the file a symbolic link `path` points to). Destroyed before its
/// commit, it removes the temporary file. `path` must be a regular file or
/// not exist.
class PendingFile {
public:
  [[nodiscard]] strata_status write(const char *path, const ByteRange *ranges, size_t numRanges);
  [[nodiscard]] strata_status commit();

private:
  std::string path_, target_;
  TemporaryFile temp_;
};

/// "a FIFO", "a directory", ... for the file type in `mode` (from stat).
const char *fileTypeName(mode_t mode);

/// Returns the `count`-byte little-endian unsigned integer at `bytes`.
inline uint64_t readLittleEndian(const unsigned char *bytes, size_t count) {
  uint64_t value = 0;
  for (size_t i = 0; i < count; ++i)
    value |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  return value;
}

/// Appends the low `bytes` bytes of `value` to `out`, least significant first.
inline void appendLittleEndian(std::string &out, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i)
    out += static_cast<char>((value >> (8 * i)) & 0xff);
}

} // namespace strata::runtime

#endif // STRATA_RUNTIME_CORE_FILE_H

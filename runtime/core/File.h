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

#include "strata/runtime.h"

#include <cstddef>
#include <cstdint>
#include <string>

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

/// A file opened for reading, with its size taken when it was opened.
class InputFile {
public:
  /// Opens `path` for reading into `out`, which is valid only when NULL is
  /// returned.
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

/// Writes the concatenation of `ranges` to `path` atomically: into
/// "<path>.tmp.<pid>" (created exclusively), then fsync, close and rename over
/// `path`. On any failure the temporary file is removed and `path` is left as
/// it was.
strata_status writeFileAtomically(const char *path, const ByteRange *ranges, size_t numRanges);

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

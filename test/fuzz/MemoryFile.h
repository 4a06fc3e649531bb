//===- MemoryFile.h - A fuzz input as a file the runtime opens --*- C++ -*-===//
//
// The runtime's readers take paths. A fuzz input is written to an anonymous
// in-memory file (memfd) and handed over as /proc/self/fd/N, a regular file
// that never touches the disk and disappears with its descriptor.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TEST_FUZZ_MEMORYFILE_H
#define STRATA_TEST_FUZZ_MEMORYFILE_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace strata::fuzz {

/// An in-memory file holding given bytes; closed on destruction.
class MemoryFile {
public:
  /// Holds `size` bytes from `data`; aborts when the file cannot be made (the
  /// fuzzer cannot go on without it).
  MemoryFile(const uint8_t *data, size_t size) {
    fd = ::memfd_create("strata-fuzz", MFD_CLOEXEC);
    if (fd < 0)
      failed("memfd_create");
    for (size_t done = 0; done < size;) {
      ssize_t wrote = ::write(fd, data + done, size - done);
      if (wrote <= 0)
        failed("write");
      done += static_cast<size_t>(wrote);
    }
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  MemoryFile(const MemoryFile &) = delete;
  MemoryFile &operator=(const MemoryFile &) = delete;
  ~MemoryFile() { ::close(fd); }

  /// A path that opens the file.
  const char *c_str() const { return path.c_str(); }

private:
  [[noreturn]] static void failed(const char *call) {
    std::perror(call);
    std::abort();
  }

  int fd = -1;
  std::string path;
};

} // namespace strata::fuzz

#endif // STRATA_TEST_FUZZ_MEMORYFILE_H

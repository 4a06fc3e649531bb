//===- NvmeStore.cpp - The NVMe tier's file in --nvme-dir -----------------===//
//
// Writes go through a block-aligned bounce buffer: O_DIRECT writes whole
// blocks from aligned memory, and the data appended (a weight in a staging
// slot) need neither be. A filesystem that refuses O_DIRECT (tmpfs) gets
// ordinary writes; one without O_TMPFILE gets a named file unlinked at once.
//
//===----------------------------------------------------------------------===//

#include "runtime/tiers/NvmeStore.h"

#include "runtime/core/Status.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

using namespace strata::tiers;
using strata::runtime::makeError;
using strata::runtime::makeIoError;

namespace {

/// The bounce buffer's size: each write is at most this long.
constexpr uint64_t kBounceBytes = 16 << 20;
constexpr uint64_t kBlock = NvmeReader::kBlockBytes;

/// The hook STRATA_NVME_FAULT asks for, if any: `enospc@OFFSET` fails the
/// write covering store offset OFFSET as a full disk would.
NvmeStore::FaultHook faultFromEnvironment() {
  const char *text = std::getenv("STRATA_NVME_FAULT");
  if (!text || std::strncmp(text, "enospc@", 7) != 0)
    return nullptr;
  char *end = nullptr;
  unsigned long long target = std::strtoull(text + 7, &end, 10);
  if (*end != '\0')
    return nullptr;
  return [target](uint64_t offset, uint64_t bytes) {
    return target >= offset && target < offset + bytes ? ENOSPC : 0;
  };
}

/// Opens an unnamed file for reading and writing in `directory`, with
/// O_DIRECT where the filesystem allows; sets `direct` accordingly.
int openUnnamed(const std::string &directory, bool &direct) {
  int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_DIRECT | O_CLOEXEC, 0600);
  direct = fd >= 0;
  if (fd < 0 && errno == EINVAL)
    fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
    return fd;
  std::string name = directory + "/.strata-nvme-XXXXXX";
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0)
    ::unlink(name.c_str());
  return fd;
}

} // namespace

strata_status NvmeStore::create(const char *directory, uint64_t capacity,
                                std::unique_ptr<NvmeStore> &out) {
  struct stat status {};
  if (::stat(directory, &status) != 0)
    return makeIoError(errno, "the NVMe directory '%s' cannot be used", directory);
  if (!S_ISDIR(status.st_mode))
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "the NVMe directory '%s' is not a directory",
                     directory);
  std::unique_ptr<NvmeStore> store(new NvmeStore());
  store->directoryPath = directory;
  store->fd = openUnnamed(store->directoryPath, store->direct);
  if (store->fd < 0)
    return makeIoError(errno, "cannot create the NVMe tier's file in the NVMe directory '%s'",
                       directory);
  struct statvfs space {};
  if (::fstatvfs(store->fd, &space) != 0)
    return makeIoError(errno, "cannot read the free space of the NVMe directory '%s'", directory);
  uint64_t free = static_cast<uint64_t>(space.f_bavail) * space.f_frsize;
  if (free < capacity)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY,
                     "the NVMe directory '%s' has %llu bytes free; the tier plan keeps %llu bytes "
                     "of weights on NVMe",
                     directory, static_cast<unsigned long long>(free),
                     static_cast<unsigned long long>(capacity));
  int readerFd = ::fcntl(store->fd, F_DUPFD_CLOEXEC, 0);
  if (readerFd < 0)
    return makeIoError(errno, "cannot open the NVMe tier's file in '%s' for reading", directory);
  std::string name = "the NVMe tier's file in '" + store->directoryPath + "'";
  if (strata_status s = NvmeReader::adopt(readerFd, name.c_str(), store->direct, store->reader))
    return s;
  if (posix_memalign(reinterpret_cast<void **>(&store->bounce), kBlock, kBounceBytes) != 0)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY,
                     "cannot allocate the %llu-byte write buffer of the NVMe directory '%s'",
                     static_cast<unsigned long long>(kBounceBytes), directory);
  store->faultHook = faultFromEnvironment();
  out = std::move(store);
  return nullptr;
}

NvmeStore::~NvmeStore() {
  if (fd >= 0)
    ::close(fd);
  std::free(bounce);
}

strata_status NvmeStore::writeBlocks(uint64_t offset, uint64_t bytes) {
  uint64_t written = 0;
  while (written < bytes) {
    int err = faultHook ? faultHook(offset + written, bytes - written) : 0;
    ssize_t n = 0;
    if (!err) {
      n = ::pwrite(fd, bounce + written, bytes - written, static_cast<off_t>(offset + written));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        err = errno;
      else if (n == 0)
        err = ENOSPC;
    }
    if (err == ENOSPC)
      return makeIoError(err,
                         "the NVMe directory '%s' is full: writing %llu bytes at offset %llu of "
                         "the NVMe tier's file failed",
                         directoryPath.c_str(), static_cast<unsigned long long>(bytes - written),
                         static_cast<unsigned long long>(offset + written));
    if (err)
      return makeIoError(err,
                         "writing %llu bytes at offset %llu of the NVMe tier's file in '%s' failed",
                         static_cast<unsigned long long>(bytes - written),
                         static_cast<unsigned long long>(offset + written), directoryPath.c_str());
    written += static_cast<uint64_t>(n);
  }
  return nullptr;
}

strata_status NvmeStore::append(const void *data, uint64_t bytes, uint64_t &offset) {
  const auto *from = static_cast<const unsigned char *>(data);
  uint64_t start = used;
  for (uint64_t done = 0; done < bytes;) {
    uint64_t chunk = std::min(bytes - done, kBounceBytes);
    uint64_t blocks = (chunk + kBlock - 1) & ~(kBlock - 1);
    std::memcpy(bounce, from + done, chunk);
    std::memset(bounce + chunk, 0, blocks - chunk);
    if (strata_status s = writeBlocks(start + done, blocks))
      return s;
    done += chunk;
  }
  offset = start;
  used = start + ((bytes + kBlock - 1) & ~(kBlock - 1));
  return nullptr;
}

strata_status NvmeStore::read(uint64_t offset, void *target, uint64_t bytes) {
  if (offset + bytes > used)
    return makeError(STRATA_ERROR_OUT_OF_RANGE,
                     "a read of %llu bytes at offset %llu of the NVMe tier's file in '%s', which "
                     "holds %llu",
                     static_cast<unsigned long long>(bytes),
                     static_cast<unsigned long long>(offset), directoryPath.c_str(),
                     static_cast<unsigned long long>(used));
  return reader->read(offset, target, bytes);
}

//===- NvmeReader.cpp - Reads from a file on NVMe through io_uring --------===//
//
// A read is cut into block-aligned batches of up to kQueueDepth requests of
// kRequestBytes; each batch is submitted at once, and its completions are
// checked in file order, so the first error reported is the one at the
// lowest offset. A short request is resubmitted from where it stopped; a
// request that reads nothing has met the end of the file.
//
//===----------------------------------------------------------------------===//

#include "runtime/tiers/NvmeReader.h"

#include "runtime/core/Status.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::tiers;
using strata::runtime::makeError;
using strata::runtime::makeIoError;

namespace {

/// The hook STRATA_NVME_FAULT asks for, if any: `eio@OFFSET` fails the
/// request covering OFFSET with EIO, `short@OFFSET` halves it.
NvmeReader::FaultHook faultFromEnvironment() {
  const char *text = std::getenv("STRATA_NVME_FAULT");
  if (!text)
    return nullptr;
  const char *at = std::strchr(text, '@');
  if (!at)
    return nullptr;
  std::string kind(text, at - text);
  char *end = nullptr;
  unsigned long long target = std::strtoull(at + 1, &end, 10);
  if (*end != '\0' || (kind != "eio" && kind != "short"))
    return nullptr;
  bool eio = kind == "eio";
  return [eio, target](uint64_t offset, uint64_t &bytes) {
    if (target < offset || target >= offset + bytes)
      return 0;
    if (eio)
      return -EIO;
    if (bytes > NvmeReader::kBlockBytes)
      bytes = std::max(NvmeReader::kBlockBytes, (bytes / 2) & ~(NvmeReader::kBlockBytes - 1));
    return 0;
  };
}

} // namespace

strata_status NvmeReader::open(const char *path, std::unique_ptr<NvmeReader> &out) {
  std::unique_ptr<NvmeReader> reader(new NvmeReader());
  reader->filePath = path;
  reader->fd = ::open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
  reader->isDirect = reader->fd >= 0;
  if (reader->fd < 0 && errno == EINVAL)
    reader->fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (reader->fd < 0)
    return makeIoError(errno, "cannot open '%s' for reading", path);
  if (int err = io_uring_queue_init(kQueueDepth, &reader->ring, 0))
    return makeIoError(-err, "cannot set up io_uring to read '%s'", path);
  reader->ringReady = true;
  struct stat status {};
  if (::fstat(reader->fd, &status) != 0)
    return makeIoError(errno, "cannot read the status of '%s'", path);
  reader->device = status.st_dev;
  reader->inode = status.st_ino;
  if (posix_memalign(reinterpret_cast<void **>(&reader->buffer), kBlockBytes,
                     kRequestBytes * kQueueDepth) != 0)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY,
                     "cannot allocate the %llu-byte read buffer for '%s'",
                     static_cast<unsigned long long>(kRequestBytes * kQueueDepth), path);
  reader->faultHook = faultFromEnvironment();
  out = std::move(reader);
  return nullptr;
}

NvmeReader::~NvmeReader() {
  if (ringReady)
    io_uring_queue_exit(&ring);
  if (fd >= 0)
    ::close(fd);
  std::free(buffer);
}

strata_status NvmeReader::readAligned(uint64_t start, uint64_t length, unsigned char *into,
                                      uint64_t &got) {
  unsigned count = static_cast<unsigned>((length + kRequestBytes - 1) / kRequestBytes);
  // Bytes each request has read so far, and whether it met the end of file.
  uint64_t filled[kQueueDepth] = {};
  bool ended[kQueueDepth] = {};
  int failed[kQueueDepth] = {};
  auto requestLength = [&](unsigned i) {
    return std::min(kRequestBytes, length - uint64_t(i) * kRequestBytes);
  };
  // Submits what request i has left; a fault the hook injects completes it.
  auto submit = [&](unsigned i) -> strata_status {
    uint64_t offset = start + uint64_t(i) * kRequestBytes + filled[i];
    uint64_t bytes = requestLength(i) - filled[i];
    if (faultHook)
      if (int fault = faultHook(offset, bytes)) {
        failed[i] = fault;
        return nullptr;
      }
    io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe)
      return makeError(STRATA_ERROR_IO, "io_uring has no free entry to read '%s'",
                       filePath.c_str());
    io_uring_prep_read(sqe, fd, into + uint64_t(i) * kRequestBytes + filled[i],
                       static_cast<unsigned>(bytes), offset);
    io_uring_sqe_set_data64(sqe, i);
    return nullptr;
  };
  // Submits the prepared requests and waits for every one submitted, so that
  // none writes into the buffer after the read returns. A failure of the
  // ring itself leaves the reader unusable.
  auto complete = [&](unsigned pending) -> strata_status {
    unsigned submitted = 0;
    int submitError = 0;
    while (submitted < pending) {
      int n = io_uring_submit(&ring);
      if (n == -EINTR || n == -EAGAIN)
        continue;
      if (n <= 0) {
        submitError = n < 0 ? -n : EIO;
        break;
      }
      submitted += static_cast<unsigned>(n);
    }
    for (unsigned done = 0; done < submitted; ++done) {
      io_uring_cqe *cqe = nullptr;
      int werr;
      while ((werr = io_uring_wait_cqe(&ring, &cqe)) == -EINTR) {
      }
      if (werr) {
        broken = true;
        return makeIoError(-werr, "waiting for reads of '%s' failed", filePath.c_str());
      }
      unsigned i = static_cast<unsigned>(io_uring_cqe_get_data64(cqe));
      int res = cqe->res;
      io_uring_cqe_seen(&ring, cqe);
      if (res < 0)
        failed[i] = res;
      else if (res == 0)
        ended[i] = true;
      else
        filled[i] += static_cast<uint64_t>(res);
    }
    if (submitError) {
      broken = true;
      return makeIoError(submitError, "cannot submit reads of '%s' to io_uring", filePath.c_str());
    }
    return nullptr;
  };

  unsigned pending = 0;
  for (unsigned i = 0; i < count; ++i) {
    if (strata_status s = submit(i))
      return s;
    pending += failed[i] == 0;
  }
  if (strata_status s = complete(pending))
    return s;
  // Resume short requests one at a time until each is full, failed or ended.
  for (unsigned i = 0; i < count; ++i)
    while (!failed[i] && !ended[i] && filled[i] < requestLength(i)) {
      if (strata_status s = submit(i))
        return s;
      if (strata_status s = complete(failed[i] == 0 ? 1 : 0))
        return s;
    }
  got = 0;
  for (unsigned i = 0; i < count; ++i) {
    uint64_t offset = start + uint64_t(i) * kRequestBytes;
    if (failed[i])
      return makeIoError(-failed[i], "reading '%s' at offset %llu (%llu bytes) failed",
                         filePath.c_str(), static_cast<unsigned long long>(offset + filled[i]),
                         static_cast<unsigned long long>(requestLength(i) - filled[i]));
    got += filled[i];
    if (filled[i] < requestLength(i))
      break;
  }
  return nullptr;
}

strata_status NvmeReader::read(uint64_t offset, void *target, uint64_t bytes) {
  if (broken)
    return makeError(STRATA_ERROR_IO, "the reader of '%s' is unusable after an io_uring failure",
                     filePath.c_str());
  auto *out = static_cast<unsigned char *>(target);
  uint64_t done = 0;
  while (done < bytes) {
    uint64_t at = offset + done;
    uint64_t start = at & ~(kBlockBytes - 1);
    uint64_t skip = at - start;
    uint64_t want = std::min(bytes - done + skip, kRequestBytes * kQueueDepth);
    want = (want + kBlockBytes - 1) & ~(kBlockBytes - 1);
    // Where the target is block-aligned and holds the whole batch, the
    // kernel reads into it directly; elsewhere through the aligned buffer.
    bool direct = skip == 0 && want <= bytes - done &&
                  reinterpret_cast<uintptr_t>(out + done) % kBlockBytes == 0;
    uint64_t got = 0;
    if (strata_status s = readAligned(start, want, direct ? out + done : buffer, got))
      return s;
    uint64_t useful = got > skip ? std::min(got - skip, bytes - done) : 0;
    if (!direct)
      std::memcpy(out + done, buffer + skip, useful);
    done += useful;
    if (done < bytes && got < want) {
      struct stat status {};
      unsigned long long size = ::fstat(fd, &status) == 0 ? status.st_size : start + got;
      return makeError(STRATA_ERROR_FORMAT,
                       "'%s' ends at offset %llu, before the %llu bytes at offset %llu: the "
                       "file is truncated",
                       filePath.c_str(), size, static_cast<unsigned long long>(bytes),
                       static_cast<unsigned long long>(offset));
    }
  }
  return nullptr;
}

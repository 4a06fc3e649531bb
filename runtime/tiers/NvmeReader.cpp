//===- NvmeReader.cpp - Reads from a file on NVMe through io_uring --------===//
//
// A read is cut into block-aligned requests of kRequestBytes, kQueueDepth of
// them in flight: as each completes, the next goes out, so the device's queue
// never empties while the read lasts. A short request is resubmitted from
// where it stopped; a request that reads nothing has met the end of the
// file. After a failure no new request goes out, those in flight are waited
// for, and the requests are checked in file order, so the error reported is
// the one at the lowest offset. Where the kernel refuses io_uring, the same
// requests go out one at a time through pread.
//
//===----------------------------------------------------------------------===//

#include "runtime/tiers/NvmeReader.h"

#include "runtime/core/Status.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

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

/// One block-aligned range being read: its requests' state. Requests are
/// kRequestBytes each; a short one is resumed from where it stopped.
struct NvmeReader::Job {
  Job(uint64_t start, uint64_t length, unsigned char *into, uint32_t id)
      : start(start), length(length), into(into), id(id),
        count(static_cast<size_t>((length + kRequestBytes - 1) / kRequestBytes)), filled(count, 0),
        ended(count, 0), failed(count, 0) {}

  uint64_t requestLength(size_t i) const {
    return std::min(kRequestBytes, length - uint64_t(i) * kRequestBytes);
  }
  bool matches(uint64_t s, uint64_t l, const unsigned char *i) const {
    return start == s && length == l && into == i;
  }
  /// Whether a request is left to go out.
  bool pending() const { return !anyFailed && (!resume.empty() || next < count); }

  uint64_t start, length;
  unsigned char *into;
  uint32_t id;
  size_t count;
  /// Bytes each request has read so far, whether it met the end of the
  /// file, and the error it failed with.
  std::vector<uint64_t> filled;
  std::vector<char> ended;
  std::vector<int> failed;
  /// Requests whose read came back short, to resume before new ones.
  std::vector<size_t> resume;
  size_t next = 0;
  unsigned inFlight = 0;
  bool anyFailed = false;
};

strata_status NvmeReader::open(const char *path, std::unique_ptr<NvmeReader> &out) {
  int fd = ::open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
  bool direct = fd >= 0;
  if (fd < 0 && errno == EINVAL)
    fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return makeIoError(errno, "cannot open '%s' for reading", path);
  return adopt(fd, path, direct, out);
}

strata_status NvmeReader::adopt(int fd, const char *name, bool direct,
                                std::unique_ptr<NvmeReader> &out, bool ring) {
  std::unique_ptr<NvmeReader> reader(new NvmeReader());
  reader->filePath = name;
  reader->fd = fd;
  reader->isDirect = direct;
  if (ring) {
    int err = io_uring_queue_init(kQueueDepth, &reader->ring, 0);
    if (err && err != -EPERM && err != -ENOSYS && err != -EACCES)
      return makeIoError(-err, "cannot set up io_uring to read '%s'", name);
    reader->ringReady = err == 0;
  }
  struct stat status {};
  if (::fstat(reader->fd, &status) != 0)
    return makeIoError(errno, "cannot read the status of '%s'", name);
  reader->device = status.st_dev;
  reader->inode = status.st_ino;
  if (posix_memalign(reinterpret_cast<void **>(&reader->buffer), kBlockBytes,
                     kRequestBytes * kQueueDepth) != 0)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY,
                     "cannot allocate the %llu-byte read buffer for '%s'",
                     static_cast<unsigned long long>(kRequestBytes * kQueueDepth), name);
  reader->faultHook = faultFromEnvironment();
  reader->addFixedBuffer(reader->buffer, kRequestBytes * kQueueDepth);
  out = std::move(reader);
  return nullptr;
}

bool NvmeReader::registerFixed() {
  if (registered)
    io_uring_unregister_buffers(&ring);
  registered = !fixed.empty() && io_uring_register_buffers(
                                     &ring, fixed.data(), static_cast<unsigned>(fixed.size())) == 0;
  return registered || fixed.empty();
}

void NvmeReader::addFixedBuffer(void *base, uint64_t bytes) {
  // The kernel registers buffers of at most 1 GiB.
  if (!ringReady || fixedRefused || bytes == 0 || bytes > (uint64_t(1) << 30))
    return;
  for (const iovec &v : fixed)
    if (v.iov_base == base && v.iov_len == bytes)
      return;
  // Registering anew waits for the requests in flight: let a read ahead
  // finish first rather than be caught in it.
  if (!broken)
    settleAhead();
  fixed.push_back({base, static_cast<size_t>(bytes)});
  if (registerFixed())
    return;
  // Refused (a locked-memory limit): keep what was registered, and ask no
  // more.
  fixed.pop_back();
  fixedRefused = true;
  if (!registerFixed())
    fixed.clear();
}

void NvmeReader::dropFixedBuffer(void *base) {
  // A read ahead may be writing into the memory about to be freed.
  if (!broken)
    settleAhead();
  auto it =
      std::find_if(fixed.begin(), fixed.end(), [&](const iovec &v) { return v.iov_base == base; });
  if (it == fixed.end())
    return;
  fixed.erase(it);
  if (!registerFixed())
    fixed.clear();
}

NvmeReader::~NvmeReader() {
  // Reads ahead write into their targets until they complete.
  if (ringReady && !broken)
    settleAhead();
  if (ringReady)
    io_uring_queue_exit(&ring);
  if (fd >= 0)
    ::close(fd);
  std::free(buffer);
}

strata_status NvmeReader::preadAligned(uint64_t start, uint64_t length, unsigned char *into,
                                       uint64_t &got) {
  got = 0;
  for (uint64_t at = 0; at < length;) {
    uint64_t bytes = std::min(kRequestBytes, length - at);
    int fault = faultHook ? faultHook(start + at, bytes) : 0;
    ssize_t n = fault ? fault : ::pread(fd, into + at, bytes, static_cast<off_t>(start + at));
    if (n < 0 && !fault && errno == EINTR)
      continue;
    if (n < 0)
      return makeIoError(fault ? -fault : errno, "reading '%s' at offset %llu (%llu bytes) failed",
                         filePath.c_str(), static_cast<unsigned long long>(start + at),
                         static_cast<unsigned long long>(std::min(kRequestBytes, length - at)));
    if (n == 0)
      break;
    at += static_cast<uint64_t>(n);
    got = at;
  }
  return nullptr;
}

strata_status NvmeReader::prepare(Job &job, unsigned &prepared) {
  size_t i = job.next;
  if (!job.resume.empty()) {
    i = job.resume.back();
    job.resume.pop_back();
  } else {
    ++job.next;
  }
  uint64_t offset = job.start + uint64_t(i) * kRequestBytes + job.filled[i];
  uint64_t bytes = job.requestLength(i) - job.filled[i];
  if (faultHook)
    if (int fault = faultHook(offset, bytes)) {
      job.failed[i] = fault;
      job.anyFailed = true;
      return nullptr;
    }
  io_uring_sqe *sqe = io_uring_get_sqe(&ring);
  if (!sqe)
    return makeError(STRATA_ERROR_IO, "io_uring has no free entry to read '%s'", filePath.c_str());
  unsigned char *target = job.into + uint64_t(i) * kRequestBytes + job.filled[i];
  // A registered buffer holding the whole request reads as a fixed one.
  auto holder = std::find_if(fixed.begin(), fixed.end(), [&](const iovec &v) {
    auto *base = static_cast<unsigned char *>(v.iov_base);
    return target >= base && target + bytes <= base + v.iov_len;
  });
  if (holder != fixed.end())
    io_uring_prep_read_fixed(sqe, fd, target, static_cast<unsigned>(bytes), offset,
                             static_cast<int>(holder - fixed.begin()));
  else
    io_uring_prep_read(sqe, fd, target, static_cast<unsigned>(bytes), offset);
  io_uring_sqe_set_data64(sqe, (uint64_t(job.id) << 32) | i);
  ++job.inFlight;
  ++prepared;
  return nullptr;
}

io_uring_cqe *NvmeReader::waitOne() {
  // A read still in flight when this returns could write into its target
  // after the caller has moved on, so a ring that cannot be waited on ends
  // the process.
  io_uring_cqe *cqe = nullptr;
  int err;
  while ((err = io_uring_wait_cqe(&ring, &cqe)) == -EINTR) {
  }
  if (err)
    strata::runtime::fatalError("waiting for reads of '%s' failed: %s", filePath.c_str(),
                                std::strerror(-err));
  return cqe;
}

void NvmeReader::complete(io_uring_cqe *cqe, Job &current) {
  uint64_t data = io_uring_cqe_get_data64(cqe);
  int res = cqe->res;
  io_uring_cqe_seen(&ring, cqe);
  --inFlight;
  auto id = static_cast<uint32_t>(data >> 32);
  Job *owner = ahead && ahead->id == id ? ahead.get() : current.id == id ? &current : nullptr;
  if (!owner)
    return;
  Job &job = *owner;
  size_t i = static_cast<size_t>(data & 0xffffffffu);
  --job.inFlight;
  if (res < 0) {
    job.failed[i] = res;
    job.anyFailed = true;
  } else if (res == 0) {
    job.ended[i] = 1;
  } else {
    job.filled[i] += static_cast<uint64_t>(res);
    if (job.filled[i] < job.requestLength(i))
      job.resume.push_back(i);
  }
}

void NvmeReader::settleAhead() {
  if (!ahead)
    return;
  Job none(0, 0, nullptr, 0);
  while (ahead->inFlight > 0)
    complete(waitOne(), none);
  ahead.reset();
}

strata_status NvmeReader::readAligned(uint64_t start, uint64_t length, unsigned char *into,
                                      uint64_t &got, const NextRead &nextRead) {
  if (!ringReady)
    return preadAligned(start, length, into, got);
  // A range read ahead is this one, its requests under way; any other is
  // let finish and dropped.
  std::unique_ptr<Job> adopted;
  if (ahead && ahead->matches(start, length, into))
    adopted = std::move(ahead);
  else
    settleAhead();
  Job &job = adopted ? *adopted : *(adopted = std::make_unique<Job>(start, length, into, ++jobs));
  unsigned prepared = 0;
  // Waits for every request in flight, so that none writes into a target
  // after the read returns; the ring is unusable after the failure that
  // called for it.
  auto drain = [&](strata_status failure) {
    broken = true;
    for (; inFlight > 0; --inFlight)
      io_uring_cqe_seen(&ring, waitOne());
    ahead.reset();
    return failure;
  };
  // The queue stays full: as each request completes, the next goes out;
  // once this range's last request is out, the next range's follow.
  while (true) {
    while (job.pending() && inFlight + prepared < kQueueDepth)
      if (strata_status s = prepare(job, prepared))
        return drain(s);
    // Until the next read is known, its caller is asked again as requests
    // complete.
    if (!job.pending() && !job.anyFailed && nextRead && !ahead &&
        inFlight + prepared < kQueueDepth) {
      // The next read's first piece, as read() will ask for it: its whole
      // blocks, where its offset and target are block-aligned.
      std::optional<Range> next = nextRead();
      uint64_t whole = next ? next->bytes & ~(kBlockBytes - 1) : 0;
      if (whole > 0 && next->offset % kBlockBytes == 0 &&
          reinterpret_cast<uintptr_t>(next->target) % kBlockBytes == 0)
        ahead = std::make_unique<Job>(next->offset, whole,
                                      static_cast<unsigned char *>(next->target), ++jobs);
    }
    while (ahead && ahead->pending() && inFlight + prepared < kQueueDepth)
      if (strata_status s = prepare(*ahead, prepared))
        return drain(s);
    while (prepared > 0) {
      int n = io_uring_submit(&ring);
      if (n == -EINTR || n == -EAGAIN)
        continue;
      if (n <= 0)
        return drain(makeIoError(n < 0 ? -n : EIO, "cannot submit reads of '%s' to io_uring",
                                 filePath.c_str()));
      prepared -= static_cast<unsigned>(n);
      inFlight += static_cast<unsigned>(n);
    }
    if (job.inFlight == 0 && !job.pending())
      break;
    complete(waitOne(), job);
  }
  // The failure at the lowest offset, if any: requests left short because a
  // failure stopped their resumption are not the file's end.
  for (size_t i = 0; i < job.count; ++i)
    if (job.failed[i])
      return makeIoError(
          -job.failed[i], "reading '%s' at offset %llu (%llu bytes) failed", filePath.c_str(),
          static_cast<unsigned long long>(start + uint64_t(i) * kRequestBytes + job.filled[i]),
          static_cast<unsigned long long>(job.requestLength(i) - job.filled[i]));
  got = 0;
  for (size_t i = 0; i < job.count; ++i) {
    got += job.filled[i];
    if (job.filled[i] < job.requestLength(i))
      break;
  }
  return nullptr;
}

strata_status NvmeReader::read(uint64_t offset, void *target, uint64_t bytes,
                               const NextRead &nextRead) {
  if (broken)
    return makeError(STRATA_ERROR_IO, "the reader of '%s' is unusable after an io_uring failure",
                     filePath.c_str());
  auto *out = static_cast<unsigned char *>(target);
  uint64_t done = 0;
  while (done < bytes) {
    uint64_t at = offset + done;
    uint64_t start = at & ~(kBlockBytes - 1);
    uint64_t skip = at - start;
    // Where the target is block-aligned, the kernel reads the whole blocks
    // straight into it; the rest goes through the aligned buffer.
    uint64_t whole = (bytes - done) & ~(kBlockBytes - 1);
    bool direct =
        skip == 0 && whole > 0 && reinterpret_cast<uintptr_t>(out + done) % kBlockBytes == 0;
    uint64_t want = direct ? whole : std::min(bytes - done + skip, kRequestBytes * kQueueDepth);
    want = (want + kBlockBytes - 1) & ~(kBlockBytes - 1);
    uint64_t got = 0;
    // The last piece of the read may start on the next range.
    bool last = want - skip >= bytes - done;
    if (strata_status s = readAligned(start, want, direct ? out + done : buffer, got,
                                      last ? nextRead : NextRead()))
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

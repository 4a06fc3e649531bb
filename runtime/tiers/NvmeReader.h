//===- NvmeReader.h - Reads from a file on NVMe through io_uring -*- C++ -*-===//
//
// The NVMe tier's read path: a file opened with O_DIRECT (the page cache
// neither helps a read streamed once per step nor should hold a model larger
// than RAM), read through io_uring with kQueueDepth requests in flight, straight
// into the caller's buffer where it is aligned for O_DIRECT, and otherwise
// into an aligned buffer of the reader's and copied from there. A file on a filesystem that refuses
// O_DIRECT (tmpfs) is read through the page cache instead, and `direct()` says so.
//
// Buffers read into again and again (the reader's own, and the pinned host
// memory a caller names with addFixedBuffer: the tier plan's staging slots)
// are registered with the ring, so that the kernel pins their pages once
// rather than for every request: on this project's virtual disk that reads
// 64 MiB ranges 1.5 times as fast. Where the kernel refuses (a locked-memory
// limit), reads go on into unregistered buffers.
//
// Every failure names the file and the offset: a read error (EIO and the
// like), and the end of the file before the bytes asked for (a truncated
// file). Short reads are resumed where they stopped. A fault hook lets tests
// fail or shorten chosen requests, and the environment variable
// STRATA_NVME_FAULT (`eio@OFFSET` or `short@OFFSET`) does the same for the
// request covering file offset OFFSET in a program run.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_TIERS_NVMEREADER_H
#define STRATA_RUNTIME_TIERS_NVMEREADER_H

#include "strata/runtime.h"

#include <liburing.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/uio.h>

namespace strata::tiers {

class NvmeReader {
public:
  /// Bytes of each request, and how many are in flight at once.
  static constexpr uint64_t kRequestBytes = 1 << 20;
  static constexpr unsigned kQueueDepth = 16;
  /// The alignment O_DIRECT needs of offsets, lengths and buffers.
  static constexpr uint64_t kBlockBytes = 4096;

  /// Called before each request with its file offset and length: returns 0,
  /// or a negative errno to fail the request with; may lower `bytes` to make
  /// the read short.
  using FaultHook = std::function<int(uint64_t offset, uint64_t &bytes)>;

  /// Opens `path` for reading.
  [[nodiscard]] static strata_status open(const char *path, std::unique_ptr<NvmeReader> &out);

  /// Reads the open file `fd`, which it then owns (closing it even when this
  /// fails), opened with O_DIRECT if `direct`; `name` names it in messages.
  /// Without `ring`, or where the kernel refuses io_uring (not built in, or
  /// blocked by a seccomp profile such as some container runtimes'), reads
  /// go through pread one request at a time instead.
  [[nodiscard]] static strata_status adopt(int fd, const char *name, bool direct,
                                           std::unique_ptr<NvmeReader> &out, bool ring = true);

  ~NvmeReader();
  NvmeReader(const NvmeReader &) = delete;
  NvmeReader &operator=(const NvmeReader &) = delete;

  /// A read that a later call will ask for.
  struct Range {
    uint64_t offset = 0;
    void *target = nullptr;
    uint64_t bytes = 0;
  };
  /// Called while a read ends: the read the caller will ask for next, if it
  /// knows it yet. Its target must be free to write into from then on.
  using NextRead = std::function<std::optional<Range>()>;

  /// Reads `bytes` bytes at file offset `offset` into `target`. Given
  /// `nextRead`, once this read's last request is out its free queue slots
  /// go to the next read's requests (the block-aligned range of a
  /// block-aligned target), which stay in flight for the next call to
  /// take up: the queue stays full from one read to the next.
  [[nodiscard]] strata_status read(uint64_t offset, void *target, uint64_t bytes,
                                   const NextRead &nextRead = NextRead());

  /// Registers [base, base + bytes), memory that stays allocated until
  /// dropFixedBuffer(base), with the ring; reads into it then go out as
  /// fixed-buffer requests. Does nothing without a ring or for more than
  /// 1 GiB; once the kernel refuses one, keeps those it took and asks no
  /// more.
  void addFixedBuffer(void *base, uint64_t bytes);
  /// Unregisters the buffer at `base`, which is about to be freed, after
  /// waiting for any read ahead (whose target may lie in it).
  void dropFixedBuffer(void *base);
  /// How many buffers, the reader's own among them, are registered.
  size_t fixedBufferCount() const { return fixed.size(); }

  /// Whether reads bypass the page cache (O_DIRECT).
  bool direct() const { return isDirect; }
  /// Whether the ring failed, so that no read can run.
  bool isBroken() const { return broken; }
  /// Whether reads go through io_uring (else through pread).
  bool usesRing() const { return ringReady; }
  const std::string &path() const { return filePath; }
  /// Whether the file opened is the one with `dev` and `ino` (stat's).
  bool isFile(uint64_t dev, uint64_t ino) const { return device == dev && inode == ino; }
  void setFaultHook(FaultHook hook) { faultHook = std::move(hook); }

private:
  NvmeReader() = default;

  struct Job;

  /// Reads the block-aligned range [start, start + length) into `buffer`,
  /// resuming short reads; sets `got` to the bytes before the end of the
  /// file. `kQueueDepth` requests stay in flight until the range is read,
  /// then those of the range `nextRead` gives, if it is block-aligned.
  strata_status readAligned(uint64_t start, uint64_t length, unsigned char *buffer, uint64_t &got,
                            const NextRead &nextRead);
  /// Puts request `job`'s next request in the ring, counting it in `prepared`.
  strata_status prepare(Job &job, unsigned &prepared);
  /// Waits for one completion.
  io_uring_cqe *waitOne();
  /// Records completion `cqe` in its job, `current` or the one read ahead.
  void complete(io_uring_cqe *cqe, Job &current);
  /// Waits for the requests read ahead and drops them.
  void settleAhead();
  /// readAligned without io_uring: pread, one request at a time.
  strata_status preadAligned(uint64_t start, uint64_t length, unsigned char *buffer, uint64_t &got);

  std::string filePath;
  int fd = -1;
  bool isDirect = false;
  bool ringReady = false;
  /// Set when the ring failed: requests may be left in it, so no read runs.
  bool broken = false;
  uint64_t device = 0, inode = 0;
  io_uring ring{};
  /// Registers `fixed` with the ring in place of what it held; false when
  /// the kernel refused (nothing is registered then).
  bool registerFixed();

  /// kQueueDepth requests' worth, aligned to kBlockBytes.
  unsigned char *buffer = nullptr;
  /// The buffers registered with the ring, in its order, and whether the
  /// kernel refused to register them.
  std::vector<iovec> fixed;
  bool registered = false;
  bool fixedRefused = false;
  /// Requests in the ring; the range read ahead of the caller's next read,
  /// and the count that names each range's requests.
  unsigned inFlight = 0;
  std::unique_ptr<Job> ahead;
  uint32_t jobs = 0;
  FaultHook faultHook;
};

} // namespace strata::tiers

#endif // STRATA_RUNTIME_TIERS_NVMEREADER_H

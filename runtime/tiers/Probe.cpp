//===- Probe.cpp - The link rates the tier plan predicts with -------------===//
//
// Each rate is the best of three timed passes, so a one-off stall (another
// process, a page fault on first touch) does not set it. The scratch file is
// written with ordinary writes and fsync'd before it is read with O_DIRECT,
// so the read comes from the device, not from the page cache. It goes into
// a block-aligned buffer registered with the reader's ring, as the program's
// reads go into its pinned staging slots.
//
//===----------------------------------------------------------------------===//

#include "runtime/tiers/Probe.h"

#include "runtime/core/Status.h"
#include "runtime/tiers/NvmeReader.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

using namespace strata;
using namespace strata::tiers;
using strata::runtime::makeError;
using strata::runtime::makeIoError;

namespace {

constexpr int kPasses = 3;

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

/// Writes `bytes` bytes of a pattern to `path` and syncs them.
strata_status writeScratch(const std::string &path, uint64_t bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return makeIoError(errno, "cannot create the probe's scratch file '%s'", path.c_str());
  std::vector<unsigned char> block(1 << 20);
  for (size_t i = 0; i < block.size(); ++i)
    block[i] = static_cast<unsigned char>(i * 131);
  uint64_t written = 0;
  while (written < bytes) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(block.size(), bytes - written));
    ssize_t n = ::write(fd, block.data(), chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      return makeIoError(err, "cannot write the probe's scratch file '%s' at offset %llu",
                         path.c_str(), static_cast<unsigned long long>(written));
    }
    written += static_cast<uint64_t>(n);
  }
  int err = ::fsync(fd) != 0 ? errno : 0;
  ::close(fd);
  if (err)
    return makeIoError(err, "cannot sync the probe's scratch file '%s'", path.c_str());
  return nullptr;
}

strata_status probeRead(const std::string &dir, uint64_t fileBytes, ProbedRates &out) {
  std::string path = dir + "/.strata-probe." + std::to_string(::getpid());
  if (strata_status s = writeScratch(path, fileBytes)) {
    ::unlink(path.c_str());
    return s;
  }
  std::unique_ptr<NvmeReader> reader;
  strata_status status = NvmeReader::open(path.c_str(), reader);
  ::unlink(path.c_str());
  if (status)
    return status;
  out.direct = reader->direct();
  out.ring = reader->usesRing();
  void *block = nullptr;
  if (posix_memalign(&block, NvmeReader::kBlockBytes, static_cast<size_t>(fileBytes)) != 0)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY, "cannot allocate the probe's %llu-byte buffer",
                     static_cast<unsigned long long>(fileBytes));
  std::unique_ptr<void, decltype(&std::free)> target(block, &std::free);
  reader->addFixedBuffer(target.get(), fileBytes);
  for (int pass = 0; pass < kPasses; ++pass) {
    auto start = std::chrono::steady_clock::now();
    strata_status s = reader->read(0, target.get(), fileBytes);
    if (s) {
      // The reader goes before the buffer it registered.
      reader.reset();
      return s;
    }
    out.nvmeRead = std::max(out.nvmeRead, fileBytes / seconds(start));
  }
  reader.reset();
  return nullptr;
}

strata_status probeCopies(Device &device, uint64_t bytes, ProbedRates &out) {
  std::unique_ptr<Arena> arena;
  if (strata_status s = device.allocateArena(STRATA_MEMORY_DEVICE, bytes, 4096, arena))
    return s;
  std::unique_ptr<Stream> stream;
  std::unique_ptr<Event> done;
  if (strata_status s = device.createStream(stream))
    return s;
  if (strata_status s = device.createEvent(done))
    return s;
  std::vector<unsigned char> host(static_cast<size_t>(bytes), 1);
  for (int pass = 0; pass < kPasses; ++pass) {
    auto start = std::chrono::steady_clock::now();
    if (strata_status s = device.copyToArena(*stream, *arena, 0, host.data(), bytes))
      return s;
    if (strata_status s = device.recordEvent(*done, *stream))
      return s;
    if (strata_status s = device.synchronizeEvent(*done))
      return s;
    out.hostToDevice = std::max(out.hostToDevice, bytes / seconds(start));
    start = std::chrono::steady_clock::now();
    if (strata_status s = device.copyFromArena(*stream, host.data(), *arena, 0, bytes))
      return s;
    if (strata_status s = device.recordEvent(*done, *stream))
      return s;
    if (strata_status s = device.synchronizeEvent(*done))
      return s;
    out.deviceToHost = std::max(out.deviceToHost, bytes / seconds(start));
  }
  return nullptr;
}

} // namespace

strata_status strata::tiers::probeRates(Device &device, const std::string &scratchDir,
                                        uint64_t fileBytes, uint64_t copyBytes, ProbedRates &out) {
  if (fileBytes == 0 || copyBytes == 0)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "the probe needs a non-empty file and copy");
  out = ProbedRates();
  if (strata_status s = probeRead(scratchDir, fileBytes, out))
    return s;
  if (strata_status s = probeCopies(device, copyBytes, out))
    return s;
  // A device that cannot measure itself leaves the compiler's defaults.
  strata_status s = device.measureCompute(out.deviceFlops, out.deviceMemory);
  if (s && strata_status_get_code(s) == STRATA_ERROR_UNSUPPORTED) {
    strata_status_free(s);
    out.deviceFlops = out.deviceMemory = 0;
    return nullptr;
  }
  return s;
}

std::string strata::tiers::formatBandwidths(const ProbedRates &rates, uint64_t fileBytes,
                                            uint64_t copyBytes) {
  char text[1024];
  std::snprintf(text, sizeof text,
                "# Measured by --probe: best of %d passes.\n"
                "# Reading a %llu-byte file through %s%s.\n"
                "nvme_read_bytes_per_second = %.4g\n"
                "# Copying %llu bytes from host memory into a device arena (%.4g bytes per\n"
                "# second back).\n"
                "h2d_bytes_per_second = %.4g\n",
                kPasses, static_cast<unsigned long long>(fileBytes),
                rates.ring ? "io_uring" : "pread (io_uring is refused here)",
                rates.direct ? " with O_DIRECT" : " through the page cache (no O_DIRECT here)",
                rates.nvmeRead, static_cast<unsigned long long>(copyBytes), rates.deviceToHost,
                rates.hostToDevice);
  std::string out = text;
  if (rates.deviceFlops > 0) {
    std::snprintf(text, sizeof text,
                  "# The device's own: a large f32 matrix product, and a large copy (bytes\n"
                  "# read and written).\n"
                  "flops_per_second = %.4g\n"
                  "memory_bytes_per_second = %.4g\n",
                  rates.deviceFlops, rates.deviceMemory);
    out += text;
  } else {
    out += "# The device cannot measure its flop rate and memory bandwidth: the compiler\n"
           "# keeps its target's defaults for them.\n";
  }
  return out;
}

//===- TierCopies.h - What one tier copy does -------------------*- C++ -*-===//
//
// The work of the tier plan's copies (docs/tiers.md), run on the copy threads
// of TierStreams.h: a copy into device memory, and a read of weights from the
// weights file, each counted for the device's counters.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_TIERCOPIES_H
#define STRATA_RUNTIME_DEVICE_CPU_TIERCOPIES_H

#include "strata/runtime.h"

#include <cstdint>
#include <functional>
#include <optional>

namespace strata::cpu {

/// Copies `bytes` bytes from `source` into the device buffer `target`.
void copyToDevice(void *target, const void *source, uint64_t bytes);

/// A read of weights from NVMe: `bytes` bytes at `offset` of the weights
/// data region that starts at `region`, into `target`.
struct WeightsRead {
  const void *region = nullptr;
  uint64_t offset = 0;
  void *target = nullptr;
  uint64_t bytes = 0;
};
/// The read the stream runs after the current one, if it is queued yet.
using NextWeightsRead = std::function<std::optional<WeightsRead>()>;

/// Runs `read` from the weights file, through the NVMe tier's reader, not
/// the mapping; with an NVMe directory, from its file once the range is
/// there. The error names the file, offset and cause. Given `next`, the
/// reader starts on the next read of the same file as this one ends
/// (NvmeReader::read).
strata_status readWeightsFromNvme(const WeightsRead &read,
                                  const NextWeightsRead &next = NextWeightsRead());

/// Names [base, base + bytes), pinned host memory the NVMe tier reads into
/// (the staging slots' arena), which the readers register with their rings
/// (NvmeReader::addFixedBuffer) until it is unpinned.
void pinForNvmeReads(void *base, uint64_t bytes);
/// Takes back pinForNvmeReads(base) before the memory is freed.
void unpinForNvmeReads(void *base);

/// Keeps the NVMe tier's weights in a file in `directory` from now on
/// (checking it has `capacity` bytes free). The directory and the streams are
/// the process's: one device at a time runs a program with a tier plan.
strata_status openNvmeDirectory(const char *directory, uint64_t capacity);

/// Reads the NVMe tier's weights from the weights file again, and lets the
/// directory's file go.
void closeNvmeDirectory();

/// Bytes the tier copies have moved since the process started.
struct TierCopyCounts {
  uint64_t copiedToDevice = 0;
  uint64_t readFromNvme = 0;
  /// Into the NVMe directory's file, and back from it (of readFromNvme).
  uint64_t writtenToNvme = 0;
  uint64_t readFromNvmeDirectory = 0;
};

TierCopyCounts tierCopyCounts();

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_TIERCOPIES_H

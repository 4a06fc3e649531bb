//===- TierCopies.cpp - The tier plan's copies, called by compiled code ----===//
//
// A tier copy to the device is a memcpy here (the CPU device's memory is the
// host's), counted. A tier copy from NVMe takes the weight's bytes from the
// weights file itself through the NVMe tier's reader (O_DIRECT, io_uring),
// not from the mapping: one reader per file, opened at the first read; a
// failure ends the run with the file, offset and cause.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/TierCopies.h"

#include "runtime/core/Status.h"
#include "runtime/core/WeightsFiles.h"
#include "runtime/device/cpu/RunGuard.h"
#include "runtime/tiers/NvmeReader.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

namespace {

std::atomic<uint64_t> copiedToDevice{0};
std::atomic<uint64_t> readFromNvme{0};
std::mutex readersMutex;
std::map<std::string, std::unique_ptr<strata::tiers::NvmeReader>> readers;

strata_status readWeights(const void *region, uint64_t offset, void *target, uint64_t bytes) {
  std::string path;
  uint64_t dataOffset = 0, device = 0, inode = 0;
  if (!strata::runtime::findWeightsFile(region, path, dataOffset, device, inode))
    return strata::runtime::makeError(STRATA_ERROR_FAILED_PRECONDITION,
                                      "a tier copy from NVMe reads weights that no open "
                                      "weights file holds");
  // One reader per file, and one read at a time on it: the reader's ring and
  // buffer are its own.
  std::lock_guard<std::mutex> lock(readersMutex);
  std::unique_ptr<strata::tiers::NvmeReader> &reader = readers[path];
  if (reader && !reader->isFile(device, inode))
    reader.reset();
  if (!reader)
    if (strata_status s = strata::tiers::NvmeReader::open(path.c_str(), reader))
      return s;
  if (!reader->isFile(device, inode)) {
    reader.reset();
    return strata::runtime::makeError(STRATA_ERROR_FAILED_PRECONDITION,
                                      "'%s' is no longer the weights file the program loaded "
                                      "(it was replaced since)",
                                      path.c_str());
  }
  if (strata_status s = reader->read(dataOffset + offset, target, bytes))
    return s;
  readFromNvme.fetch_add(bytes, std::memory_order_relaxed);
  return nullptr;
}

} // namespace

/// Reads `bytes` bytes at `offset` in the data region that starts at
/// `region` (the weights argument of the compiled code) into `target`. The
/// frame that raises holds nothing to destroy (RunGuard.h).
extern "C" void strata_cpu_read_weights(const void *region, int64_t offset, void *target,
                                        int64_t bytes) {
  strata_status status =
      readWeights(region, static_cast<uint64_t>(offset), target, static_cast<uint64_t>(bytes));
  if (!status)
    return;
  char message[4096];
  std::snprintf(message, sizeof message, "%s", strata_status_message(status));
  strata_status_code code = strata_status_get_code(status);
  strata_status_free(status);
  strata::cpu::raiseFromCompiledCode(code, "the NVMe tier: %s", message);
}

/// Copies `bytes` bytes from `source` to the device buffer `target`.
extern "C" void strata_cpu_tier_copy(void *target, const void *source, int64_t bytes) {
  std::memcpy(target, source, static_cast<size_t>(bytes));
  copiedToDevice.fetch_add(static_cast<uint64_t>(bytes), std::memory_order_relaxed);
}

strata::cpu::TierCopyCounts strata::cpu::tierCopyCounts() {
  return {copiedToDevice.load(std::memory_order_relaxed),
          readFromNvme.load(std::memory_order_relaxed)};
}

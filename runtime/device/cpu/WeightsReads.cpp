//===- WeightsReads.cpp - Weights read from the file, for the NVMe tier ---===//
//
// The call compiled code makes for a tier copy from NVMe: the weight's bytes
// come from the weights file itself through the NVMe tier's reader
// (O_DIRECT, io_uring), not from the mapping. One reader per file, opened at
// the first read; a failure ends the run with the file, offset and cause.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Status.h"
#include "runtime/core/WeightsFiles.h"
#include "runtime/device/cpu/RunGuard.h"
#include "runtime/tiers/NvmeReader.h"

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

namespace {

std::mutex readersMutex;
std::map<std::string, std::unique_ptr<strata::tiers::NvmeReader>> readers;

strata_status readWeights(const void *region, uint64_t offset, void *target, uint64_t bytes) {
  std::string path;
  uint64_t dataOffset = 0;
  if (!strata::runtime::findWeightsFile(region, path, dataOffset))
    return strata::runtime::makeError(STRATA_ERROR_FAILED_PRECONDITION,
                                      "a tier copy from NVMe reads weights that no open "
                                      "weights file holds");
  strata::tiers::NvmeReader *reader = nullptr;
  {
    std::lock_guard<std::mutex> lock(readersMutex);
    std::unique_ptr<strata::tiers::NvmeReader> &slot = readers[path];
    if (!slot)
      if (strata_status s = strata::tiers::NvmeReader::open(path.c_str(), slot))
        return s;
    reader = slot.get();
  }
  return reader->read(dataOffset + offset, target, bytes);
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

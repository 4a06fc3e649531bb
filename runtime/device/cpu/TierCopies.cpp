//===- TierCopies.cpp - What one tier copy does ----------------------------===//
//
// A tier copy to the device is a memcpy here (the CPU device's memory is the
// host's), counted. A tier copy from NVMe takes the weight's bytes from the
// weights file itself through the NVMe tier's reader (O_DIRECT, io_uring),
// not from the mapping: one reader per file, opened at the first read; a
// failure is returned naming the file, offset and cause. Given an NVMe
// directory, the first read of each range also writes it to the directory's
// file (NvmeStore.h), and later reads of it come from there. The pinned host
// memory the reads go into is registered with each reader's ring.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/TierCopies.h"

#include "runtime/core/Status.h"
#include "runtime/core/WeightsFiles.h"
#include "runtime/tiers/NvmeReader.h"
#include "runtime/tiers/NvmeStore.h"

#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

namespace {

std::atomic<uint64_t> copiedToDevice{0};
std::atomic<uint64_t> readFromNvme{0};
std::atomic<uint64_t> writtenToNvme{0};
std::atomic<uint64_t> readFromNvmeDirectory{0};
std::mutex readersMutex;
std::map<std::string, std::unique_ptr<strata::tiers::NvmeReader>> readers;
/// The NVMe directory's file, if the program was given one, and where in it
/// each range of a weights file (device, inode, offset, bytes) was put.
std::unique_ptr<strata::tiers::NvmeStore> store;
std::map<std::tuple<uint64_t, uint64_t, uint64_t, uint64_t>, uint64_t> stored;
/// Pinned host memory the readers read into (pinForNvmeReads): base, bytes.
std::map<unsigned char *, uint64_t> pinned;

/// Registers with `reader` the pinned memory that holds [target, target +
/// bytes), if any.
void registerTarget(strata::tiers::NvmeReader &reader, void *target, uint64_t bytes) {
  auto *start = static_cast<unsigned char *>(target);
  auto it = pinned.upper_bound(start);
  if (it == pinned.begin())
    return;
  --it;
  if (start + bytes <= it->first + it->second)
    reader.addFixedBuffer(it->first, it->second);
}

strata_status readWeights(const strata::cpu::WeightsRead &read,
                          const strata::cpu::NextWeightsRead &next) {
  const void *region = read.region;
  uint64_t offset = read.offset, bytes = read.bytes;
  void *target = read.target;
  std::string path;
  uint64_t dataOffset = 0, device = 0, inode = 0;
  if (!strata::runtime::findWeightsFile(region, path, dataOffset, device, inode))
    return strata::runtime::makeError(STRATA_ERROR_FAILED_PRECONDITION,
                                      "a tier copy from NVMe reads weights that no open "
                                      "weights file holds");
  // One reader per file, and one read at a time on it: the reader's ring and
  // buffer are its own.
  std::lock_guard<std::mutex> lock(readersMutex);
  auto key = std::make_tuple(device, inode, dataOffset + offset, bytes);
  if (store)
    if (auto it = stored.find(key); it != stored.end()) {
      registerTarget(store->fileReader(), target, bytes);
      if (strata_status s = store->read(it->second, target, bytes))
        return s;
      readFromNvme.fetch_add(bytes, std::memory_order_relaxed);
      readFromNvmeDirectory.fetch_add(bytes, std::memory_order_relaxed);
      return nullptr;
    }
  std::unique_ptr<strata::tiers::NvmeReader> &reader = readers[path];
  // A reader whose ring failed, or of a file since replaced, is opened anew.
  if (reader && (reader->isBroken() || !reader->isFile(device, inode)))
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
  registerTarget(*reader, target, bytes);
  // The next read, where it comes from this file rather than the NVMe
  // directory's, starts as this one ends.
  strata::tiers::NvmeReader::NextRead ahead;
  if (next)
    ahead = [&]() -> std::optional<strata::tiers::NvmeReader::Range> {
      std::optional<strata::cpu::WeightsRead> following = next();
      std::string nextPath;
      uint64_t nextData = 0, nextDevice = 0, nextInode = 0;
      if (!following ||
          !strata::runtime::findWeightsFile(following->region, nextPath, nextData, nextDevice,
                                            nextInode) ||
          nextPath != path || nextDevice != device || nextInode != inode)
        return std::nullopt;
      // Not a range the NVMe directory holds, or will once this read is
      // put there (the same range again), so that the read taking the
      // requests up is this reader's; and not into this read's target.
      auto nextKey =
          std::make_tuple(nextDevice, nextInode, nextData + following->offset, following->bytes);
      auto *from = static_cast<unsigned char *>(following->target);
      auto *into = static_cast<unsigned char *>(target);
      if ((store && (nextKey == key || stored.count(nextKey))) ||
          (from < into + bytes && into < from + following->bytes))
        return std::nullopt;
      return strata::tiers::NvmeReader::Range{nextData + following->offset, following->target,
                                              following->bytes};
    };
  if (strata_status s = reader->read(dataOffset + offset, target, bytes, ahead))
    return s;
  if (strata_status s = strata::runtime::checkStreamedRead(region, offset, target, bytes))
    return s;
  readFromNvme.fetch_add(bytes, std::memory_order_relaxed);
  // The first read of a range puts it in the NVMe directory, where later
  // reads find it.
  if (store) {
    uint64_t at = 0;
    if (strata_status s = store->append(target, bytes, at))
      return s;
    stored[key] = at;
    writtenToNvme.fetch_add(bytes, std::memory_order_relaxed);
  }
  return nullptr;
}

} // namespace

void strata::cpu::copyToDevice(void *target, const void *source, uint64_t bytes) {
  std::memcpy(target, source, static_cast<size_t>(bytes));
  copiedToDevice.fetch_add(bytes, std::memory_order_relaxed);
}

strata_status strata::cpu::readWeightsFromNvme(const WeightsRead &read,
                                               const NextWeightsRead &next) {
  if (strata_status s = readWeights(read, next)) {
    strata_status tiered = strata::runtime::makeError(
        strata_status_get_code(s), "the NVMe tier: %s", strata_status_message(s));
    strata_status_free(s);
    return tiered;
  }
  return nullptr;
}

void strata::cpu::pinForNvmeReads(void *base, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(readersMutex);
  pinned[static_cast<unsigned char *>(base)] = bytes;
}

void strata::cpu::unpinForNvmeReads(void *base) {
  std::lock_guard<std::mutex> lock(readersMutex);
  if (pinned.erase(static_cast<unsigned char *>(base)) == 0)
    return;
  for (auto &[path, reader] : readers)
    if (reader)
      reader->dropFixedBuffer(base);
  if (store)
    store->fileReader().dropFixedBuffer(base);
}

strata_status strata::cpu::openNvmeDirectory(const char *directory, uint64_t capacity) {
  std::unique_ptr<strata::tiers::NvmeStore> opened;
  if (strata_status s = strata::tiers::NvmeStore::create(directory, capacity, opened))
    return s;
  std::lock_guard<std::mutex> lock(readersMutex);
  store = std::move(opened);
  stored.clear();
  return nullptr;
}

void strata::cpu::closeNvmeDirectory() {
  std::lock_guard<std::mutex> lock(readersMutex);
  store.reset();
  stored.clear();
}

strata::cpu::TierCopyCounts strata::cpu::tierCopyCounts() {
  return {copiedToDevice.load(std::memory_order_relaxed),
          readFromNvme.load(std::memory_order_relaxed),
          writtenToNvme.load(std::memory_order_relaxed),
          readFromNvmeDirectory.load(std::memory_order_relaxed)};
}

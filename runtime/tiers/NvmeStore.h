//===- NvmeStore.h - The NVMe tier's file in --nvme-dir ---------*- C++ -*-===//
//
// Where the NVMe tier keeps what it holds when the program is given an NVMe
// directory (`--nvme-dir`, docs/tiers.md): one unnamed file in it (O_TMPFILE,
// so no name ever appears and nothing is left behind, however the program
// ends), written with O_DIRECT in whole blocks and read back through an
// NvmeReader. Appends only: each range added starts on a block boundary.
//
// Every failure names the directory: one that is missing, is not a
// directory or cannot be written; too little free space for the capacity
// asked for, checked when the store is made; and a write that fails (a full
// disk: ENOSPC). For tests, STRATA_NVME_FAULT=enospc@OFFSET fails the write
// that covers store offset OFFSET with ENOSPC.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_TIERS_NVMESTORE_H
#define STRATA_RUNTIME_TIERS_NVMESTORE_H

#include "runtime/tiers/NvmeReader.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace strata::tiers {

class NvmeStore {
public:
  /// Called before each write with its store offset and length: returns 0,
  /// or a positive errno to fail the write with.
  using FaultHook = std::function<int(uint64_t offset, uint64_t bytes)>;

  /// Makes the store's file in `directory`, which must have `capacity` bytes
  /// free.
  [[nodiscard]] static strata_status create(const char *directory, uint64_t capacity,
                                            std::unique_ptr<NvmeStore> &out);

  ~NvmeStore();
  NvmeStore(const NvmeStore &) = delete;
  NvmeStore &operator=(const NvmeStore &) = delete;

  /// Appends `bytes` bytes from `data`; `offset` is where they start.
  [[nodiscard]] strata_status append(const void *data, uint64_t bytes, uint64_t &offset);

  /// Reads `bytes` bytes at store offset `offset` into `target`.
  [[nodiscard]] strata_status read(uint64_t offset, void *target, uint64_t bytes);

  /// The reader of the store's file, to register the buffers its reads go
  /// into (NvmeReader::addFixedBuffer).
  NvmeReader &fileReader() { return *reader; }

  /// Bytes of the file so far (the appended ranges, each rounded up to a
  /// block).
  uint64_t size() const { return used; }
  const std::string &directory() const { return directoryPath; }
  void setFaultHook(FaultHook hook) { faultHook = std::move(hook); }

private:
  NvmeStore() = default;

  /// Writes `bytes` (a whole number of blocks) from the bounce buffer at
  /// store offset `offset`.
  strata_status writeBlocks(uint64_t offset, uint64_t bytes);

  std::string directoryPath;
  int fd = -1;
  bool direct = false;
  uint64_t used = 0;
  std::unique_ptr<NvmeReader> reader;
  /// Block-aligned staging for writes, kBounceBytes long.
  unsigned char *bounce = nullptr;
  FaultHook faultHook;
};

} // namespace strata::tiers

#endif // STRATA_RUNTIME_TIERS_NVMESTORE_H

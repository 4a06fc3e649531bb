//===- WeightsFiles.h - The open weights files, by data region -*- C++ -*-===//
//
// Compiled code sees a weights file only as its mapped data region. What
// reads a weight from the file itself (the NVMe tier, which bypasses the
// mapping) finds the file's path and the region's place in it here.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_WEIGHTSFILES_H
#define STRATA_RUNTIME_CORE_WEIGHTSFILES_H

#include "strata/runtime.h"

#include <cstdint>
#include <string>

namespace strata::runtime {

/// Sets `path`, `dataOffset` (the file offset of the data region), `device`
/// and `inode` (stat's, of the file mapped) of the open weights file whose
/// data region starts at `region`; false when no open file's does.
bool findWeightsFile(const void *region, std::string &path, uint64_t &dataOffset, uint64_t &device,
                     uint64_t &inode);

/// Checks `bytes` bytes at `data`, read from the file itself at `offset` of
/// the data region that starts at `region`, against the checksum of the
/// tensor there if its check was left for its first read
/// (strata_weights_open_streamed); the error names the file and tensor.
/// Nothing to check is success.
strata_status checkStreamedRead(const void *region, uint64_t offset, const void *data,
                                uint64_t bytes);

} // namespace strata::runtime

#endif // STRATA_RUNTIME_CORE_WEIGHTSFILES_H

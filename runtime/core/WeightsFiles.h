//===- WeightsFiles.h - The open weights files, by data region -*- C++ -*-===//
//
// Compiled code sees a weights file only as its mapped data region. What
// reads a weight from the file itself (the NVMe tier, which bypasses the
// mapping) finds the file's path and the region's place in it here.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_WEIGHTSFILES_H
#define STRATA_RUNTIME_CORE_WEIGHTSFILES_H

#include <cstdint>
#include <string>

namespace strata::runtime {

/// Sets `path`, `dataOffset` (the file offset of the data region), `device`
/// and `inode` (stat's, of the file mapped) of the open weights file whose
/// data region starts at `region`; false when no open file's does.
bool findWeightsFile(const void *region, std::string &path, uint64_t &dataOffset, uint64_t &device,
                     uint64_t &inode);

} // namespace strata::runtime

#endif // STRATA_RUNTIME_CORE_WEIGHTSFILES_H

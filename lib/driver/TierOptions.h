//===- TierOptions.h - The tier plan's budgets and rates --------*- C++ -*-===//
//
// `--gpu-mem`, `--host-mem`, `--nvme-mem`, `--nvme-dir` and `--bandwidths
// FILE` turned into the options of strata-plan-tiers and the program, with
// errors that quote what was wrong.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_TIEROPTIONS_H
#define STRATA_LIB_DRIVER_TIEROPTIONS_H

#include "lib/driver/Pipeline.h"

#include "llvm/Support/Error.h"

namespace strata {

/// Reads a bandwidths file into `options`: one `NAME = VALUE` per line
/// (`#` starts a comment), NAME one of `h2d_bytes_per_second`,
/// `nvme_read_bytes_per_second`, `memory_bytes_per_second` and
/// `flops_per_second`, VALUE a positive finite number. The file's own
/// problems are errors naming the file and line.
llvm::Error readBandwidthsFile(llvm::StringRef path, TierPlanOptions &options);

/// The tier options of a compile as given: budgets, the NVMe directory, the
/// bandwidths file; empty when not given.
struct TierOptionTexts {
  llvm::StringRef gpuMem, hostMem, nvmeMem, nvmeDirectory, bandwidths;
};

/// The tier options of a compile: nothing without `gpuMem` (no tier plan);
/// the others only with it. The rates start from `rates` (the target's
/// defaults) and the bandwidths file overrides those it names.
llvm::Expected<std::optional<TierPlanOptions>> parseTierOptions(const TierOptionTexts &texts,
                                                                const DeviceRates &rates);

} // namespace strata

#endif // STRATA_LIB_DRIVER_TIEROPTIONS_H

//===- Probe.h - The link rates the tier plan predicts with -----*- C++ -*-===//
//
// `out/model --probe FILE` measures, on the machine it runs on, the rates the
// tier planner needs and writes them in the format `stratac --bandwidths`
// reads (docs/tiers.md): reading a scratch file from the disk that will hold
// the weights (NvmeReader: O_DIRECT, io_uring) and copying host memory into a
// device arena (and back, printed as a comment), and the device's own flop
// rate and memory bandwidth (Device::measureCompute).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_TIERS_PROBE_H
#define STRATA_RUNTIME_TIERS_PROBE_H

#include "runtime/device/Device.h"

#include <string>

namespace strata::tiers {

/// What a probe measured, in bytes per second.
struct ProbedRates {
  double nvmeRead = 0;
  double hostToDevice = 0;
  double deviceToHost = 0;
  /// The device's own, where it can measure them (0 otherwise): flops and
  /// bytes of memory read and written per second.
  double deviceFlops = 0;
  double deviceMemory = 0;
  /// Whether the scratch file was read with O_DIRECT (else through the page
  /// cache, and the NVMe figure is the page cache's), and through io_uring
  /// (else pread).
  bool direct = false;
  bool ring = false;
};

/// Measures the rates: a scratch file of `fileBytes` bytes written into
/// directory `scratchDir`, synced and read back (then removed), and copies of
/// `copyBytes` bytes through `device`.
[[nodiscard]] strata_status probeRates(Device &device, const std::string &scratchDir,
                                       uint64_t fileBytes, uint64_t copyBytes, ProbedRates &out);

/// The bandwidths file for `rates`: one `NAME = VALUE` line per rate, with a
/// comment saying how each was measured.
std::string formatBandwidths(const ProbedRates &rates, uint64_t fileBytes, uint64_t copyBytes);

} // namespace strata::tiers

#endif // STRATA_RUNTIME_TIERS_PROBE_H

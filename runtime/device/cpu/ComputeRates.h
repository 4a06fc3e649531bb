//===- ComputeRates.h - The CPU device's flop rate and memory bandwidth -*- C++ -*-===//
//
// What `out/model --probe` measures of the device itself, for the tier
// planner's roofline (docs/tiers.md): the f32 rate of a large matrix product
// on the library the compiled code's weight products run on (oneDNN, on the
// device's threads), and the bandwidth of a large copy on one thread, as the
// compiled code's other loops run.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_COMPUTERATES_H
#define STRATA_RUNTIME_DEVICE_CPU_COMPUTERATES_H

#include "strata/runtime.h"

namespace strata::cpu {

/// Sets `flopsPerSecond` and `memoryBytesPerSecond` (bytes read and written),
/// the best of a few passes, using `threads` threads for the product.
strata_status measureComputeRates(int threads, double &flopsPerSecond,
                                  double &memoryBytesPerSecond);

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_COMPUTERATES_H

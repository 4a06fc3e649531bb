//===- ComputeRates.cpp - The CPU device's flop rate and memory bandwidth -===//
//
// A 1024 x 1024 x 1024 product (2 Gflop) and a 64 MiB copy, each best of
// three after a warm-up pass: long enough to leave timer and start-up noise
// behind, short enough for a probe. The product runs as the compiled code's
// products with a weight do, on the weight packed once (PackedProducts.h),
// the warm-up pass packing it.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/ComputeRates.h"
#include "runtime/device/cpu/PackedProducts.h"
#include "runtime/device/cpu/Team.h"

#include "runtime/core/Status.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

namespace strata::cpu {
namespace {

constexpr int kPasses = 3;
constexpr int64_t kSide = 1024;
constexpr size_t kCopyBytes = size_t(64) << 20;

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

strata_status measureComputeRates(int threads, double &flopsPerSecond,
                                  double &memoryBytesPerSecond) {
  flopsPerSecond = memoryBytesPerSecond = 0;
  std::vector<float> a(kSide * kSide, 0.5f), b(kSide * kSide, 0.25f), c(kSide * kSide);
  setTeamSize(threads);
  PackedProduct product{false, false, kSide, kSide, kSide, kSide, kSide, kSide};
  for (int pass = 0; pass <= kPasses; ++pass) {
    auto start = std::chrono::steady_clock::now();
    if (!runPacked(product, a.data(), b.data(), c.data(), 0.0f)) {
      forgetPackedWeight(b.data());
      return runtime::makeError(STRATA_ERROR_FAILED_PRECONDITION,
                                "the probe's matrix product failed in oneDNN");
    }
    if (pass > 0)
      flopsPerSecond = std::max(flopsPerSecond, 2.0 * kSide * kSide * kSide / secondsSince(start));
  }
  forgetPackedWeight(b.data());
  if (c[0] != 0.5f * 0.25f * kSide)
    return runtime::makeError(STRATA_ERROR_FAILED_PRECONDITION,
                              "the probe's matrix product computed %g, not %g", c[0],
                              0.5 * 0.25 * kSide);
  std::vector<unsigned char> from(kCopyBytes, 1), to(kCopyBytes);
  for (int pass = 0; pass <= kPasses; ++pass) {
    auto start = std::chrono::steady_clock::now();
    std::memcpy(to.data(), from.data(), kCopyBytes);
    if (pass > 0)
      memoryBytesPerSecond = std::max(memoryBytesPerSecond, 2.0 * kCopyBytes / secondsSince(start));
  }
  return nullptr;
}

} // namespace strata::cpu

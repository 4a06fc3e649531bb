//===- Report.cpp - What --report prints ----------------------------------===//
//
// The ratio of an arena to its lower bound says how much of it the plan's
// layout wastes; it is left out when the bound is 0.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Report.h"

#include <cstdio>

namespace strata {
namespace {

/// `format` with `args`, as a string.
template <typename... Args> std::string format(const char *format, Args... args) {
  int length = std::snprintf(nullptr, 0, format, args...);
  std::string text(length > 0 ? static_cast<size_t>(length) : 0, '\0');
  std::snprintf(text.data(), text.size() + 1, format, args...);
  return text;
}

} // namespace

std::string reportText(const strata_model &model, const Executor &executor, int threads,
                       double firstRunMs, long runs, const ResidentMemory *afterFirstRun) {
  std::string text = format("report: %d thread%s\n", threads, threads == 1 ? "" : "s");
  text += format("report: %.3f ms for the first run\n", firstRunMs);
  for (int32_t j = 0; j < model.num_arenas; ++j) {
    const strata_model_arena &a = model.arenas[j];
    text += format("report: arena %d (%s): %llu bytes, liveness lower bound %llu bytes", j,
                   memorySpaceName(a.space), static_cast<unsigned long long>(a.bytes),
                   static_cast<unsigned long long>(a.lower_bound));
    if (a.lower_bound > 0)
      text += format(" (%.3fx)", static_cast<double>(a.bytes) / static_cast<double>(a.lower_bound));
    text += "\n";
  }
  if (model.num_arenas == 0)
    text += "report: no arenas\n";
  text += format("report: %llu fallback allocations by the compiled code in %ld run%s after load\n",
                 static_cast<unsigned long long>(executor.fallbackAllocationsSinceLoad()), runs,
                 runs == 1 ? "" : "s");
  ResidentMemory now;
  if (afterFirstRun && readResidentMemory(now)) {
    constexpr double MiB = 1024.0 * 1024.0;
    auto after = static_cast<double>(afterFirstRun->currentBytes);
    text += format("report: resident memory %.1f MiB after the first run, %.1f MiB after the "
                   "last (%+.1f MiB), peak %.1f MiB\n",
                   after / MiB, static_cast<double>(now.currentBytes) / MiB,
                   (static_cast<double>(now.currentBytes) - after) / MiB,
                   static_cast<double>(now.peakBytes) / MiB);
  }
  return text;
}

} // namespace strata

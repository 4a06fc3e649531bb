//===- Report.cpp - What --report prints ----------------------------------===//
//
// The ratio of an arena to its lower bound says how much of it the plan's
// layout wastes; it is left out when the bound is 0.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Report.h"

#include <algorithm>
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
                       const RunTimes &times, const ResidentMemory *afterFirstRun) {
  long runs = times.runs;
  std::string text = format("report: %d thread%s\n", threads, threads == 1 ? "" : "s");
  text += format("report: %.3f ms for the first run\n", times.firstMs);
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
  uint64_t deviceCaches = executor.cacheBytes(STRATA_MEMORY_DEVICE);
  uint64_t hostCaches = executor.cacheBytes(STRATA_MEMORY_HOST);
  if (executor.cacheCount() > 0) {
    text += format("report: %zu KV cache%s appended to in place: %llu bytes of device memory",
                   executor.cacheCount(), executor.cacheCount() == 1 ? "" : "s",
                   static_cast<unsigned long long>(deviceCaches));
    if (hostCaches > 0)
      text += format(" and %llu bytes of pinned host memory",
                     static_cast<unsigned long long>(hostCaches));
    text += " beside the arenas\n";
  }
  text += format("report: %llu fallback allocations by the compiled code in %ld run%s after load\n",
                 static_cast<unsigned long long>(executor.fallbackAllocationsSinceLoad()), runs,
                 runs == 1 ? "" : "s");
  if (const strata_tier_plan *plan = model.tier_plan) {
    // Resident weights are read where the weights file is mapped, which the
    // device's arenas do not count: the plan's figure stands for them.
    uint64_t arenas = 0;
    for (int32_t j = 0; j < model.num_arenas; ++j)
      if (model.arenas[j].space == STRATA_MEMORY_DEVICE)
        arenas += model.arenas[j].bytes;
    uint64_t measured = arenas + plan->resident_bytes + deviceCaches;
    DeviceCounters counters = executor.deviceCounters();
    auto perRun = [&](uint64_t bytes) {
      return runs > 0 ? bytes / static_cast<uint64_t>(runs) : 0;
    };
    // Measured over predicted; where nothing was predicted, whether that held.
    auto ratio = [](uint64_t measured, uint64_t predicted) {
      if (predicted == 0)
        return std::string(measured == 0 ? "none, as predicted" : "none predicted");
      return format("%.3fx", static_cast<double>(measured) / static_cast<double>(predicted));
    };
    text +=
        format("report: tier plan, predicted and measured:\n"
               "report:   device memory %llu bytes predicted, %llu measured (%llu in arenas, "
               "%llu of resident weights",
               static_cast<unsigned long long>(plan->device_bytes),
               static_cast<unsigned long long>(measured), static_cast<unsigned long long>(arenas),
               static_cast<unsigned long long>(plan->resident_bytes));
    if (deviceCaches > 0)
      text += format(", %llu of KV caches", static_cast<unsigned long long>(deviceCaches));
    text += format("; %s)\n", ratio(measured, plan->device_bytes).c_str());
    // Weights at home on the host are read where the weights file is
    // mapped: the plan's figure stands for them, as for resident ones.
    uint64_t pinned = counters.arenaBytes[STRATA_MEMORY_HOST];
    uint64_t hostMeasured = pinned + plan->host_weight_bytes;
    text += format("report:   host memory %llu bytes predicted, %llu measured (%llu of pinned "
                   "memory: the staging slots%s, %llu of them locked in RAM; %llu of weights at "
                   "home on the host; %s)\n",
                   static_cast<unsigned long long>(plan->host_bytes),
                   static_cast<unsigned long long>(hostMeasured),
                   static_cast<unsigned long long>(pinned), hostCaches > 0 ? " and KV caches" : "",
                   static_cast<unsigned long long>(counters.pinnedHostBytes),
                   static_cast<unsigned long long>(plan->host_weight_bytes),
                   ratio(hostMeasured, plan->host_bytes).c_str());
    text += format("report:   copied to the device per run: %llu bytes predicted, %llu measured "
                   "(%s)\n",
                   static_cast<unsigned long long>(plan->h2d_bytes),
                   static_cast<unsigned long long>(perRun(counters.tierCopiedToDevice)),
                   ratio(perRun(counters.tierCopiedToDevice), plan->h2d_bytes).c_str());
    text += format("report:   read from NVMe per run: %llu bytes predicted, %llu measured "
                   "(%s)\n",
                   static_cast<unsigned long long>(plan->nvme_read_bytes),
                   static_cast<unsigned long long>(perRun(counters.tierReadFromNvme)),
                   ratio(perRun(counters.tierReadFromNvme), plan->nvme_read_bytes).c_str());
    if (counters.tierWrittenToNvme > 0)
      text += format("report:   NVMe directory: %llu bytes written (as the first run read them "
                     "from the weights file), %llu read back in %ld run%s\n",
                     static_cast<unsigned long long>(counters.tierWrittenToNvme),
                     static_cast<unsigned long long>(counters.tierReadFromNvmeDirectory), runs,
                     runs == 1 ? "" : "s");
    // Copy time hidden behind compute: what the copies took that the compute
    // did not wait for.
    auto hidden = [](double copy, double stall) {
      return copy > 0 ? std::max(0.0, 1.0 - stall / copy) : 1.0;
    };
    double copyMs = runs > 0 ? counters.tierCopyNs / 1e6 / static_cast<double>(runs) : 0;
    double stallMs = runs > 0 ? counters.tierStallNs / 1e6 / static_cast<double>(runs) : 0;
    text += format("report:   copies per run %.3f ms predicted, %.3f measured; the compute waited "
                   "for them %.3f ms predicted, %.3f measured\n",
                   plan->copy_ns / 1e6, copyMs, plan->stall_ns / 1e6, stallMs);
    text += format("report:   overlap: %.3f of the copy time hidden behind compute predicted, "
                   "%.3f measured\n",
                   hidden(static_cast<double>(plan->copy_ns), static_cast<double>(plan->stall_ns)),
                   hidden(copyMs, stallMs));
    if (times.laterMeanMs > 0)
      text += format("report:   step time %.3f ms predicted, %.3f measured (the mean of the runs "
                     "after the first)\n",
                     plan->step_ns / 1e6, times.laterMeanMs);
    else
      text += format("report:   step time %.3f ms predicted, %.3f measured (the first run)\n",
                     plan->step_ns / 1e6, times.firstMs);
  }
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

std::string trainingMemoryText(const strata_model &model, const strata_weights *weights) {
  const strata_training &t = *model.training;
  auto bytesOf = [&](const char *const *names, int32_t count) {
    uint64_t total = 0;
    for (int32_t i = 0; i < count; ++i) {
      const void *data = nullptr;
      size_t bytes = 0;
      if (strata_status s = strata_weights_find(weights, names[i], &data, &bytes))
        strata_status_free(s);
      total += bytes;
    }
    return total;
  };
  uint64_t parameters = bytesOf(t.parameters, t.num_parameters);
  uint64_t state = bytesOf(t.state, t.num_state);
  uint64_t all = 0;
  for (size_t i = 0; i < strata_weights_count(weights); ++i) {
    const char *name = nullptr;
    const void *data = nullptr;
    size_t bytes = 0;
    if (strata_status s = strata_weights_tensor(weights, i, &name, &data, &bytes))
      strata_status_free(s);
    all += bytes;
  }
  uint64_t arenas = 0;
  for (int32_t j = 0; j < model.num_arenas; ++j)
    arenas += model.arenas[j].bytes;
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  std::string text = format("report: training memory by category:\n"
                            "report:   parameters %llu bytes (%d tensors, in the weights file)\n",
                            u(parameters), t.num_parameters);
  text += format("report:   optimizer state %llu bytes (%d tensors, in the weights file)\n",
                 u(state), t.num_state);
  text += format("report:   other constants %llu bytes (in the weights file)\n",
                 u(all - std::min(all, parameters + state)));
  text += format("report:   activations, gradients and temporaries %llu bytes (the arenas: a "
                 "gradient's buffer reuses an activation's once its last reader has run)\n",
                 u(arenas));
  return text;
}

} // namespace strata

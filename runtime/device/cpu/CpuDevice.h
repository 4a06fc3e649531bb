//===- CpuDevice.h - The CPU as a device ------------------------*- C++ -*-===//
//
// The device of programs compiled for the CPU: arenas in host RAM under a
// budget per memory space, a copy thread per stream, compiled code run on the
// calling thread with matrix products on OpenBLAS's threads (errors it
// raises unwinding to the device's invoke, RunGuard.h), and the fallback heap
// (FallbackHeap.h). Tiering is thereby exercised on machines
// without a GPU the way it runs on one.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_CPUDEVICE_H
#define STRATA_RUNTIME_DEVICE_CPU_CPUDEVICE_H

#include "runtime/device/cpu/HostArena.h"
#include "runtime/device/cpu/TierCopies.h"
#include "runtime/device/cpu/TierStreams.h"

namespace strata::cpu {

/// How a CPU device is set up.
struct CpuDeviceOptions {
  /// Threads for matrix products (at least 1).
  int threads = 1;
  /// The bytes the arenas of each strata_memory_space may hold together.
  uint64_t capacity[STRATA_MEMORY_SPACE_COUNT] = {};
};

/// Sets `bytes` to the machine's physical memory, the default capacity of
/// both memory spaces.
strata_status physicalMemory(uint64_t &bytes);

/// The CPU device. Its fallback-allocation counters count from its creation
/// but share the process-wide heap, and the tier plan's copy streams and NVMe
/// directory are the process's too: one CPU device per process is expected.
class CpuDevice final : public Device {
public:
  explicit CpuDevice(const CpuDeviceOptions &options);
  /// Frees the weights packed for the products (PackedProducts.h).
  ~CpuDevice() override;

  const char *name() const override { return "cpu"; }
  uint64_t capacity(strata_memory_space space) const override;
  strata_status allocateArena(strata_memory_space space, uint64_t bytes, uint64_t alignment,
                              std::unique_ptr<Arena> &out) override;
  strata_status createStream(std::unique_ptr<Stream> &out) override;
  strata_status createEvent(std::unique_ptr<Event> &out) override;
  strata_status copyToArena(Stream &stream, Arena &arena, uint64_t offset, const void *source,
                            uint64_t bytes) override;
  strata_status copyFromArena(Stream &stream, void *target, const Arena &arena, uint64_t offset,
                              uint64_t bytes) override;
  strata_status launchHostFunction(Stream &stream, HostFunction function, void *argument) override;
  strata_status recordEvent(Event &event, Stream &stream) override;
  strata_status streamWaitEvent(Stream &stream, const Event &event) override;
  strata_status queryEvent(const Event &event, bool &complete) override;
  strata_status synchronizeEvent(const Event &event) override;
  strata_status invoke(strata_model_invoke_fn invoke, void **inputs, void *weights, void **arenas,
                       void *results) override;
  void copyHostMemory(void *target, const void *source, uint64_t bytes) override;
  DeviceCounters counters() const override;
  uint64_t releaseFallbackBlocks() override;
  strata_status measureCompute(double &flopsPerSecond, double &memoryBytesPerSecond) override;

  /// Whether this device opened the process's NVMe directory (TierCopies.h),
  /// which it then closes.
  bool nvmeDirectoryOpen = false;

private:
  MemoryBudget budgets[STRATA_MEMORY_SPACE_COUNT];
  int threads;
  /// The fallback heap's allocation count when the device was created.
  uint64_t fallbackBase;
  /// The tier copies' counts and times when the device was created.
  TierCopyCounts tierCopiesBase;
  TierStreamTimes tierTimesBase;
};

} // namespace strata::cpu

extern "C" {

/// The strata_device_factory_fn of programs compiled for the CPU: a CPU
/// device with `options->threads` threads for matrix products and the
/// machine's physical memory as the capacity of both memory spaces.
strata_status strata_cpu_device_create(const strata_device_options *options,
                                       strata_device *out) noexcept;

} // extern "C"

#endif // STRATA_RUNTIME_DEVICE_CPU_CPUDEVICE_H

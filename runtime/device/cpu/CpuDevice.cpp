//===- CpuDevice.cpp - The CPU as a device --------------------------------===//
//
// Copies are bounds-checked when they are queued, so the copy thread never
// fails: every error is returned by the call that asked for the work.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/CpuDevice.h"
#include "runtime/core/Status.h"
#include "runtime/device/cpu/Bf16Products.h"
#include "runtime/device/cpu/ComputeRates.h"
#include "runtime/device/cpu/CopyStream.h"
#include "runtime/device/cpu/CpuEvent.h"
#include "runtime/device/cpu/FallbackHeap.h"
#include "runtime/device/cpu/PackedProducts.h"
#include "runtime/device/cpu/RunGuard.h"
#include "runtime/device/cpu/SharedCopy.h"
#include "runtime/device/cpu/Team.h"

#include <cblas.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <unistd.h>

using strata::runtime::makeError;

namespace strata::cpu {
namespace {

bool isMemorySpace(strata_memory_space space) {
  return space == STRATA_MEMORY_DEVICE || space == STRATA_MEMORY_HOST;
}

/// Checks that [offset, offset + bytes) lies inside `arena` and that the
/// host side is given.
strata_status checkCopy(const char *what, const Arena &arena, uint64_t offset, const void *host,
                        uint64_t bytes) {
  if (!host && bytes > 0)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "%s of %llu bytes: the host pointer is NULL",
                     what, static_cast<unsigned long long>(bytes));
  // Written so that offset + bytes cannot wrap around.
  if (offset > arena.bytes() || bytes > arena.bytes() - offset)
    return makeError(
        STRATA_ERROR_OUT_OF_RANGE,
        "%s of %llu bytes at offset %llu lies outside the %llu-byte arena in %s", what,
        static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(offset),
        static_cast<unsigned long long>(arena.bytes()), memorySpaceName(arena.space()));
  return nullptr;
}

} // namespace

strata_status physicalMemory(uint64_t &bytes) {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return makeError(STRATA_ERROR_UNSUPPORTED, "cannot read the size of the machine's memory: %s",
                     std::strerror(errno));
  bytes = static_cast<uint64_t>(pages) * static_cast<uint64_t>(pageSize);
  return nullptr;
}

CpuDevice::CpuDevice(const CpuDeviceOptions &options)
    : budgets{MemoryBudget(options.capacity[STRATA_MEMORY_DEVICE]),
              MemoryBudget(options.capacity[STRATA_MEMORY_HOST])},
      threads(options.threads), fallbackBase(FallbackHeap::instance().allocations()),
      tierCopiesBase(tierCopyCounts()), tierTimesBase(tierStreamTimes()) {
  // oneDNN's OpenMP threads spin between products: OpenBLAS threads too
  // would oversubscribe the cores (docs/design.md, "Weights packed once").
  openblas_set_num_threads(1);
  setTeamSize(options.threads);
}

CpuDevice::~CpuDevice() {
  releasePackedProducts();
  releaseBf16Products();
  if (nvmeDirectoryOpen)
    closeNvmeDirectory();
}

uint64_t CpuDevice::capacity(strata_memory_space space) const {
  return isMemorySpace(space) ? budgets[space].capacity() : 0;
}

strata_status CpuDevice::allocateArena(strata_memory_space space, uint64_t bytes,
                                       uint64_t alignment, std::unique_ptr<Arena> &out) {
  if (!isMemorySpace(space))
    return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                     "cannot allocate an arena in memory space %d: the cpu device has none "
                     "of that number",
                     static_cast<int>(space));
  return HostArena::create(budgets[space], space, bytes, alignment, out);
}

strata_status CpuDevice::createStream(std::unique_ptr<Stream> &out) {
  std::unique_ptr<CopyStream> stream;
  if (strata_status s = CopyStream::create(stream))
    return s;
  out = std::move(stream);
  return nullptr;
}

strata_status CpuDevice::createEvent(std::unique_ptr<Event> &out) {
  out.reset(new (std::nothrow) CpuEvent);
  if (!out)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY, "cannot create an event of the cpu device");
  return nullptr;
}

strata_status CpuDevice::copyToArena(Stream &stream, Arena &arena, uint64_t offset,
                                     const void *source, uint64_t bytes) {
  if (strata_status s = checkCopy("a copy to an arena", arena, offset, source, bytes))
    return s;
  char *target = static_cast<char *>(arena.data()) + offset;
  static_cast<CopyStream &>(stream).enqueue([=] {
    if (bytes > 0)
      std::memcpy(target, source, bytes);
  });
  return nullptr;
}

strata_status CpuDevice::copyFromArena(Stream &stream, void *target, const Arena &arena,
                                       uint64_t offset, uint64_t bytes) {
  if (strata_status s = checkCopy("a copy from an arena", arena, offset, target, bytes))
    return s;
  const char *source = static_cast<const char *>(arena.data()) + offset;
  static_cast<CopyStream &>(stream).enqueue([=] {
    if (bytes > 0)
      std::memcpy(target, source, bytes);
  });
  return nullptr;
}

strata_status CpuDevice::launchHostFunction(Stream &stream, HostFunction function, void *argument) {
  if (!function)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "launchHostFunction: the function is NULL");
  static_cast<CopyStream &>(stream).enqueue([=] { function(argument); });
  return nullptr;
}

strata_status CpuDevice::recordEvent(Event &event, Stream &stream) {
  std::shared_ptr<EventMark> mark = static_cast<CpuEvent &>(event).record();
  static_cast<CopyStream &>(stream).enqueue([mark] { mark->complete(); });
  return nullptr;
}

strata_status CpuDevice::streamWaitEvent(Stream &stream, const Event &event) {
  // An event never recorded is complete: nothing to wait for.
  if (std::shared_ptr<EventMark> mark = static_cast<const CpuEvent &>(event).latest())
    static_cast<CopyStream &>(stream).enqueue([mark] { mark->wait(); });
  return nullptr;
}

strata_status CpuDevice::queryEvent(const Event &event, bool &complete) {
  std::shared_ptr<EventMark> mark = static_cast<const CpuEvent &>(event).latest();
  complete = !mark || mark->isComplete();
  return nullptr;
}

strata_status CpuDevice::synchronizeEvent(const Event &event) {
  if (std::shared_ptr<EventMark> mark = static_cast<const CpuEvent &>(event).latest())
    mark->wait();
  return nullptr;
}

strata_status CpuDevice::invoke(strata_model_invoke_fn invoke, void **inputs, void *weights,
                                void **arenas, void *results) {
  if (!invoke)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "invoke: the compiled function is NULL");
  strata_status status = guardedInvoke(invoke, inputs, weights, arenas, results);
  // Copies the run queued and did not wait for (it failed first) must not
  // outlive it: the executor may free their buffers next.
  strata_status drained = drainTierStreams();
  if (status) {
    strata_status_free(drained);
    return status;
  }
  return drained;
}

DeviceCounters CpuDevice::counters() const {
  DeviceCounters counters;
  for (int space = 0; space < STRATA_MEMORY_SPACE_COUNT; ++space)
    counters.arenaBytes[space] = budgets[space].used();
  counters.pinnedHostBytes = HostArena::pinnedBytes();
  const FallbackHeap &heap = FallbackHeap::instance();
  counters.fallbackAllocations = heap.allocations() - fallbackBase;
  counters.liveFallbackBlocks = heap.liveBlocks();
  TierCopyCounts copies = tierCopyCounts();
  counters.tierCopiedToDevice = copies.copiedToDevice - tierCopiesBase.copiedToDevice;
  counters.tierReadFromNvme = copies.readFromNvme - tierCopiesBase.readFromNvme;
  counters.tierWrittenToNvme = copies.writtenToNvme - tierCopiesBase.writtenToNvme;
  counters.tierReadFromNvmeDirectory =
      copies.readFromNvmeDirectory - tierCopiesBase.readFromNvmeDirectory;
  TierStreamTimes times = tierStreamTimes();
  counters.tierCopyNs = times.copyNs - tierTimesBase.copyNs;
  counters.tierStallNs = times.stallNs - tierTimesBase.stallNs;
  return counters;
}

void CpuDevice::copyHostMemory(void *target, const void *source, uint64_t bytes) {
  copyShared(target, source, bytes);
}

uint64_t CpuDevice::releaseFallbackBlocks() { return FallbackHeap::instance().releaseAll(); }

strata_status CpuDevice::measureCompute(double &flopsPerSecond, double &memoryBytesPerSecond) {
  return measureComputeRates(threads, flopsPerSecond, memoryBytesPerSecond);
}

} // namespace strata::cpu

strata_status strata_cpu_device_create(const strata_device_options *options,
                                       strata_device *out) noexcept {
  if (!options || !out)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_cpu_device_create: NULL argument");
  if (options->threads < 1)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                     "the cpu device needs at least 1 thread, not %d", options->threads);
  strata::cpu::CpuDeviceOptions cpu;
  cpu.threads = options->threads;
  uint64_t memory = 0;
  if (strata_status s = strata::cpu::physicalMemory(memory))
    return s;
  for (uint64_t &capacity : cpu.capacity)
    capacity = memory;
  if (options->device_memory > 0)
    cpu.capacity[STRATA_MEMORY_DEVICE] = options->device_memory;
  auto *device = new (std::nothrow) strata::cpu::CpuDevice(cpu);
  if (!device)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY, "cannot create the cpu device");
  out->device.reset(device);
  if (options->nvme_directory) {
    if (strata_status s =
            strata::cpu::openNvmeDirectory(options->nvme_directory, options->nvme_bytes)) {
      out->device.reset();
      return s;
    }
    device->nvmeDirectoryOpen = true;
  }
  return nullptr;
}

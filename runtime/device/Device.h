//===- Device.h - What the runtime needs of a device ------------*- C++ -*-===//
//
// The interface between the device-independent runtime (runtime/core) and a
// device (runtime/device/<target>): arenas in the device's memory spaces,
// asynchronous copies between host memory and arenas on streams, events that
// order streams and tell the host when work is done, running compiled code,
// and the counters the executor reports. Every device passes the conformance
// suite in test/runtime/device.
//
// Handles (arenas, streams, events) are RAII objects a device creates; each
// must be used with the device that created it and must not outlive it.
// Calls report failure as a strata_status the caller owns, NULL on success.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_DEVICE_H
#define STRATA_RUNTIME_DEVICE_DEVICE_H

#include "strata/model.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace strata {

/// "device memory" or "host memory", for messages.
inline const char *memorySpaceName(strata_memory_space space) {
  switch (space) {
  case STRATA_MEMORY_DEVICE:
    return "device memory";
  case STRATA_MEMORY_HOST:
    return "host memory";
  }
  return "an unknown memory space";
}

/// A block of device memory in one memory space. Destroying it frees it.
class Arena {
public:
  virtual ~Arena() = default;
  Arena(const Arena &) = delete;
  Arena &operator=(const Arena &) = delete;

  /// The base address, in the address space the device's compiled code and
  /// copies use; aligned as requested. Null for an empty arena.
  void *data() const { return base; }
  uint64_t bytes() const { return size; }
  strata_memory_space space() const { return memorySpace; }

protected:
  Arena(void *base, uint64_t size, strata_memory_space memorySpace)
      : base(base), size(size), memorySpace(memorySpace) {}

private:
  void *base;
  uint64_t size;
  strata_memory_space memorySpace;
};

/// An ordered queue of asynchronous work: work on one stream runs in the
/// order it was queued; work on different streams is ordered only by events.
/// Destroying a stream waits for the work queued on it.
class Stream {
public:
  virtual ~Stream() = default;
  Stream(const Stream &) = delete;
  Stream &operator=(const Stream &) = delete;

protected:
  Stream() = default;
};

/// A point in a stream's work: complete once the work queued on the stream
/// before the last recordEvent has run. An event never recorded is complete.
class Event {
public:
  virtual ~Event() = default;
  Event(const Event &) = delete;
  Event &operator=(const Event &) = delete;

protected:
  Event() = default;
};

/// What a device has done, for reports.
struct DeviceCounters {
  /// Bytes of the arenas currently allocated, per strata_memory_space.
  uint64_t arenaBytes[STRATA_MEMORY_SPACE_COUNT] = {};
  /// Of the host-memory arenas' bytes, those pinned (page-locked).
  uint64_t pinnedHostBytes = 0;
  /// Blocks the compiled code has allocated through the fallback allocator
  /// (buffers without a compile-time size bound) since the device was created.
  uint64_t fallbackAllocations = 0;
  /// Of those, the blocks not yet freed.
  uint64_t liveFallbackBlocks = 0;
  /// Bytes the compiled code's tier copies (docs/tiers.md) have moved into
  /// device memory, and read from NVMe, since the device was created.
  uint64_t tierCopiedToDevice = 0;
  uint64_t tierReadFromNvme = 0;
  /// Bytes the NVMe tier has written to its file in the NVMe directory, and
  /// read back from it (of tierReadFromNvme).
  uint64_t tierWrittenToNvme = 0;
  uint64_t tierReadFromNvmeDirectory = 0;
  /// Nanoseconds during which at least one tier copy ran, and during which
  /// the compiled code waited for one, since the device was created.
  uint64_t tierCopyNs = 0;
  uint64_t tierStallNs = 0;
};

/// A host function run on a stream (see Device::launchHostFunction).
using HostFunction = void (*)(void *argument);

/// A device the runtime runs compiled code on.
class Device {
public:
  virtual ~Device() = default;
  Device(const Device &) = delete;
  Device &operator=(const Device &) = delete;

  /// A short name for messages: the name of the target it runs.
  virtual const char *name() const = 0;

  /// The most bytes the arenas of `space` may hold together.
  virtual uint64_t capacity(strata_memory_space space) const = 0;

  /// Allocates an arena of `bytes` bytes in `space` whose base is aligned to
  /// `alignment` (a power of two); its contents are undefined. Host-memory
  /// arenas are pinned where the system allows, and the compiled code may
  /// read and write them in place (a KV cache the tier plan put in host
  /// memory): on a GPU, host memory mapped into the device's address space.
  /// Fails with
  /// STRATA_ERROR_INVALID_ARGUMENT for a bad space or alignment, and with
  /// STRATA_ERROR_OUT_OF_MEMORY when the space's capacity or its memory
  /// cannot hold it.
  [[nodiscard]] virtual strata_status allocateArena(strata_memory_space space, uint64_t bytes,
                                                    uint64_t alignment,
                                                    std::unique_ptr<Arena> &out) = 0;

  /// Creates a stream.
  [[nodiscard]] virtual strata_status createStream(std::unique_ptr<Stream> &out) = 0;

  /// Creates an event (complete until it is first recorded).
  [[nodiscard]] virtual strata_status createEvent(std::unique_ptr<Event> &out) = 0;

  /// Queues on `stream` a copy of `bytes` bytes from host memory at `source`
  /// to `arena` at `offset`. The source must stay valid and unchanged until
  /// the copy has run. Fails with STRATA_ERROR_OUT_OF_RANGE when the bytes do
  /// not lie inside the arena, queuing nothing.
  [[nodiscard]] virtual strata_status copyToArena(Stream &stream, Arena &arena, uint64_t offset,
                                                  const void *source, uint64_t bytes) = 0;

  /// Queues on `stream` a copy of `bytes` bytes of `arena` at `offset` to
  /// host memory at `target`, which must stay valid until the copy has run.
  /// Fails like copyToArena.
  [[nodiscard]] virtual strata_status copyFromArena(Stream &stream, void *target,
                                                    const Arena &arena, uint64_t offset,
                                                    uint64_t bytes) = 0;

  /// Queues on `stream` a call of `function(argument)` on a host thread,
  /// once the work queued before it has run; work queued after it waits for
  /// it to return. It must not call into the device.
  [[nodiscard]] virtual strata_status launchHostFunction(Stream &stream, HostFunction function,
                                                         void *argument) = 0;

  /// Makes `event` complete once the work queued on `stream` so far has run.
  [[nodiscard]] virtual strata_status recordEvent(Event &event, Stream &stream) = 0;

  /// Makes the work queued on `stream` from now on wait until `event`, as
  /// last recorded, is complete.
  [[nodiscard]] virtual strata_status streamWaitEvent(Stream &stream, const Event &event) = 0;

  /// Sets `complete` to whether `event` is complete, without waiting.
  [[nodiscard]] virtual strata_status queryEvent(const Event &event, bool &complete) = 0;

  /// Blocks the calling thread until `event` is complete.
  [[nodiscard]] virtual strata_status synchronizeEvent(const Event &event) = 0;

  /// Runs compiled code: `invoke` with the descriptors of the model contract
  /// (include/strata/model.h), on the calling thread, until it returns or
  /// raises an error: a failed run-time check of the compiled code (an index
  /// out of range, a buffer outgrowing its slot; STRATA_ERROR_OUT_OF_RANGE,
  /// the message naming the ONNX node) or an allocation it cannot make
  /// (STRATA_ERROR_OUT_OF_MEMORY). Blocks the compiled code allocated stay
  /// live either way (see releaseFallbackBlocks).
  [[nodiscard]] virtual strata_status invoke(strata_model_invoke_fn invoke, void **inputs,
                                             void *weights, void **arenas, void *results) = 0;

  /// Copies `bytes` bytes of host memory from `source` to `target` (which do
  /// not overlap): an output the compiled code left in a host arena, copied
  /// out to the tensor the caller keeps. A device with threads shares a large
  /// copy among them; this one copies on the calling thread.
  virtual void copyHostMemory(void *target, const void *source, uint64_t bytes) {
    std::memcpy(target, source, bytes);
  }

  /// The device's counters now.
  virtual DeviceCounters counters() const = 0;

  /// Measures the device's f32 arithmetic rate (flops per second, on a large
  /// matrix product) and memory bandwidth (bytes read and written per second,
  /// on a large copy), for the tier planner's roofline (`--probe`).
  [[nodiscard]] virtual strata_status measureCompute(double &flopsPerSecond,
                                                     double &memoryBytesPerSecond) = 0;

  /// Frees every block the compiled code allocated through the fallback
  /// allocator and has not freed (blocks it returned as outputs, once they
  /// are copied out); returns how many.
  virtual uint64_t releaseFallbackBlocks() = 0;

protected:
  Device() = default;
};

} // namespace strata

/// The handle a device factory (include/strata/model.h) fills in: it owns
/// the device it created.
struct strata_device {
  std::unique_ptr<strata::Device> device;
};

#endif // STRATA_RUNTIME_DEVICE_DEVICE_H

//===- DeviceConformance.cpp - The suite every device passes --------------===//
//
// What the executor and the tier plan rely on, checked on each device: arenas
// (alignment, sizes, capacity, counters), copies between host memory and
// arenas that run asynchronously on their stream and in its order, events
// that order streams (with the recording a wait refers to fixed when the wait
// is queued), refusals of bad requests before anything is queued, running
// compiled code, and the fallback allocator's counting and release. Nothing
// here depends on timing: work is held back with a Gate where a test needs
// it to be still pending.
//
//===----------------------------------------------------------------------===//

#include "test/runtime/device/DeviceConformance.h"
#include "test/runtime/TestSupport.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <thread>

extern "C" {
// The fallback allocator every device defines for compiled code.
void *_mlir_memref_to_llvm_alloc(size_t size);
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size);
void _mlir_memref_to_llvm_free(void *pointer);
}

namespace strata::test {

std::string deviceTestName(const ::testing::TestParamInfo<DeviceUnderTest> &info) {
  return info.param.name;
}

void PrintTo(const DeviceUnderTest &device, std::ostream *os) { *os << device.name; }

void Gate::hold(void *self) {
  Gate &gate = *static_cast<Gate *>(self);
  std::unique_lock<std::mutex> lock(gate.mutex);
  gate.opened.wait(lock, [&] { return gate.isOpen; });
}

void Gate::open() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    isOpen = true;
  }
  opened.notify_all();
}

void DeviceConformance::SetUp() {
  device = GetParam().create(kCapacity);
  ASSERT_NE(device, nullptr);
}

void DeviceConformance::TearDown() {
  gate.open();
  streams.clear();
  events.clear();
  arenas.clear();
  device.reset();
}

Stream &DeviceConformance::newStream() {
  std::unique_ptr<Stream> stream;
  StatusPtr status(device->createStream(stream));
  EXPECT_EQ(status, nullptr) << strata_status_message(status.get());
  streams.push_back(std::move(stream));
  return *streams.back();
}

Event &DeviceConformance::newEvent() {
  std::unique_ptr<Event> event;
  StatusPtr status(device->createEvent(event));
  EXPECT_EQ(status, nullptr) << strata_status_message(status.get());
  events.push_back(std::move(event));
  return *events.back();
}

Arena &DeviceConformance::newArena(strata_memory_space space, uint64_t bytes, uint64_t alignment) {
  std::unique_ptr<Arena> arena;
  StatusPtr status(device->allocateArena(space, bytes, alignment, arena));
  EXPECT_EQ(status, nullptr) << strata_status_message(status.get());
  arenas.push_back(std::move(arena));
  return *arenas.back();
}

std::vector<unsigned char> &DeviceConformance::newHostBuffer(size_t bytes) {
  hostBuffers.emplace_back(bytes, 0);
  return hostBuffers.back();
}

namespace {

const strata_memory_space kSpaces[] = {STRATA_MEMORY_DEVICE, STRATA_MEMORY_HOST};

/// Fills `buffer` with a pattern that differs per `seed` and per byte.
void fill(std::vector<unsigned char> &buffer, unsigned seed) {
  for (size_t i = 0; i < buffer.size(); ++i)
    buffer[i] = static_cast<unsigned char>((i * 131 + seed * 17 + (i >> 8)) & 0xff);
}

bool isComplete(Device &device, const Event &event) {
  bool complete = false;
  StatusPtr status(device.queryEvent(event, complete));
  EXPECT_EQ(status, nullptr) << strata_status_message(status.get());
  return complete;
}

bool allZero(const std::vector<unsigned char> &buffer) {
  for (unsigned char c : buffer)
    if (c != 0)
      return false;
  return true;
}

TEST_P(DeviceConformance, ArenasAreAlignedSizedAndCounted) {
  for (strata_memory_space space : kSpaces) {
    uint64_t before = device->counters().arenaBytes[space];
    for (uint64_t alignment : {1ull, 8ull, 64ull, 4096ull, 65536ull}) {
      std::unique_ptr<Arena> arena;
      ASSERT_STRATA_OK(device->allocateArena(space, 1000, alignment, arena));
      EXPECT_EQ(reinterpret_cast<uintptr_t>(arena->data()) % alignment, 0u) << alignment;
      EXPECT_EQ(arena->bytes(), 1000u);
      EXPECT_EQ(arena->space(), space);
      EXPECT_EQ(device->counters().arenaBytes[space], before + 1000);
      arena.reset();
      EXPECT_EQ(device->counters().arenaBytes[space], before);
    }
  }
}

TEST_P(DeviceConformance, CapacityIsWhatTheDeviceWasGiven) {
  for (strata_memory_space space : kSpaces)
    EXPECT_EQ(device->capacity(space), kCapacity);
}

TEST_P(DeviceConformance, BadAlignmentIsRefused) {
  for (uint64_t alignment : {0ull, 3ull, 48ull, 4097ull}) {
    std::unique_ptr<Arena> arena;
    EXPECT_TRUE(isError(device->allocateArena(STRATA_MEMORY_DEVICE, 64, alignment, arena),
                        STRATA_ERROR_INVALID_ARGUMENT,
                        {"alignment " + std::to_string(alignment), "power of two"}));
    EXPECT_EQ(arena, nullptr);
  }
  EXPECT_EQ(device->counters().arenaBytes[STRATA_MEMORY_DEVICE], 0u);
}

TEST_P(DeviceConformance, UnknownMemorySpaceIsRefused) {
  std::unique_ptr<Arena> arena;
  EXPECT_TRUE(isError(device->allocateArena(static_cast<strata_memory_space>(7), 64, 64, arena),
                      STRATA_ERROR_INVALID_ARGUMENT, {"memory space 7"}));
  EXPECT_EQ(arena, nullptr);
}

TEST_P(DeviceConformance, OversubscriptionIsRefused) {
  std::unique_ptr<Arena> whole, half, other, more;
  EXPECT_TRUE(isError(device->allocateArena(STRATA_MEMORY_DEVICE, kCapacity + 1, 64, whole),
                      STRATA_ERROR_OUT_OF_MEMORY,
                      {std::to_string(kCapacity + 1) + "-byte arena", "device memory"}));
  EXPECT_TRUE(isError(
      device->allocateArena(STRATA_MEMORY_DEVICE, std::numeric_limits<uint64_t>::max(), 64, whole),
      STRATA_ERROR_OUT_OF_MEMORY, {"arena"}));
  EXPECT_EQ(whole, nullptr);
  ASSERT_STRATA_OK(device->allocateArena(STRATA_MEMORY_DEVICE, kCapacity / 2, 64, half));
  ASSERT_STRATA_OK(device->allocateArena(STRATA_MEMORY_DEVICE, kCapacity / 2, 64, other));
  EXPECT_TRUE(isError(
      device->allocateArena(STRATA_MEMORY_DEVICE, 1, 64, more), STRATA_ERROR_OUT_OF_MEMORY,
      {std::to_string(kCapacity) + " of its " + std::to_string(kCapacity) + " bytes are in use"}));
  // Each memory space has a capacity of its own.
  std::unique_ptr<Arena> host;
  ASSERT_STRATA_OK(device->allocateArena(STRATA_MEMORY_HOST, kCapacity, 64, host));
  half.reset();
  ASSERT_STRATA_OK(device->allocateArena(STRATA_MEMORY_DEVICE, kCapacity / 2, 64, more));
  EXPECT_EQ(device->counters().arenaBytes[STRATA_MEMORY_DEVICE], kCapacity);
  EXPECT_EQ(device->counters().arenaBytes[STRATA_MEMORY_HOST], kCapacity);
}

TEST_P(DeviceConformance, AnEmptyArenaTakesOnlyEmptyCopies) {
  Arena &arena = newArena(STRATA_MEMORY_DEVICE, 0);
  Stream &stream = newStream();
  Event &event = newEvent();
  std::vector<unsigned char> &host = newHostBuffer(1);
  EXPECT_EQ(arena.bytes(), 0u);
  ASSERT_STRATA_OK(device->copyToArena(stream, arena, 0, host.data(), 0));
  EXPECT_TRUE(isError(device->copyToArena(stream, arena, 0, host.data(), 1),
                      STRATA_ERROR_OUT_OF_RANGE, {"0-byte arena"}));
  ASSERT_STRATA_OK(device->recordEvent(event, stream));
  ASSERT_STRATA_OK(device->synchronizeEvent(event));
}

TEST_P(DeviceConformance, CopiesRoundTripThroughArenasOfEachSpace) {
  for (strata_memory_space space : kSpaces) {
    const size_t bytes = 1 << 20;
    Arena &arena = newArena(space, bytes + 4096);
    Stream &stream = newStream();
    Event &event = newEvent();
    std::vector<unsigned char> &source = newHostBuffer(bytes);
    std::vector<unsigned char> &target = newHostBuffer(bytes);
    fill(source, space);
    ASSERT_STRATA_OK(device->copyToArena(stream, arena, 4096, source.data(), bytes));
    ASSERT_STRATA_OK(device->copyFromArena(stream, target.data(), arena, 4096, bytes));
    ASSERT_STRATA_OK(device->recordEvent(event, stream));
    ASSERT_STRATA_OK(device->synchronizeEvent(event));
    EXPECT_TRUE(isComplete(*device, event));
    EXPECT_EQ(target, source) << memorySpaceName(space);
  }
}

TEST_P(DeviceConformance, CopiesRunOnTheirStreamNotOnTheCaller) {
  const size_t bytes = 64 << 10;
  Arena &arena = newArena(STRATA_MEMORY_DEVICE, bytes);
  Stream &stream = newStream();
  Event &event = newEvent();
  std::vector<unsigned char> &source = newHostBuffer(bytes);
  std::vector<unsigned char> &target = newHostBuffer(bytes);
  fill(source, 1);
  ASSERT_STRATA_OK(device->launchHostFunction(stream, &Gate::hold, &gate));
  ASSERT_STRATA_OK(device->copyToArena(stream, arena, 0, source.data(), bytes));
  ASSERT_STRATA_OK(device->copyFromArena(stream, target.data(), arena, 0, bytes));
  ASSERT_STRATA_OK(device->recordEvent(event, stream));
  // Every call returned, yet nothing has run: the stream is held.
  EXPECT_FALSE(isComplete(*device, event));
  EXPECT_TRUE(allZero(target));
  gate.open();
  ASSERT_STRATA_OK(device->synchronizeEvent(event));
  EXPECT_TRUE(isComplete(*device, event));
  EXPECT_EQ(target, source);
}

TEST_P(DeviceConformance, AnEventOrdersTwoStreams) {
  const size_t bytes = 256 << 10;
  Arena &arena = newArena(STRATA_MEMORY_DEVICE, bytes);
  Stream &producer = newStream();
  Stream &consumer = newStream();
  Event &copiedIn = newEvent();
  Event &copiedOut = newEvent();
  std::vector<unsigned char> &source = newHostBuffer(bytes);
  std::vector<unsigned char> &target = newHostBuffer(bytes);
  fill(source, 2);
  ASSERT_STRATA_OK(device->launchHostFunction(producer, &Gate::hold, &gate));
  ASSERT_STRATA_OK(device->copyToArena(producer, arena, 0, source.data(), bytes));
  ASSERT_STRATA_OK(device->recordEvent(copiedIn, producer));
  ASSERT_STRATA_OK(device->streamWaitEvent(consumer, copiedIn));
  ASSERT_STRATA_OK(device->copyFromArena(consumer, target.data(), arena, 0, bytes));
  ASSERT_STRATA_OK(device->recordEvent(copiedOut, consumer));
  EXPECT_FALSE(isComplete(*device, copiedIn));
  EXPECT_FALSE(isComplete(*device, copiedOut));
  EXPECT_TRUE(allZero(target));
  gate.open();
  ASSERT_STRATA_OK(device->synchronizeEvent(copiedOut));
  EXPECT_TRUE(isComplete(*device, copiedIn));
  EXPECT_EQ(target, source);
}

TEST_P(DeviceConformance, AWaitIsOnTheRecordingQueuedBeforeIt) {
  Stream &held = newStream();
  Stream &waiting = newStream();
  Stream &free = newStream();
  Event &event = newEvent();
  Event &waited = newEvent();
  ASSERT_STRATA_OK(device->launchHostFunction(held, &Gate::hold, &gate));
  ASSERT_STRATA_OK(device->recordEvent(event, held));
  ASSERT_STRATA_OK(device->streamWaitEvent(waiting, event));
  ASSERT_STRATA_OK(device->recordEvent(waited, waiting));
  // A later recording on a stream that runs at once completes the event...
  ASSERT_STRATA_OK(device->recordEvent(event, free));
  ASSERT_STRATA_OK(device->synchronizeEvent(event));
  EXPECT_TRUE(isComplete(*device, event));
  // ...but the wait queued before it still waits for the held recording.
  EXPECT_FALSE(isComplete(*device, waited));
  gate.open();
  ASSERT_STRATA_OK(device->synchronizeEvent(waited));
}

TEST_P(DeviceConformance, AnEventNeverRecordedIsComplete) {
  Stream &stream = newStream();
  Event &never = newEvent();
  Event &after = newEvent();
  EXPECT_TRUE(isComplete(*device, never));
  ASSERT_STRATA_OK(device->synchronizeEvent(never));
  ASSERT_STRATA_OK(device->streamWaitEvent(stream, never));
  ASSERT_STRATA_OK(device->recordEvent(after, stream));
  ASSERT_STRATA_OK(device->synchronizeEvent(after));
}

/// One step of WorkOnAStreamRunsInOrder: appends `value` to `log`.
struct LogStep {
  std::vector<int> *log;
  int value;
};

void appendToLog(void *step) {
  auto *s = static_cast<LogStep *>(step);
  s->log->push_back(s->value);
}

TEST_P(DeviceConformance, WorkOnAStreamRunsInOrder) {
  const int steps = 32;
  Arena &arena = newArena(STRATA_MEMORY_DEVICE, 4096);
  Stream &stream = newStream();
  Event &event = newEvent();
  std::vector<int> log;
  std::vector<LogStep> logSteps(steps);
  std::vector<unsigned char> &values = newHostBuffer(steps * 4096);
  std::vector<unsigned char> &target = newHostBuffer(4096);
  fill(values, 3);
  // Each step overwrites the whole arena, so only the last copy's bytes may
  // remain, and logs its number.
  for (int i = 0; i < steps; ++i) {
    logSteps[i] = {&log, i};
    ASSERT_STRATA_OK(device->copyToArena(stream, arena, 0, values.data() + i * 4096, 4096));
    ASSERT_STRATA_OK(device->launchHostFunction(stream, &appendToLog, &logSteps[i]));
  }
  ASSERT_STRATA_OK(device->copyFromArena(stream, target.data(), arena, 0, 4096));
  ASSERT_STRATA_OK(device->recordEvent(event, stream));
  ASSERT_STRATA_OK(device->synchronizeEvent(event));
  std::vector<int> expected;
  for (int i = 0; i < steps; ++i)
    expected.push_back(i);
  EXPECT_EQ(log, expected);
  EXPECT_EQ(0, std::memcmp(target.data(), values.data() + (steps - 1) * 4096, 4096));
}

TEST_P(DeviceConformance, SeveralStreamsFillOneArena) {
  const int count = 4;
  const size_t part = 128 << 10;
  Arena &arena = newArena(STRATA_MEMORY_DEVICE, count * part);
  std::vector<unsigned char> &source = newHostBuffer(count * part);
  std::vector<unsigned char> &target = newHostBuffer(count * part);
  fill(source, 4);
  Stream &gather = newStream();
  Event &gathered = newEvent();
  for (int i = 0; i < count; ++i) {
    Stream &stream = newStream();
    Event &event = newEvent();
    ASSERT_STRATA_OK(device->copyToArena(stream, arena, i * part, source.data() + i * part, part));
    ASSERT_STRATA_OK(device->recordEvent(event, stream));
    ASSERT_STRATA_OK(device->streamWaitEvent(gather, event));
  }
  ASSERT_STRATA_OK(device->copyFromArena(gather, target.data(), arena, 0, count * part));
  ASSERT_STRATA_OK(device->recordEvent(gathered, gather));
  ASSERT_STRATA_OK(device->synchronizeEvent(gathered));
  EXPECT_EQ(target, source);
}

TEST_P(DeviceConformance, CopiesOutsideAnArenaAreRefusedAndQueueNothing) {
  Arena &arena = newArena(STRATA_MEMORY_DEVICE, 4096);
  Stream &stream = newStream();
  Event &event = newEvent();
  std::vector<unsigned char> &zeros = newHostBuffer(4096);
  std::vector<unsigned char> &ones = newHostBuffer(8192);
  std::vector<unsigned char> &target = newHostBuffer(4096);
  std::fill(ones.begin(), ones.end(), 0xff);
  ASSERT_STRATA_OK(device->copyToArena(stream, arena, 0, zeros.data(), 4096));
  const uint64_t huge = std::numeric_limits<uint64_t>::max();
  EXPECT_TRUE(isError(device->copyToArena(stream, arena, 4096, ones.data(), 1),
                      STRATA_ERROR_OUT_OF_RANGE,
                      {"1 bytes at offset 4096", "outside the 4096-byte arena"}));
  EXPECT_TRUE(isError(device->copyToArena(stream, arena, 0, ones.data(), 4097),
                      STRATA_ERROR_OUT_OF_RANGE, {"4097 bytes at offset 0"}));
  EXPECT_TRUE(isError(device->copyToArena(stream, arena, huge, ones.data(), 2),
                      STRATA_ERROR_OUT_OF_RANGE, {"outside"}));
  EXPECT_TRUE(isError(device->copyToArena(stream, arena, 2, ones.data(), huge),
                      STRATA_ERROR_OUT_OF_RANGE, {"outside"}));
  EXPECT_TRUE(isError(device->copyFromArena(stream, ones.data(), arena, 4000, 100),
                      STRATA_ERROR_OUT_OF_RANGE, {"100 bytes at offset 4000"}));
  EXPECT_TRUE(isError(device->copyToArena(stream, arena, 0, nullptr, 16),
                      STRATA_ERROR_INVALID_ARGUMENT, {"NULL"}));
  EXPECT_TRUE(isError(device->copyFromArena(stream, nullptr, arena, 0, 16),
                      STRATA_ERROR_INVALID_ARGUMENT, {"NULL"}));
  // The last byte is inside.
  ASSERT_STRATA_OK(device->copyToArena(stream, arena, 4095, ones.data(), 1));
  ASSERT_STRATA_OK(device->copyFromArena(stream, target.data(), arena, 0, 4096));
  ASSERT_STRATA_OK(device->recordEvent(event, stream));
  ASSERT_STRATA_OK(device->synchronizeEvent(event));
  std::vector<unsigned char> expected(4096, 0);
  expected[4095] = 0xff;
  EXPECT_EQ(target, expected);
  EXPECT_EQ(ones[0], 0xff);
}

TEST_P(DeviceConformance, DestroyingAStreamFinishesItsWork) {
  const size_t bytes = 1 << 20;
  Arena &arena = newArena(STRATA_MEMORY_DEVICE, bytes);
  std::vector<unsigned char> &source = newHostBuffer(bytes);
  std::vector<unsigned char> &target = newHostBuffer(bytes);
  fill(source, 5);
  std::unique_ptr<Stream> stream;
  ASSERT_STRATA_OK(device->createStream(stream));
  ASSERT_STRATA_OK(device->copyToArena(*stream, arena, 0, source.data(), bytes));
  ASSERT_STRATA_OK(device->copyFromArena(*stream, target.data(), arena, 0, bytes));
  stream.reset();
  EXPECT_EQ(target, source);
}

/// What the stand-in compiled functions saw and did.
struct InvokeRecord {
  void **inputs = nullptr;
  void *weights = nullptr;
  void **arenas = nullptr;
  void *results = nullptr;
  std::thread::id thread;
  void *blocks[3] = {};
};
InvokeRecord record;

/// A stand-in for compiled code with one f32 input of 4 elements, weights of
/// 4 f32 and one arena: returns input + weights in a block it allocates (an
/// output without a compile-time bound) and writes the sum to the arena.
void addWeights(void **inputs, void *weights, void **arenas, void *results) {
  record = {inputs, weights, arenas, results, std::this_thread::get_id(), {}};
  const int64_t *in = static_cast<const int64_t *>(inputs[0]);
  const int64_t *w = static_cast<const int64_t *>(weights);
  const int64_t *arena = static_cast<const int64_t *>(arenas[0]);
  const float *x = reinterpret_cast<const float *>(in[1]) + in[2];
  const float *b = reinterpret_cast<const float *>(w[1] + w[2]);
  auto *sum = static_cast<float *>(_mlir_memref_to_llvm_aligned_alloc(64, 4 * sizeof(float)));
  for (int i = 0; i < 4; ++i)
    sum[i] = x[i] + b[i];
  std::memcpy(reinterpret_cast<char *>(arena[1]) + arena[2], sum, 4 * sizeof(float));
  int64_t *out = static_cast<int64_t *>(results);
  out[0] = out[1] = reinterpret_cast<int64_t>(sum);
  out[2] = 0;
  out[3] = 4;
  out[4] = 1;
}

/// A 1-D descriptor of `size` elements at `data`.
std::vector<int64_t> describe(const void *data, int64_t size) {
  return {reinterpret_cast<int64_t>(data), reinterpret_cast<int64_t>(data), 0, size, 1};
}

TEST_P(DeviceConformance, InvokeRunsCompiledCodeOnTheCallingThread) {
  float input[4] = {1, 2, 3, 4};
  float weightValues[4] = {10, 20, 30, 40};
  Arena &arena = newArena(STRATA_MEMORY_DEVICE, 64);
  std::vector<int64_t> inputWords = describe(input, 4),
                       weightWords = describe(weightValues, sizeof weightValues),
                       arenaWords = describe(arena.data(), 64), results(5, 0);
  void *inputs[] = {inputWords.data()};
  void *arenaPointers[] = {arenaWords.data()};
  DeviceCounters before = device->counters();
  ASSERT_STRATA_OK(
      device->invoke(&addWeights, inputs, weightWords.data(), arenaPointers, results.data()));
  EXPECT_EQ(record.inputs, inputs);
  EXPECT_EQ(record.weights, weightWords.data());
  EXPECT_EQ(record.arenas, arenaPointers);
  EXPECT_EQ(record.results, results.data());
  EXPECT_EQ(record.thread, std::this_thread::get_id());
  const float *sum = reinterpret_cast<const float *>(results[1]);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(sum) % 64, 0u);
  EXPECT_EQ(std::vector<float>(sum, sum + 4), (std::vector<float>{11, 22, 33, 44}));
  // The arena holds the sum too.
  Stream &stream = newStream();
  Event &event = newEvent();
  std::vector<unsigned char> &copied = newHostBuffer(4 * sizeof(float));
  ASSERT_STRATA_OK(device->copyFromArena(stream, copied.data(), arena, 0, copied.size()));
  ASSERT_STRATA_OK(device->recordEvent(event, stream));
  ASSERT_STRATA_OK(device->synchronizeEvent(event));
  EXPECT_EQ(0, std::memcmp(copied.data(), sum, copied.size()));
  DeviceCounters after = device->counters();
  EXPECT_EQ(after.fallbackAllocations, before.fallbackAllocations + 1);
  EXPECT_EQ(after.liveFallbackBlocks, before.liveFallbackBlocks + 1);
  EXPECT_EQ(device->releaseFallbackBlocks(), before.liveFallbackBlocks + 1);
  EXPECT_EQ(device->counters().liveFallbackBlocks, 0u);
}

TEST_P(DeviceConformance, InvokeRefusesANullFunction) {
  EXPECT_TRUE(isError(device->invoke(nullptr, nullptr, nullptr, nullptr, nullptr),
                      STRATA_ERROR_INVALID_ARGUMENT, {"NULL"}));
}

/// A stand-in for compiled code that allocates three blocks (one aligned,
/// one empty), frees the first and returns the other two.
void allocateThree(void **, void *, void **, void *results) {
  record.blocks[0] = _mlir_memref_to_llvm_alloc(100);
  record.blocks[1] = _mlir_memref_to_llvm_aligned_alloc(256, 1000);
  record.blocks[2] = _mlir_memref_to_llvm_alloc(0);
  std::memset(record.blocks[1], 0x5a, 1000);
  _mlir_memref_to_llvm_free(record.blocks[0]);
  _mlir_memref_to_llvm_free(nullptr);
  void **out = static_cast<void **>(results);
  out[0] = record.blocks[1];
  out[1] = record.blocks[2];
}

TEST_P(DeviceConformance, FallbackAllocationsAreCountedAndReleased) {
  ASSERT_EQ(device->releaseFallbackBlocks(), 0u);
  DeviceCounters before = device->counters();
  void *results[2] = {};
  ASSERT_STRATA_OK(device->invoke(&allocateThree, nullptr, nullptr, nullptr, results));
  EXPECT_NE(record.blocks[1], nullptr);
  EXPECT_NE(record.blocks[2], nullptr);
  EXPECT_NE(record.blocks[1], record.blocks[2]);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(record.blocks[1]) % 256, 0u);
  DeviceCounters after = device->counters();
  EXPECT_EQ(after.fallbackAllocations, before.fallbackAllocations + 3);
  EXPECT_EQ(after.liveFallbackBlocks, 2u);
  EXPECT_EQ(device->releaseFallbackBlocks(), 2u);
  EXPECT_EQ(device->counters().liveFallbackBlocks, 0u);
  EXPECT_EQ(device->counters().fallbackAllocations, before.fallbackAllocations + 3);
  // Nothing is left to release twice.
  EXPECT_EQ(device->releaseFallbackBlocks(), 0u);
}

TEST_P(DeviceConformance, FallbackCountsStartAtTheDevicesCreation) {
  void *results[2] = {};
  ASSERT_STRATA_OK(device->invoke(&allocateThree, nullptr, nullptr, nullptr, results));
  EXPECT_EQ(device->releaseFallbackBlocks(), 2u);
  std::unique_ptr<Device> fresh = GetParam().create(kCapacity);
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(fresh->counters().fallbackAllocations, 0u);
  EXPECT_EQ(fresh->counters().liveFallbackBlocks, 0u);
}

} // namespace
} // namespace strata::test

//===- ExecutorTest.cpp - The executor and the program contract -----------===//
//
// A model written by hand against include/strata/model.h (v4) stands in for
// a compiled one: the executor allocates its arena once at load, passes the
// same arena descriptor to every run, reads an output placed in the arena
// and one the compiled code allocated through the fallback allocator, and
// releases the latter once it is copied out, into the tensors of the last
// run where they fit; --report's text shows the arenas
// and counts the fallback allocations; a failed check or allocation inside the
// compiled code ends the run with an error and leaks nothing. The device is
// the CPU device, the one these tests can run on everywhere.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Executor.h"
#include "runtime/core/Report.h"
#include "runtime/core/ResidentMemory.h"
#include "runtime/device/cpu/Checks.h"
#include "test/runtime/TestSupport.h"
#include "test/runtime/core/HandWrittenModel.h"
#include "test/runtime/device/cpu/CpuTestDevice.h"

#include <cstdint>
#include <cstring>

extern "C" void *_mlir_memref_to_llvm_alloc(size_t size);
extern "C" void _mlir_memref_to_llvm_free(void *pointer);

namespace strata {
namespace {

/// The arena descriptors the stand-in was given, run by run.
std::vector<const int64_t *> seenArenas;

/// The compiled code of a model `y = 2 * x` (in the arena, at offset 64) and
/// `z = x + 1` (in a block of its own), for f32 x of 4 elements. It also
/// allocates and frees a scratch block, as code with unbounded temporaries
/// does.
void doubleAndIncrement(void **inputs, void *weights, void **arenas, void *results) {
  (void)weights;
  const int64_t *in = static_cast<const int64_t *>(inputs[0]);
  const int64_t *arena = static_cast<const int64_t *>(arenas[0]);
  seenArenas.push_back(arena);
  const float *x = reinterpret_cast<const float *>(in[1]) + in[2];
  void *scratch = _mlir_memref_to_llvm_alloc(256);
  _mlir_memref_to_llvm_free(scratch);
  float *y = reinterpret_cast<float *>(arena[1] + 64);
  auto *z = static_cast<float *>(_mlir_memref_to_llvm_alloc(4 * sizeof(float)));
  for (int i = 0; i < 4; ++i) {
    y[i] = 2 * x[i];
    z[i] = x[i] + 1;
  }
  int64_t *out = static_cast<int64_t *>(results);
  int64_t yWords[] = {arena[0], arena[1], 16, 4, 1};
  int64_t zWords[] = {reinterpret_cast<int64_t>(z), reinterpret_cast<int64_t>(z), 0, 4, 1};
  std::memcpy(out, yWords, sizeof yWords);
  std::memcpy(out + 5, zWords, sizeof zWords);
}

/// Compiled code whose run-time check fails after it allocated a block, as a
/// gather with an index out of range does.
void failCheck(void **, void *, void **, void *) {
  _mlir_memref_to_llvm_alloc(64);
  strata_cpu_check_failed("node 'lookup (Gather)': an index is out of range");
}

/// Compiled code whose allocation cannot be made.
void failAllocation(void **, void *, void **, void *) {
  _mlir_memref_to_llvm_alloc(64);
  _mlir_memref_to_llvm_alloc(SIZE_MAX);
}

const int64_t kDims[] = {4};
const char *const kUnnamed[] = {""};
const strata_model_value kInputs[] = {{"x", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 1, kDims, kDims,
                                       kUnnamed, -1, 0, nullptr, -1, 0, -1}};
const strata_model_value kOutputs[] = {{"y", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 1, kDims, kDims,
                                        kUnnamed, -1, 0, nullptr, -1, 0, -1},
                                       {"z", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 1, kDims, kDims,
                                        kUnnamed, -1, 0, nullptr, -1, 0, -1}};

strata_model makeModel(const strata_model_arena *arenas, int32_t count) {
  return test::handWrittenModel("double", kInputs, kOutputs, doubleAndIncrement, arenas, count);
}

class ExecutorTest : public ::testing::Test {
protected:
  void SetUp() override {
    device = test::cpuDeviceOfCapacity(1 << 20);
    seenArenas.clear();
  }

  std::unique_ptr<Device> device;
};

TEST_F(ExecutorTest, ArenasAreAllocatedOnceAndOutputsReleasedAfterCopying) {
  const strata_model_arena arenas[] = {{STRATA_MEMORY_DEVICE, 4096, 96, 256}};
  strata_model model = makeModel(arenas, 1);
  std::unique_ptr<Executor> executor;
  ASSERT_EQ(Executor::load(model, nullptr, *device, executor), "");
  ASSERT_EQ(executor->arenas().size(), 1u);
  const Arena &arena = *executor->arenas()[0];
  EXPECT_EQ(arena.bytes(), 4096u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(arena.data()) % 256, 0u);
  EXPECT_EQ(device->counters().arenaBytes[STRATA_MEMORY_DEVICE], 4096u);

  int64_t dims[] = {4};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_F32, 1, dims, &raw));
  OwnedTensor x(raw);
  float values[] = {1, 2, 3, 4};
  std::memcpy(strata_tensor_data(x.get()), values, sizeof values);
  std::vector<strata_tensor *> inputs = {x.get()};
  ASSERT_EQ(executor->checkInputs(inputs), "");
  for (int run = 0; run < 2; ++run) {
    std::vector<OwnedTensor> outputs;
    ASSERT_EQ(executor->run(inputs, outputs), "");
    ASSERT_EQ(outputs.size(), 2u);
    const float *y = static_cast<const float *>(strata_tensor_data(outputs[0].get()));
    const float *z = static_cast<const float *>(strata_tensor_data(outputs[1].get()));
    EXPECT_EQ(std::vector<float>(y, y + 4), (std::vector<float>{2, 4, 6, 8}));
    EXPECT_EQ(std::vector<float>(z, z + 4), (std::vector<float>{2, 3, 4, 5}));
    EXPECT_NE(static_cast<const void *>(y), reinterpret_cast<const char *>(arena.data()) + 64);
    EXPECT_EQ(device->counters().liveFallbackBlocks, 0u);
  }
  // One descriptor of the arena, the same on every run.
  ASSERT_EQ(seenArenas.size(), 2u);
  EXPECT_EQ(seenArenas[0], seenArenas[1]);
  EXPECT_EQ(seenArenas[0][1], reinterpret_cast<int64_t>(arena.data()));
  EXPECT_EQ(seenArenas[0][3], 4096);
  EXPECT_EQ(seenArenas[0][4], 1);
  EXPECT_EQ(executor->fallbackAllocationsSinceLoad(), 4u);
  EXPECT_EQ(device->counters().arenaBytes[STRATA_MEMORY_DEVICE], 4096u);
  executor.reset();
  EXPECT_EQ(device->counters().arenaBytes[STRATA_MEMORY_DEVICE], 0u);
}

TEST_F(ExecutorTest, OutputsOfTheSameShapeAreWrittenIntoTheLastRunsTensors) {
  const strata_model_arena arenas[] = {{STRATA_MEMORY_DEVICE, 4096, 96, 256}};
  strata_model model = makeModel(arenas, 1);
  std::unique_ptr<Executor> executor;
  ASSERT_EQ(Executor::load(model, nullptr, *device, executor), "");
  int64_t dims[] = {4};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_F32, 1, dims, &raw));
  OwnedTensor x(raw);
  std::vector<strata_tensor *> inputs = {x.get()};
  std::vector<OwnedTensor> outputs;
  std::vector<const strata_tensor *> first;
  for (float scale : {1.0f, 10.0f}) {
    float values[] = {1 * scale, 2 * scale, 3 * scale, 4 * scale};
    std::memcpy(strata_tensor_data(x.get()), values, sizeof values);
    ASSERT_EQ(executor->run(inputs, outputs), "");
    ASSERT_EQ(outputs.size(), 2u);
    if (first.empty())
      first = {outputs[0].get(), outputs[1].get()};
    // The same tensors, holding this run's results.
    EXPECT_EQ(outputs[0].get(), first[0]);
    EXPECT_EQ(outputs[1].get(), first[1]);
    const float *y = static_cast<const float *>(strata_tensor_data(outputs[0].get()));
    const float *z = static_cast<const float *>(strata_tensor_data(outputs[1].get()));
    EXPECT_EQ(std::vector<float>(y, y + 4),
              (std::vector<float>{2 * scale, 4 * scale, 6 * scale, 8 * scale}));
    EXPECT_EQ(std::vector<float>(z, z + 4),
              (std::vector<float>{scale + 1, 2 * scale + 1, 3 * scale + 1, 4 * scale + 1}));
  }
  // A tensor of another shape is replaced.
  int64_t otherDims[] = {3};
  ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_F32, 1, otherDims, &raw));
  outputs[1].reset(raw);
  ASSERT_EQ(executor->run(inputs, outputs), "");
  EXPECT_EQ(outputs[0].get(), first[0]);
  EXPECT_EQ(strata_tensor_dims(outputs[1].get())[0], 4);
  const float *z = static_cast<const float *>(strata_tensor_data(outputs[1].get()));
  EXPECT_EQ(std::vector<float>(z, z + 4), (std::vector<float>{11, 21, 31, 41}));
}

TEST_F(ExecutorTest, TheReportShowsArenasAndFallbackAllocations) {
  const strata_model_arena arenas[] = {{STRATA_MEMORY_DEVICE, 4096, 96, 64},
                                       {STRATA_MEMORY_HOST, 128, 0, 64}};
  strata_model model = makeModel(arenas, 2);
  std::unique_ptr<Executor> executor;
  ASSERT_EQ(Executor::load(model, nullptr, *device, executor), "");
  float values[] = {1, 2, 3, 4};
  int64_t dims[] = {4};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_wrap(STRATA_DTYPE_F32, 1, dims, values, sizeof values, &raw));
  OwnedTensor x(raw);
  std::vector<OwnedTensor> outputs;
  ASSERT_EQ(executor->run({x.get()}, outputs), "");
  EXPECT_EQ(reportText(model, *executor, 2, RunTimes{1.5, 0, 1}, nullptr),
            "report: 2 threads\n"
            "report: 1.500 ms for the first run\n"
            "report: arena 0 (device memory): 4096 bytes, liveness lower bound 96 bytes "
            "(42.667x)\n"
            "report: arena 1 (host memory): 128 bytes, liveness lower bound 0 bytes\n"
            "report: 2 fallback allocations by the compiled code in 1 run after load\n");
  const strata_model noArenas = makeModel(nullptr, 0);
  std::unique_ptr<Executor> plain;
  ASSERT_EQ(Executor::load(noArenas, nullptr, *device, plain), "");
  EXPECT_EQ(reportText(noArenas, *plain, 1, RunTimes{0.25, 0.2, 3}, nullptr),
            "report: 1 thread\n"
            "report: 0.250 ms for the first run\n"
            "report: no arenas\n"
            "report: 0 fallback allocations by the compiled code in 3 runs after load\n");
  // Given the resident memory after the first run, the report adds a line
  // with it, the memory now and the peak.
  ResidentMemory afterFirst{3 << 20, 0};
  std::string text = reportText(noArenas, *plain, 1, RunTimes{0.25, 0.2, 3}, &afterFirst);
  size_t line = text.find("report: resident memory 3.0 MiB after the first run, ");
  ASSERT_NE(line, std::string::npos) << text;
  EXPECT_NE(text.find(" MiB after the last (+", line), std::string::npos) << text;
  EXPECT_NE(text.find(" MiB), peak ", line), std::string::npos) << text;
}

TEST(ResidentMemoryTest, ReadsThisProcess) {
  ResidentMemory before;
  ASSERT_TRUE(readResidentMemory(before));
  EXPECT_GT(before.currentBytes, 0u);
  EXPECT_GE(before.peakBytes, before.currentBytes);
  // 64 MiB touched: the resident set and its peak grow by about that much.
  std::vector<char> block(64 << 20, 1);
  ResidentMemory after;
  ASSERT_TRUE(readResidentMemory(after));
  EXPECT_GE(after.currentBytes, before.currentBytes + (60u << 20)) << int(block[12345]);
  EXPECT_GE(after.peakBytes, after.currentBytes);
}

TEST_F(ExecutorTest, AnArenaTheDeviceCannotHoldFailsTheLoad) {
  const strata_model_arena arenas[] = {{STRATA_MEMORY_DEVICE, 4096, 4096, 64},
                                       {STRATA_MEMORY_HOST, 2 << 20, 1 << 20, 64}};
  strata_model model = makeModel(arenas, 2);
  std::unique_ptr<Executor> executor;
  std::string error = Executor::load(model, nullptr, *device, executor);
  EXPECT_NE(error.find("arena 1 of the model: cannot allocate a 2097152-byte arena in host "
                       "memory"),
            std::string::npos)
      << error;
  EXPECT_EQ(executor, nullptr);
  // The arena allocated before the failure is freed again.
  EXPECT_EQ(device->counters().arenaBytes[STRATA_MEMORY_DEVICE], 0u);
}

TEST_F(ExecutorTest, InputsSharingADimensionNameMustAgreeOnItsSize) {
  // a[n, 2] and b[n] with n dynamic and bounded by 8; c[m] stands alone.
  const int64_t aDims[] = {-1, 2}, aMax[] = {8, 2}, bDims[] = {-1}, bMax[] = {8};
  const char *const aNames[] = {"n", ""}, *const bNames[] = {"n"}, *const cNames[] = {"m"};
  const strata_model_value inputs[] = {{"a", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 2, aDims, aMax,
                                        aNames, -1, 0, nullptr, -1, 0, -1},
                                       {"b", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 1, bDims, bMax,
                                        bNames, -1, 0, nullptr, -1, 0, -1},
                                       {"c", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 1, bDims, bMax,
                                        cNames, -1, 0, nullptr, -1, 0, -1}};
  strata_model model = makeModel(nullptr, 0);
  model.num_inputs = 3;
  model.inputs = inputs;
  std::unique_ptr<Executor> executor;
  ASSERT_EQ(Executor::load(model, nullptr, *device, executor), "");
  auto make = [](std::vector<int64_t> dims) {
    strata_tensor *t = nullptr;
    EXPECT_EQ(
        strata_tensor_create(STRATA_DTYPE_F32, static_cast<int32_t>(dims.size()), dims.data(), &t),
        nullptr);
    return OwnedTensor(t);
  };
  OwnedTensor a = make({3, 2}), b3 = make({3}), b5 = make({5}), c = make({7});
  EXPECT_EQ(executor->checkInputs({a.get(), b3.get(), c.get()}), "");
  EXPECT_EQ(executor->checkInputs({a.get(), b5.get(), c.get()}),
            "input 'b' has size 5 in dimension 'n' (axis 0), but input 'a' has 3: inputs "
            "sharing a dimension must agree");
}

TEST_F(ExecutorTest, ErrorsRaisedByTheCompiledCodeEndTheRunAndLeakNothing) {
  const strata_model_arena arenas[] = {{STRATA_MEMORY_DEVICE, 4096, 96, 256}};
  strata_model model = makeModel(arenas, 1);
  std::unique_ptr<Executor> executor;
  ASSERT_EQ(Executor::load(model, nullptr, *device, executor), "");
  float values[] = {1, 2, 3, 4};
  int64_t dims[] = {4};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_wrap(STRATA_DTYPE_F32, 1, dims, values, sizeof values, &raw));
  OwnedTensor x(raw);
  std::vector<OwnedTensor> outputs;
  model.invoke = failCheck;
  EXPECT_EQ(executor->run({x.get()}, outputs), "node 'lookup (Gather)': an index is out of range");
  EXPECT_TRUE(outputs.empty());
  EXPECT_EQ(device->counters().liveFallbackBlocks, 0u);
  model.invoke = failAllocation;
  std::string error = executor->run({x.get()}, outputs);
  EXPECT_NE(error.find("the compiled code's allocation of " + std::to_string(SIZE_MAX) +
                       " bytes failed: Cannot allocate memory"),
            std::string::npos)
      << error;
  EXPECT_EQ(device->counters().liveFallbackBlocks, 0u);
  // The executor runs again as if nothing had happened.
  model.invoke = doubleAndIncrement;
  ASSERT_EQ(executor->run({x.get()}, outputs), "");
  EXPECT_EQ(static_cast<const float *>(strata_tensor_data(outputs[1].get()))[3], 5.0f);
}

} // namespace
} // namespace strata

//===- KvCacheTest.cpp - The executor's KV cache buffers ------------------===//
//
// A model written by hand against include/strata/model.h stands in for a
// decoder compiled with its KV cache in place: input `past` [1, ?, 2] (a
// cache of 4 positions along axis 1) and `x` [1, 1, 2]; the stand-in writes x
// after the positions the cache holds and returns the view of them all as
// `present`. The executor passes the cache at its capacity and the count of
// held positions after the inputs, copies a caller's past in and the present
// out, and with `keepCaches` keeps the cache between runs and copies nothing;
// it allocates each cache in the memory space the model names for it.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Executor.h"
#include "test/runtime/TestSupport.h"
#include "test/runtime/core/HandWrittenModel.h"
#include "test/runtime/device/cpu/CpuTestDevice.h"

#include <cstring>

namespace strata {
namespace {

constexpr int64_t kCapacity = 4;

/// What the stand-in saw: the cache descriptor's sizes and the held count.
std::vector<int64_t> seenSizes;
int64_t seenLength = -1;

void appendToCache(void **inputs, void *, void **, void *results) {
  const int64_t *cache = static_cast<const int64_t *>(inputs[0]);
  const int64_t *x = static_cast<const int64_t *>(inputs[1]);
  const int64_t *length = static_cast<const int64_t *>(inputs[2]);
  seenSizes.assign(cache + 3, cache + 6);
  seenLength = *reinterpret_cast<const int64_t *>(length[1]);
  auto *data = reinterpret_cast<float *>(cache[1]);
  const auto *row = reinterpret_cast<const float *>(x[1]);
  data[seenLength * 2] = row[0];
  data[seenLength * 2 + 1] = row[1];
  int64_t present[] = {cache[0], cache[1], 0, 1, seenLength + 1, 2, kCapacity * 2, 2, 1};
  std::memcpy(results, present, sizeof present);
}

const int64_t kPastDims[] = {1, -1, 2}, kPastMax[] = {1, kCapacity, 2};
const int64_t kRowDims[] = {1, 1, 2};
const char *const kNames[] = {"", "past_sequence", ""};
const char *const kUnnamed[] = {"", "", ""};
const strata_model_value kInputs[] = {{"past", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 3, kPastDims,
                                       kPastMax, kNames, -1, 0, nullptr, 1, kCapacity, -1},
                                      {"x", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 3, kRowDims,
                                       kRowDims, kUnnamed, -1, 0, nullptr, -1, 0, -1}};
const strata_model_value kOutputs[] = {{"present", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 3,
                                        kPastDims, kPastMax, kNames, -1, 0, nullptr, -1, 0, 0}};

class KvCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    device = test::cpuDeviceOfCapacity(1 << 20);
    model = test::handWrittenModel("cached", kInputs, kOutputs, appendToCache);
    ASSERT_EQ(Executor::load(model, nullptr, *device, executor), "");
    seenSizes.clear();
    seenLength = -1;
  }

  /// A [1, n, 2] tensor holding `values`.
  static OwnedTensor tensor(const std::vector<float> &values) {
    int64_t dims[] = {1, static_cast<int64_t>(values.size() / 2), 2};
    strata_tensor *t = nullptr;
    EXPECT_EQ(strata_tensor_create(STRATA_DTYPE_F32, 3, dims, &t), nullptr);
    std::memcpy(strata_tensor_data(t), values.data(), values.size() * sizeof(float));
    return OwnedTensor(t);
  }

  static std::vector<float> values(const OwnedTensor &t) {
    const auto *data = static_cast<const float *>(strata_tensor_data(t.get()));
    return std::vector<float>(data, data + strata_tensor_num_elements(t.get()));
  }

  std::unique_ptr<Device> device;
  strata_model model;
  std::unique_ptr<Executor> executor;
};

TEST_F(KvCacheTest, CopiesTheCallersPastInAndThePresentOut) {
  // The cache buffer: 1 x 4 x 2 floats, in device memory.
  EXPECT_EQ(device->counters().arenaBytes[STRATA_MEMORY_DEVICE], kCapacity * 2 * sizeof(float));
  OwnedTensor past = tensor({1, 2, 3, 4}), x = tensor({5, 6});
  std::vector<OwnedTensor> outputs;
  ASSERT_EQ(executor->checkInputs({past.get(), x.get()}), "");
  ASSERT_EQ(executor->run({past.get(), x.get()}, outputs), "");
  EXPECT_EQ(seenSizes, (std::vector<int64_t>{1, kCapacity, 2}));
  EXPECT_EQ(seenLength, 2);
  ASSERT_EQ(outputs.size(), 1u);
  ASSERT_TRUE(outputs[0]);
  EXPECT_EQ(strata_tensor_dims(outputs[0].get())[1], 3);
  EXPECT_EQ(values(outputs[0]), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST_F(KvCacheTest, KeepsTheCacheBetweenRunsAndCopiesNothing) {
  OwnedTensor empty = tensor({}), a = tensor({1, 2}), b = tensor({3, 4}), c = tensor({5, 6});
  std::vector<OwnedTensor> outputs;
  ASSERT_EQ(executor->run({empty.get(), a.get()}, outputs, /*keepCaches=*/true), "");
  EXPECT_EQ(seenLength, 0);
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_FALSE(outputs[0]);
  ASSERT_EQ(executor->checkInputs({nullptr, b.get()}), "");
  ASSERT_EQ(executor->run({nullptr, b.get()}, outputs, /*keepCaches=*/true), "");
  EXPECT_EQ(seenLength, 1);
  EXPECT_FALSE(outputs[0]);
  // Continuing without keeping: the present comes out, old and new.
  ASSERT_EQ(executor->run({nullptr, c.get()}, outputs), "");
  EXPECT_EQ(seenLength, 2);
  ASSERT_TRUE(outputs[0]);
  EXPECT_EQ(values(outputs[0]), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST_F(KvCacheTest, RefusesAMissingCacheAndOneLargerThanItsCapacity) {
  OwnedTensor x = tensor({1, 2}), tooLong = tensor({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  std::vector<OwnedTensor> outputs;
  EXPECT_EQ(executor->run({nullptr, x.get()}, outputs, /*keepCaches=*/true),
            "input 'past' was not given, and its KV cache holds no earlier run's positions");
  EXPECT_EQ(executor->checkInputs({tooLong.get(), x.get()}),
            "input 'past' has shape [1x5x2]: dimension 1 exceeds the compiled bound 4 (its KV "
            "cache's capacity: the --max-shape bound of the positions of its present output)");
  EXPECT_EQ(executor->run({tooLong.get(), x.get()}, outputs),
            "input 'past' holds 5 positions along axis 1; its KV cache holds at most 4");
  EXPECT_EQ(seenLength, -1);
}

TEST_F(KvCacheTest, AllocatesEachCacheInTheMemoryItsPlanNames) {
  EXPECT_EQ(executor->cacheBytes(STRATA_MEMORY_DEVICE), kCapacity * 2 * sizeof(float));
  EXPECT_EQ(executor->cacheBytes(STRATA_MEMORY_HOST), 0u);

  // A cache the tier plan put in host memory: the device's host arenas hold
  // it, its device memory does not, and the program appends to it as before.
  strata_model_value inputs[] = {kInputs[0], kInputs[1]};
  inputs[0].cache_space = STRATA_MEMORY_HOST;
  model.inputs = inputs;
  std::unique_ptr<Device> hosting = test::cpuDeviceOfCapacity(1 << 20);
  std::unique_ptr<Executor> hosted;
  ASSERT_EQ(Executor::load(model, nullptr, *hosting, hosted), "");
  EXPECT_EQ(hosted->cacheBytes(STRATA_MEMORY_DEVICE), 0u);
  EXPECT_EQ(hosted->cacheBytes(STRATA_MEMORY_HOST), kCapacity * 2 * sizeof(float));
  EXPECT_EQ(hosting->counters().arenaBytes[STRATA_MEMORY_DEVICE], 0u);
  EXPECT_EQ(hosting->counters().arenaBytes[STRATA_MEMORY_HOST], kCapacity * 2 * sizeof(float));
  OwnedTensor past = tensor({1, 2}), x = tensor({3, 4});
  std::vector<OwnedTensor> outputs;
  ASSERT_EQ(hosted->run({past.get(), x.get()}, outputs), "");
  ASSERT_TRUE(outputs[0]);
  EXPECT_EQ(values(outputs[0]), (std::vector<float>{1, 2, 3, 4}));

  inputs[0].cache_space = STRATA_MEMORY_SPACE_COUNT;
  std::unique_ptr<Executor> refused;
  EXPECT_EQ(Executor::load(model, nullptr, *hosting, refused),
            "the KV cache of input 'past' names memory space 2, which no device has");
}

} // namespace
} // namespace strata

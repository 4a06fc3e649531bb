//===- OutputDestinationTest.cpp - Outputs written in the caller's memory -===//
//
// A model written by hand against include/strata/model.h stands in for one
// compiled with strata-output-destinations: its output `y = 2 * x` has a
// destination, whose descriptor follows the inputs, and the compiled code
// writes y there and returns that memory. The executor hands the same tensor
// back without a copy, passes it again on the next run, passes a new one
// where the caller feeds the output back as an input, and refuses a program
// that returns other memory.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Executor.h"
#include "test/runtime/TestSupport.h"
#include "test/runtime/device/cpu/CpuTestDevice.h"

#include <cstdint>
#include <cstring>

namespace strata {
namespace {

/// The memory each run was given for y.
std::vector<float *> seenDestinations;

/// Whether the stand-in returns memory other than its destination, as a
/// program that disagrees with the executor would.
bool returnOtherMemory = false;

/// The compiled code of `y = 2 * x` for f32 x and y of 4 elements, y written
/// into the destination `inputs[1]`.
void doubleInPlace(void **inputs, void *, void **, void *results) {
  const int64_t *in = static_cast<const int64_t *>(inputs[0]);
  const int64_t *destination = static_cast<const int64_t *>(inputs[1]);
  const float *x = reinterpret_cast<const float *>(in[1]) + in[2];
  float *y = reinterpret_cast<float *>(destination[1]) + destination[2];
  seenDestinations.push_back(y);
  // Read every input before writing: an output fed back as x would
  // otherwise be overwritten as it is read, which the executor prevents.
  float values[4];
  for (int i = 0; i < 4; ++i)
    values[i] = 2 * x[i];
  std::memcpy(y, values, sizeof values);
  static float other[4];
  int64_t words[] = {destination[0], destination[1], destination[2], 4, 1};
  if (returnOtherMemory) {
    words[0] = words[1] = reinterpret_cast<int64_t>(other);
    words[2] = 0;
  }
  std::memcpy(results, words, sizeof words);
}

const int64_t kDims[] = {4};
const char *const kUnnamed[] = {""};
const strata_model_value kInputs[] = {{"x", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 1, kDims, kDims,
                                       kUnnamed, -1, 0, nullptr, -1, 0, -1, 0, 0}};
const strata_model_value kOutputs[] = {{"y", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 1, kDims, kDims,
                                        kUnnamed, -1, 0, nullptr, -1, 0, -1, 0, 1}};

class OutputDestinationTest : public ::testing::Test {
protected:
  void SetUp() override {
    seenDestinations.clear();
    returnOtherMemory = false;
    device = test::cpuDeviceOfCapacity(1 << 20);
    model = {STRATA_MODEL_ABI_VERSION,
             "double",
             1,
             kInputs,
             1,
             kOutputs,
             0,
             nullptr,
             "double.weights",
             0,
             strata_cpu_device_create,
             doubleInPlace};
    ASSERT_EQ(Executor::load(model, nullptr, *device, executor), "");
    int64_t dims[] = {4};
    strata_tensor *raw = nullptr;
    ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_F32, 1, dims, &raw));
    x.reset(raw);
    float values[] = {1, 2, 3, 4};
    std::memcpy(strata_tensor_data(x.get()), values, sizeof values);
  }

  static std::vector<float> valuesOf(strata_tensor *t) {
    const float *data = static_cast<const float *>(strata_tensor_data(t));
    return std::vector<float>(data, data + strata_tensor_num_elements(t));
  }

  std::unique_ptr<Device> device;
  strata_model model;
  std::unique_ptr<Executor> executor;
  OwnedTensor x;
};

TEST_F(OutputDestinationTest, TheOutputIsTheMemoryTheProgramWroteAndIsPassedAgain) {
  std::vector<strata_tensor *> inputs = {x.get()};
  std::vector<OwnedTensor> outputs;
  ASSERT_EQ(executor->run(inputs, outputs), "");
  ASSERT_EQ(outputs.size(), 1u);
  ASSERT_EQ(seenDestinations.size(), 1u);
  EXPECT_EQ(strata_tensor_data(outputs[0].get()), seenDestinations[0]);
  EXPECT_EQ(valuesOf(outputs[0].get()), (std::vector<float>{2, 4, 6, 8}));
  const strata_tensor *first = outputs[0].get();
  ASSERT_EQ(executor->run(inputs, outputs), "");
  EXPECT_EQ(outputs[0].get(), first);
  EXPECT_EQ(seenDestinations[1], seenDestinations[0]);
  EXPECT_EQ(valuesOf(outputs[0].get()), (std::vector<float>{2, 4, 6, 8}));
}

TEST_F(OutputDestinationTest, AnOutputFedBackAsAnInputIsNotWrittenOver) {
  std::vector<strata_tensor *> inputs = {x.get()};
  std::vector<OwnedTensor> outputs;
  ASSERT_EQ(executor->run(inputs, outputs), "");
  strata_tensor *fed = outputs[0].get();
  inputs = {fed};
  ASSERT_EQ(executor->run(inputs, outputs), "");
  // The fed-back tensor was an input of this run, so the output is another.
  ASSERT_EQ(seenDestinations.size(), 2u);
  EXPECT_NE(seenDestinations[1], strata_tensor_data(fed));
  EXPECT_NE(outputs[0].get(), fed);
  EXPECT_EQ(valuesOf(outputs[0].get()), (std::vector<float>{4, 8, 12, 16}));
}

TEST_F(OutputDestinationTest, AnOutputOfAnotherShapeIsReplaced) {
  int64_t dims[] = {3};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_F32, 1, dims, &raw));
  std::vector<OwnedTensor> outputs;
  outputs.emplace_back(raw);
  std::vector<strata_tensor *> inputs = {x.get()};
  ASSERT_EQ(executor->run(inputs, outputs), "");
  EXPECT_EQ(strata_tensor_dims(outputs[0].get())[0], 4);
  EXPECT_EQ(valuesOf(outputs[0].get()), (std::vector<float>{2, 4, 6, 8}));
}

TEST_F(OutputDestinationTest, AProgramReturningOtherMemoryIsRefused) {
  returnOtherMemory = true;
  std::vector<strata_tensor *> inputs = {x.get()};
  std::vector<OwnedTensor> outputs;
  EXPECT_EQ(executor->run(inputs, outputs),
            "output 'y' is not in the memory passed for it: the program and the executor "
            "disagree");
}

} // namespace
} // namespace strata

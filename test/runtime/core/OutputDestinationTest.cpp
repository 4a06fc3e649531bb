//===- OutputDestinationTest.cpp - Outputs written in the caller's memory -===//
//
// A model written by hand against include/strata/model.h stands in for one
// compiled with strata-output-destinations: of its outputs, `z = x + 1` is
// returned in memory of the program's own and copied out, and `y = 2 * x`
// has a destination, whose descriptor follows the inputs; the compiled code
// writes y there and returns that memory. The executor hands the same tensor
// back without a copy and passes it again on the next run; where the caller
// feeds that tensor back as an input, the run gets other memory and the
// caller's tensor receives y afterwards. A program that returns other memory
// is refused, and a run that fails keeps the caller's tensors.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Executor.h"
#include "runtime/device/cpu/Checks.h"
#include "test/runtime/TestSupport.h"
#include "test/runtime/core/HandWrittenModel.h"
#include "test/runtime/device/cpu/CpuTestDevice.h"

#include <cstdint>
#include <cstring>

namespace strata {
namespace {

/// The memory each run was given for y.
std::vector<float *> seenDestinations;

/// How the stand-in misbehaves: not at all, by returning memory other than
/// its destination (a program that disagrees with the executor), or by
/// failing a run-time check after writing its outputs.
enum class Fault { None, OtherMemory, FailedCheck };
Fault fault = Fault::None;

/// The compiled code of `z = x + 1` (in its own memory) and `y = 2 * x`
/// (written into the destination `inputs[1]`) for f32 x, y and z of 4
/// elements, the outputs in that order.
void incrementAndDouble(void **inputs, void *, void **, void *results) {
  const int64_t *in = static_cast<const int64_t *>(inputs[0]);
  const int64_t *destination = static_cast<const int64_t *>(inputs[1]);
  const float *x = reinterpret_cast<const float *>(in[1]) + in[2];
  float *y = reinterpret_cast<float *>(destination[1]) + destination[2];
  seenDestinations.push_back(y);
  static float z[4], other[4];
  // Element by element, as compiled loops write: were y's memory x's, z
  // would read x after y was written there.
  for (int i = 0; i < 4; ++i) {
    y[i] = 2 * x[i];
    z[i] = x[i] + 1;
  }
  if (fault == Fault::FailedCheck)
    strata_cpu_check_failed("node 'double (Mul)': a check failed");
  int64_t zWords[] = {reinterpret_cast<int64_t>(z), reinterpret_cast<int64_t>(z), 0, 4, 1};
  int64_t yWords[] = {destination[0], destination[1], destination[2], 4, 1};
  if (fault == Fault::OtherMemory) {
    yWords[0] = yWords[1] = reinterpret_cast<int64_t>(other);
    yWords[2] = 0;
  }
  std::memcpy(results, zWords, sizeof zWords);
  std::memcpy(static_cast<int64_t *>(results) + 5, yWords, sizeof yWords);
}

const int64_t kDims[] = {4};
const char *const kUnnamed[] = {""};
const strata_model_value kInputs[] = {{"x", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 1, kDims, kDims,
                                       kUnnamed, -1, 0, nullptr, -1, 0, -1, 0, 0}};
const strata_model_value kOutputs[] = {{"z", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 1, kDims, kDims,
                                        kUnnamed, -1, 0, nullptr, -1, 0, -1, 0, 0},
                                       {"y", STRATA_VALUE_TENSOR, STRATA_DTYPE_F32, 1, kDims, kDims,
                                        kUnnamed, -1, 0, nullptr, -1, 0, -1, 0, 1}};

class OutputDestinationTest : public ::testing::Test {
protected:
  void SetUp() override {
    seenDestinations.clear();
    fault = Fault::None;
    device = test::cpuDeviceOfCapacity(1 << 20);
    model = test::handWrittenModel("double", kInputs, kOutputs, incrementAndDouble);
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
  ASSERT_EQ(outputs.size(), 2u);
  ASSERT_EQ(seenDestinations.size(), 1u);
  EXPECT_EQ(strata_tensor_data(outputs[1].get()), seenDestinations[0]);
  EXPECT_EQ(valuesOf(outputs[1].get()), (std::vector<float>{2, 4, 6, 8}));
  // The output before it was copied out of the program's memory.
  EXPECT_EQ(valuesOf(outputs[0].get()), (std::vector<float>{2, 3, 4, 5}));
  const strata_tensor *first = outputs[1].get();
  ASSERT_EQ(executor->run(inputs, outputs), "");
  EXPECT_EQ(outputs[1].get(), first);
  EXPECT_EQ(seenDestinations[1], seenDestinations[0]);
  EXPECT_EQ(valuesOf(outputs[1].get()), (std::vector<float>{2, 4, 6, 8}));
}

TEST_F(OutputDestinationTest, AnOutputFedBackAsAnInputIsNotWrittenDuringTheRun) {
  std::vector<strata_tensor *> inputs = {x.get()};
  std::vector<OwnedTensor> outputs;
  ASSERT_EQ(executor->run(inputs, outputs), "");
  strata_tensor *fed = outputs[1].get();
  inputs = {fed};
  ASSERT_EQ(executor->run(inputs, outputs), "");
  // The run wrote other memory; the caller's tensor, still its own, then
  // received the result.
  ASSERT_EQ(seenDestinations.size(), 2u);
  EXPECT_NE(seenDestinations[1], strata_tensor_data(fed));
  EXPECT_EQ(outputs[1].get(), fed);
  EXPECT_EQ(valuesOf(fed), (std::vector<float>{4, 8, 12, 16}));
  EXPECT_EQ(valuesOf(outputs[0].get()), (std::vector<float>{3, 5, 7, 9}));
}

TEST_F(OutputDestinationTest, AnOutputOfAnotherShapeIsReplaced) {
  int64_t dims[] = {3};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_F32, 1, dims, &raw));
  std::vector<OwnedTensor> outputs;
  outputs.emplace_back(nullptr);
  outputs.emplace_back(raw);
  std::vector<strata_tensor *> inputs = {x.get()};
  ASSERT_EQ(executor->run(inputs, outputs), "");
  EXPECT_EQ(strata_tensor_dims(outputs[1].get())[0], 4);
  EXPECT_EQ(valuesOf(outputs[1].get()), (std::vector<float>{2, 4, 6, 8}));
}

TEST_F(OutputDestinationTest, AProgramReturningOtherMemoryIsRefused) {
  fault = Fault::OtherMemory;
  std::vector<strata_tensor *> inputs = {x.get()};
  std::vector<OwnedTensor> outputs;
  EXPECT_EQ(executor->run(inputs, outputs),
            "output 'y' is not in the memory passed for it: the program and the executor "
            "disagree");
}

TEST_F(OutputDestinationTest, AFailedRunKeepsTheCallersTensors) {
  std::vector<strata_tensor *> inputs = {x.get()};
  std::vector<OwnedTensor> outputs;
  ASSERT_EQ(executor->run(inputs, outputs), "");
  const strata_tensor *z = outputs[0].get(), *y = outputs[1].get();
  fault = Fault::FailedCheck;
  EXPECT_EQ(executor->run(inputs, outputs), "node 'double (Mul)': a check failed");
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[0].get(), z);
  EXPECT_EQ(outputs[1].get(), y);
}

} // namespace
} // namespace strata

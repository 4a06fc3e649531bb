//===- DeviceConformance.h - The suite every device passes ------*- C++ -*-===//
//
// The conformance suite of the Device interface (runtime/device/Device.h) is
// parameterised over devices: each device's test folder instantiates it with
// a DeviceUnderTest, e.g.
//
//   INSTANTIATE_TEST_SUITE_P(Cpu, DeviceConformance,
//                            ::testing::Values(DeviceUnderTest{"cpu", createCpu}),
//                            deviceTestName);
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TEST_RUNTIME_DEVICE_DEVICECONFORMANCE_H
#define STRATA_TEST_RUNTIME_DEVICE_DEVICECONFORMANCE_H

#include "runtime/device/Device.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace strata::test {

/// A device the suite runs on.
struct DeviceUnderTest {
  /// Names the instantiation's tests.
  const char *name;
  /// Creates a device each of whose memory spaces holds `capacity` bytes.
  std::unique_ptr<Device> (*create)(uint64_t capacity);
};

/// Names a parameterised test after its device.
std::string deviceTestName(const ::testing::TestParamInfo<DeviceUnderTest> &info);

/// Prints the device's name where GoogleTest shows a test's parameter.
void PrintTo(const DeviceUnderTest &device, std::ostream *os);

/// A host function that holds its stream until the test opens it, so that
/// what is queued behind it demonstrably waits.
class Gate {
public:
  /// The HostFunction: blocks until the Gate at `self` is opened.
  static void hold(void *self);
  void open();

private:
  std::mutex mutex;
  std::condition_variable opened;
  bool isOpen = false;
};

/// Creates the device and owns every handle a test makes, releasing them in
/// an order that is safe even when a test stops half-way: the gate opens,
/// then the streams finish their work, then arenas and host buffers go.
class DeviceConformance : public ::testing::TestWithParam<DeviceUnderTest> {
protected:
  /// What each memory space of the device under test holds.
  static constexpr uint64_t kCapacity = 64 << 20;

  void SetUp() override;
  void TearDown() override;

  Stream &newStream();
  Event &newEvent();
  Arena &newArena(strata_memory_space space, uint64_t bytes, uint64_t alignment = 64);
  /// A zeroed host buffer of `bytes` bytes that outlives the streams.
  std::vector<unsigned char> &newHostBuffer(size_t bytes);

  std::unique_ptr<Device> device;
  Gate gate;

private:
  std::deque<std::vector<unsigned char>> hostBuffers;
  std::vector<std::unique_ptr<Arena>> arenas;
  std::vector<std::unique_ptr<Event>> events;
  std::vector<std::unique_ptr<Stream>> streams;
};

} // namespace strata::test

#endif // STRATA_TEST_RUNTIME_DEVICE_DEVICECONFORMANCE_H

//===- CpuDeviceTest.cpp - The CPU device ---------------------------------===//
//
// The conformance suite on the CPU device, and what only the CPU device
// promises: its factory's defaults and refusals, and that the fallback heap
// stops a program whose compiled code frees a block it never allocated.
//
//===----------------------------------------------------------------------===//

#include "test/runtime/TestSupport.h"
#include "test/runtime/device/DeviceConformance.h"
#include "test/runtime/device/cpu/CpuTestDevice.h"

extern "C" void _mlir_memref_to_llvm_free(void *pointer);

namespace strata::test {
namespace {

std::unique_ptr<Device> createCpu(uint64_t capacity) { return cpuDeviceOfCapacity(capacity); }

INSTANTIATE_TEST_SUITE_P(Cpu, DeviceConformance,
                         ::testing::Values(DeviceUnderTest{"cpu", &createCpu}), deviceTestName);

TEST(CpuDeviceFactory, GivesTheMachinesMemoryToBothSpaces) {
  uint64_t memory = 0;
  ASSERT_STRATA_OK(cpu::physicalMemory(memory));
  EXPECT_GT(memory, 0u);
  strata_device_options options{2, 0, nullptr, 0};
  strata_device handle;
  ASSERT_STRATA_OK(strata_cpu_device_create(&options, &handle));
  ASSERT_NE(handle.device, nullptr);
  EXPECT_STREQ(handle.device->name(), "cpu");
  EXPECT_EQ(handle.device->capacity(STRATA_MEMORY_DEVICE), memory);
  EXPECT_EQ(handle.device->capacity(STRATA_MEMORY_HOST), memory);
}

TEST(CpuDeviceFactory, BudgetsDeviceMemoryAsAsked) {
  strata_device_options options{1, 8192, nullptr, 0};
  strata_device handle;
  ASSERT_STRATA_OK(strata_cpu_device_create(&options, &handle));
  Device &device = *handle.device;
  EXPECT_EQ(device.capacity(STRATA_MEMORY_DEVICE), 8192u);
  std::unique_ptr<Arena> first, second, host;
  ASSERT_STRATA_OK(device.allocateArena(STRATA_MEMORY_DEVICE, 6144, 64, first));
  EXPECT_TRUE(isError(device.allocateArena(STRATA_MEMORY_DEVICE, 4096, 64, second),
                      STRATA_ERROR_OUT_OF_MEMORY,
                      {"4096-byte arena in device memory", "6144 of its 8192 bytes are in use"}));
  // The host's memory is not the device's budget.
  ASSERT_STRATA_OK(device.allocateArena(STRATA_MEMORY_HOST, 16384, 64, host));
  first.reset();
  ASSERT_STRATA_OK(device.allocateArena(STRATA_MEMORY_DEVICE, 8192, 64, second));
}

TEST(CpuDeviceFactory, CountsItsHostArenasAsPinnedOrNot) {
  // Host-memory arenas are locked into RAM where the process may lock them;
  // either way each byte is counted once, and device arenas not at all.
  strata_device_options options{1, 0, nullptr, 0};
  strata_device handle;
  ASSERT_STRATA_OK(strata_cpu_device_create(&options, &handle));
  Device &device = *handle.device;
  uint64_t before = cpu::HostArena::pinnedBytes() + cpu::HostArena::unpinnedBytes();
  std::unique_ptr<Arena> host, onDevice;
  ASSERT_STRATA_OK(device.allocateArena(STRATA_MEMORY_HOST, 65536, 4096, host));
  ASSERT_STRATA_OK(device.allocateArena(STRATA_MEMORY_DEVICE, 65536, 64, onDevice));
  EXPECT_EQ(cpu::HostArena::pinnedBytes() + cpu::HostArena::unpinnedBytes(), before + 65536);
  EXPECT_EQ(device.counters().pinnedHostBytes, cpu::HostArena::pinnedBytes());
  host.reset();
  EXPECT_EQ(cpu::HostArena::pinnedBytes() + cpu::HostArena::unpinnedBytes(), before);
}

TEST(CpuDeviceFactory, MeasuresItsFlopRateAndMemoryBandwidth) {
  // What --probe writes for the tier planner: positive, finite, and within
  // what any machine this runs on can do.
  strata_device_options options{1, 0, nullptr, 0};
  strata_device handle;
  ASSERT_STRATA_OK(strata_cpu_device_create(&options, &handle));
  double flops = 0, memory = 0;
  ASSERT_STRATA_OK(handle.device->measureCompute(flops, memory));
  EXPECT_GT(flops, 1e8);
  EXPECT_LT(flops, 1e15);
  EXPECT_GT(memory, 1e8);
  EXPECT_LT(memory, 1e14);
}

TEST(CpuDeviceFactory, RefusesFewerThanOneThread) {
  strata_device_options options{0, 0, nullptr, 0};
  strata_device handle;
  EXPECT_TRUE(isError(strata_cpu_device_create(&options, &handle), STRATA_ERROR_INVALID_ARGUMENT,
                      {"at least 1 thread", "not 0"}));
  EXPECT_EQ(handle.device, nullptr);
  EXPECT_TRUE(
      isError(strata_cpu_device_create(nullptr, &handle), STRATA_ERROR_INVALID_ARGUMENT, {"NULL"}));
}

TEST(CpuFallbackHeapDeathTest, FreeingAForeignBlockStopsTheProgram) {
  int foreign = 0;
  EXPECT_DEATH(_mlir_memref_to_llvm_free(&foreign),
               "error: the compiled code freed 0x[0-9a-f]+, a block it did not allocate");
}

} // namespace
} // namespace strata::test

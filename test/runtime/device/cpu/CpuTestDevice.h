//===- CpuTestDevice.h - A CPU device of a chosen capacity -----*- C++ -*-===//
//
// The CPU device the runtime's tests run on, with each memory space holding
// at most `capacity` bytes of arenas.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TEST_RUNTIME_DEVICE_CPU_CPUTESTDEVICE_H
#define STRATA_TEST_RUNTIME_DEVICE_CPU_CPUTESTDEVICE_H

#include "runtime/device/cpu/CpuDevice.h"

#include <memory>

namespace strata::test {

inline std::unique_ptr<cpu::CpuDevice> cpuDeviceOfCapacity(uint64_t capacity) {
  cpu::CpuDeviceOptions options;
  for (uint64_t &c : options.capacity)
    c = capacity;
  return std::make_unique<cpu::CpuDevice>(options);
}

} // namespace strata::test

#endif // STRATA_TEST_RUNTIME_DEVICE_CPU_CPUTESTDEVICE_H

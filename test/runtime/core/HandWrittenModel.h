//===- HandWrittenModel.h - Descriptions of hand-written models -*- C++ -*-===//
//
// The executor's tests stand a function written by hand in for compiled
// code; this describes it as stratac's generated part would, on the CPU
// device and without weights.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TEST_RUNTIME_CORE_HANDWRITTENMODEL_H
#define STRATA_TEST_RUNTIME_CORE_HANDWRITTENMODEL_H

#include "runtime/device/cpu/CpuDevice.h"
#include "strata/model.h"

#include <cstddef>

namespace strata::test {

/// Model `name`, whose `invoke` takes `inputs`, returns `outputs` and is
/// given the `numArenas` arenas `arenas`.
template <size_t NumInputs, size_t NumOutputs>
strata_model handWrittenModel(const char *name, const strata_model_value (&inputs)[NumInputs],
                              const strata_model_value (&outputs)[NumOutputs],
                              strata_model_invoke_fn invoke,
                              const strata_model_arena *arenas = nullptr, int32_t numArenas = 0) {
  return {STRATA_MODEL_ABI_VERSION,
          name,
          static_cast<int32_t>(NumInputs),
          inputs,
          static_cast<int32_t>(NumOutputs),
          outputs,
          numArenas,
          arenas,
          "hand-written.weights",
          0,
          strata_cpu_device_create,
          invoke};
}

} // namespace strata::test

#endif // STRATA_TEST_RUNTIME_CORE_HANDWRITTENMODEL_H

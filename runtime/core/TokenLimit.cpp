//===- TokenLimit.cpp - How far --generate can go -------------------------===//
//
// See TokenLimit.h. Inputs are recognised by the names Generate.cpp feeds.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/TokenLimit.h"
#include "runtime/core/Executor.h"

#include <string_view>

namespace strata {
namespace {

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

/// The axis of input `v` that a --generate step fills with a length that
/// grows, and that length; false for other inputs.
bool grownAxis(const strata_model_value &v, int64_t past, int64_t fresh, int32_t &axis,
               int64_t &length) {
  std::string_view name = v.name;
  if (v.kind != STRATA_VALUE_TENSOR || v.rank < 1)
    return false;
  axis = v.rank - 1;
  if (name == "input_ids" || name == "position_ids") {
    length = fresh;
    return true;
  }
  if (name == "attention_mask") {
    length = past + fresh;
    return true;
  }
  if ((startsWith(name, "past_key_values.") || startsWith(name, "past_")) && v.rank >= 2) {
    axis = v.rank - 2;
    length = past;
    return true;
  }
  return false;
}

} // namespace

std::string checkStepWithinBounds(const strata_model &model, int64_t past, int64_t fresh) {
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    const strata_model_value &v = model.inputs[i];
    if (isKvCache(v) && past + fresh > v.cache_capacity)
      return "the KV cache of input '" + std::string(v.name) + "' would need " +
             std::to_string(past + fresh) + " positions, the program was compiled for at most " +
             std::to_string(v.cache_capacity) + " (the --max-shape bound of its present output)";
    int32_t axis = 0;
    int64_t length = 0;
    if (!grownAxis(v, past, fresh, axis, length) || v.dims[axis] >= 0 || v.max_dims[axis] < 0 ||
        length <= v.max_dims[axis])
      continue;
    return "input '" + std::string(v.name) + "' would need " + std::to_string(length) +
           " positions in dimension " + std::to_string(axis) +
           ", the program was compiled for at most " + std::to_string(v.max_dims[axis]) +
           " (--max-shape)";
  }
  return "";
}

std::string tokenLimitMessage(long step, long steps, int64_t past, int64_t fresh,
                              const std::string &reason) {
  std::string positions =
      fresh == 1 ? "position " + std::to_string(past)
                 : "positions " + std::to_string(past) + " to " + std::to_string(past + fresh - 1);
  return "--generate stopped after " + std::to_string(step) + " of " + std::to_string(steps) +
         " tokens: the model cannot run " + positions + ": " + reason;
}

} // namespace strata

//===- InputDefaults.cpp - Inputs the caller may leave out ----------------===//
//
// The weights file records only a default's bytes; its shape comes from the
// model's description (`default_dims`), and the two are checked to agree
// before anything is copied.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/InputDefaults.h"

#include <cstring>

namespace strata {
namespace {

/// A copy of input `v`'s default from `weights` in `out`.
std::string loadDefault(const strata_model_value &v, const strata_weights *weights,
                        OwnedTensor &out) {
  std::string what = "input '" + std::string(v.name) + "' was not given, and its default";
  const void *data = nullptr;
  size_t bytes = 0;
  if (strata_status s = strata_weights_find(weights, v.name, &data, &bytes))
    return what + " is missing: " + takeMessage(s);
  strata_tensor *t = nullptr;
  if (strata_status s = strata_tensor_create(v.dtype, v.rank, v.default_dims, &t))
    return what + ": " + takeMessage(s);
  out.reset(t);
  size_t expected = static_cast<size_t>(strata_tensor_num_elements(t)) * strata_dtype_size(v.dtype);
  if (bytes != expected)
    return what + " in the weights file holds " + std::to_string(bytes) + " bytes; " +
           strata_dtype_name(v.dtype) + " " + shapeText(v.rank, v.default_dims) + " needs " +
           std::to_string(expected);
  if (bytes > 0)
    std::memcpy(strata_tensor_data(t), data, bytes);
  return "";
}

} // namespace

std::string fillInputDefaults(const strata_model &model, const strata_weights *weights,
                              std::vector<OwnedTensor> &inputs) {
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    const strata_model_value &v = model.inputs[i];
    if (v.kind != STRATA_VALUE_TENSOR || inputs[i] || !v.default_dims)
      continue;
    if (std::string e = loadDefault(v, weights, inputs[i]); !e.empty())
      return e;
  }
  return "";
}

} // namespace strata

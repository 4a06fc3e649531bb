//===- PassThrough.cpp - Sequence and optional model values ---------------===//
//
// Reading, checking and writing the values PassThrough.h describes, through
// the runtime's .npy and .npz functions.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/PassThrough.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace strata {

bool isSequence(const strata_model_value &value) {
  return value.kind == STRATA_VALUE_SEQUENCE || value.kind == STRATA_VALUE_OPTIONAL_SEQUENCE;
}

std::string loadListValue(const strata_model_value &value, const std::string &file,
                          ListValue &out) {
  out.tensors.clear();
  out.present = false;
  std::string what =
      "input '" + std::string(value.name) + "' (" +
      (isSequence(value) ? "a sequence, from a .npz file" : "a tensor, from a .npy file") + "): ";
  if (!isSequence(value)) {
    strata_tensor *t = nullptr;
    if (strata_status s = strata_npy_load(file.c_str(), &t))
      return what + takeMessage(s);
    out.tensors.emplace_back(t);
    out.present = true;
    return "";
  }
  strata_tensor **list = nullptr;
  int32_t count = 0;
  if (strata_status s = strata_npz_load(file.c_str(), &list, &count))
    return what + takeMessage(s);
  out.present = true;
  for (int32_t i = 0; i < count; ++i) {
    out.tensors.emplace_back(list[i]);
    list[i] = nullptr;
  }
  strata_tensor_list_free(list, count);
  return "";
}

std::string checkListValue(const strata_model_value &value, const ListValue &list) {
  std::string name = "input '" + std::string(value.name) + "'";
  if (!list.present) {
    if (value.kind == STRATA_VALUE_SEQUENCE)
      return "missing --input " + std::string(value.name) + "=FILE.npz (a sequence)";
    return "";
  }
  for (size_t i = 0; i < list.tensors.size(); ++i) {
    std::string what = isSequence(value) ? name + " element " + std::to_string(i) : name;
    if (std::string error = checkTensor(value, list.tensors[i].get(), what); !error.empty())
      return error;
  }
  return "";
}

std::string saveListValue(const strata_model_value &value, const ListValue &list,
                          const std::string &file, bool &written) {
  written = list.present;
  if (!list.present) {
    if (std::remove(file.c_str()) != 0 && errno != ENOENT)
      return "output '" + std::string(value.name) + "' is an empty optional, but an earlier '" +
             file + "' cannot be removed: " + std::strerror(errno);
    return "";
  }
  strata_status s = nullptr;
  if (isSequence(value)) {
    std::vector<const strata_tensor *> tensors;
    for (const OwnedTensor &t : list.tensors)
      tensors.push_back(t.get());
    s = strata_npz_save(file.c_str(), tensors.data(), static_cast<int32_t>(tensors.size()));
  } else {
    s = strata_npy_save(file.c_str(), list.tensors.front().get());
  }
  return s ? takeMessage(s) : "";
}

} // namespace strata

//===- PassThrough.h - Sequence and optional model values -------*- C++ -*-===//
//
// Inputs that are sequences or optionals never reach the compiled code: the
// program reads them, checks them against the model's description and writes
// them out again as the outputs that pass them on. A sequence is a .npz file
// (numpy.savez(path, *tensors)); an optional tensor a .npy file; an absent
// optional is an input that is not given.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_PASSTHROUGH_H
#define STRATA_RUNTIME_CORE_PASSTHROUGH_H

#include "runtime/core/Executor.h"

namespace strata {

/// The tensors of a sequence or optional value; an absent optional has
/// `present` false.
struct ListValue {
  bool present = false;
  std::vector<OwnedTensor> tensors;
};

/// True for the kinds that are sequences (read and written as .npz).
bool isSequence(const strata_model_value &value);

/// Reads `file` as the value of input `value`.
std::string loadListValue(const strata_model_value &value, const std::string &file, ListValue &out);

/// Checks `list` against input `value`: a sequence must be given; each tensor
/// must have the declared dtype and shape.
std::string checkListValue(const strata_model_value &value, const ListValue &list);

/// Writes `list` as output `value` to `file` (atomically). For an absent
/// optional no file is written and an earlier `file` is removed, so none is
/// left that could be taken for this run's; `written` says whether one was.
std::string saveListValue(const strata_model_value &value, const ListValue &list,
                          const std::string &file, bool &written);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_PASSTHROUGH_H

//===- Executor.h - Runs a compiled model on the CPU ------------*- C++ -*-===//
//
// Checks input tensors against the model's description, builds the memref
// descriptors the compiled code takes, runs it, and hands back the outputs as
// tensors.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CPU_EXECUTOR_H
#define STRATA_RUNTIME_CPU_EXECUTOR_H

#include "strata/model.h"

#include <memory>
#include <string>
#include <vector>

namespace strata {

/// Owns a tensor from the C API.
struct TensorDeleter {
  void operator()(strata_tensor *t) const { strata_tensor_destroy(t); }
};
using OwnedTensor = std::unique_ptr<strata_tensor, TensorDeleter>;

/// Runs `model`; every method reports errors as a message, empty on success.
class Executor {
public:
  /// `weights` is the model's mapped weights file.
  Executor(const strata_model &model, const strata_weights *weights);

  /// Checks that `inputs` (one per model input, in order; entries for inputs
  /// that are not tensors are ignored) match the model: dtype, rank, static
  /// dimensions and bounds of dynamic ones (dtype only for type-only inputs).
  std::string checkInputs(const std::vector<strata_tensor *> &inputs) const;

  /// Runs the model once on checked inputs; `outputs` receives one owned tensor
  /// per model output, null for outputs that pass on a sequence or optional
  /// input (see PassThrough.h).
  std::string run(const std::vector<strata_tensor *> &inputs,
                  std::vector<OwnedTensor> &outputs) const;

private:
  const strata_model &model_;
  /// The memref descriptor of the weights: a 1-D byte buffer.
  std::vector<int64_t> weights_;
};

/// Checks `t` against the dtype and shape of `v` (any shape when its rank is
/// -1 or it is type-only); errors begin with `what`.
std::string checkTensor(const strata_model_value &v, const strata_tensor *t,
                        const std::string &what);

/// The message of `s`, which it releases.
std::string takeMessage(strata_status s);

/// The index of the model input or output called `name`, or -1.
int findValue(const strata_model_value *values, int32_t count, const std::string &name);

} // namespace strata

#endif // STRATA_RUNTIME_CPU_EXECUTOR_H

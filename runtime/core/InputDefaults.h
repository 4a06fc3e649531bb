//===- InputDefaults.h - Inputs the caller may leave out --------*- C++ -*-===//
//
// An input with a default (in ONNX, an initializer that shares the input's
// name) may be left out: the weights file holds the default under the input's
// name, and the program passes a copy of it as the input.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_INPUTDEFAULTS_H
#define STRATA_RUNTIME_CORE_INPUTDEFAULTS_H

#include "runtime/core/Executor.h"

#include <string>
#include <vector>

namespace strata {

/// Gives each tensor input of `model` that `inputs` (one entry per model
/// input) leaves null and that has a default a copy of its default from
/// `weights`, so that the compiled code gets memory of its own rather than
/// the read-only mapping. Inputs without a default stay null. Returns an
/// error naming the input, or "".
std::string fillInputDefaults(const strata_model &model, const strata_weights *weights,
                              std::vector<OwnedTensor> &inputs);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_INPUTDEFAULTS_H

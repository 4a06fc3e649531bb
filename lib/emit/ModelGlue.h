//===- ModelGlue.h - The generated part of an emitted program ---*- C++ -*-===//
//
// Writes the C++ source that defines `strata_compiled_model` (see
// include/strata/model.h) for a signature: value and arena tables, the
// device factory and the call into the compiled code's C interface.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_MODELGLUE_H
#define STRATA_LIB_EMIT_MODELGLUE_H

#include "lib/emit/ModelSignature.h"

namespace strata {

/// The weights file a program maps: its name (next to the program) and the
/// model id recorded in it.
struct WeightsFileInfo {
  std::string name;
  uint64_t modelId = 0;
};

/// The source text; `entry` is the compiled function's C-interface symbol,
/// which takes the weights' data region after the inputs and the arenas after
/// the weights; `deviceFactory` is the C symbol of the factory of the device
/// the compiled code runs on (a strata_device_factory_fn).
std::string generateModelGlue(const ModelSignature &signature, llvm::StringRef entry,
                              const WeightsFileInfo &weights, llvm::StringRef deviceFactory);

} // namespace strata

#endif // STRATA_LIB_EMIT_MODELGLUE_H

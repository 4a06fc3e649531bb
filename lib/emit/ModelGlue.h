//===- ModelGlue.h - The generated part of an emitted program ---*- C++ -*-===//
//
// Writes the C++ source that defines `strata_compiled_model` (see
// include/strata/model.h) for a signature: value tables and the call into the
// compiled code's C interface.
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
/// which takes the mapped weights after the inputs.
std::string generateModelGlue(const ModelSignature &signature, llvm::StringRef entry,
                              const WeightsFileInfo &weights);

} // namespace strata

#endif // STRATA_LIB_EMIT_MODELGLUE_H

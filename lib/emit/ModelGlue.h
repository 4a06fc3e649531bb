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

/// The source text; `entry` is the compiled function's C-interface symbol.
std::string generateModelGlue(const ModelSignature &signature, llvm::StringRef entry);

} // namespace strata

#endif // STRATA_LIB_EMIT_MODELGLUE_H

//===- Bufferize.h - Bufferisation models Strata adds -----------*- C++ -*-===//
//
// Registration of the bufferisation interfaces that upstream lacks for ops
// Strata's IR uses (the `strata-bufferize` pass itself is in Passes.h).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_LOWERING_BUFFERIZE_H
#define STRATA_LIB_LOWERING_BUFFERIZE_H

#include "mlir/IR/DialectRegistry.h"

namespace strata {

/// Attaches the bufferisation interface of `ml_program.global_load_const`.
void registerBufferizationModels(mlir::DialectRegistry &registry);

} // namespace strata

#endif // STRATA_LIB_LOWERING_BUFFERIZE_H

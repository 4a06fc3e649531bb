//===- Passes.h - Raising primitive graphs to graph ops ---------*- C++ -*-===//
//
// Declarations of the passes in Passes.td and of the raising patterns they
// apply.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_RAISE_PASSES_H
#define STRATA_PASSES_RAISE_PASSES_H

#include "dialects/graph/GraphDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace strata {

#define GEN_PASS_DECL
#include "passes/raise/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/raise/Passes.h.inc"

/// Patterns that raise GELU (erf and tanh forms) and SiLU.
void populateRaiseActivationPatterns(mlir::RewritePatternSet &patterns);

/// Patterns that raise scaled dot-product attention.
void populateRaiseAttentionPatterns(mlir::RewritePatternSet &patterns);

/// Patterns that raise layer and RMS normalisation.
void populateRaiseNormPatterns(mlir::RewritePatternSet &patterns);

} // namespace strata

#endif // STRATA_PASSES_RAISE_PASSES_H

//===- Passes.h - Decomposition of composite graph ops ----------*- C++ -*-===//
//
// Declarations of the passes in Passes.td and of the decomposition patterns
// they apply, so that other passes can decompose single ops.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_DECOMPOSE_PASSES_H
#define STRATA_PASSES_DECOMPOSE_PASSES_H

#include "dialects/graph/GraphDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace strata {

#define GEN_PASS_DECL
#include "passes/decompose/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/decompose/Passes.h.inc"

/// One pattern per composite graph op that rewrites it into the graph ops it is
/// made of; a pattern that cannot fails with the reason (`notifyMatchFailure`)
/// before changing any IR.
void populateDecompositionPatterns(mlir::RewritePatternSet &patterns);

} // namespace strata

#endif // STRATA_PASSES_DECOMPOSE_PASSES_H

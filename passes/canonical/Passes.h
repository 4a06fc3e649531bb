//===- Passes.h - Canonicalisation passes of the graph dialect --*- C++ -*-===//
//
// Declarations of the passes in Passes.td and the pipeline that combines them with
// upstream canonicalisation.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_CANONICAL_PASSES_H
#define STRATA_PASSES_CANONICAL_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace strata {

#define GEN_PASS_DECL
#include "passes/canonical/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/canonical/Passes.h.inc"

/// `rounds` rounds of folding and shape refinement, then CSE and DCE.
void buildCanonicalPipeline(mlir::OpPassManager &pm, int rounds);

} // namespace strata

#endif // STRATA_PASSES_CANONICAL_PASSES_H

//===- Passes.h - Reverse-mode differentiation ------------------*- C++ -*-===//
//
// Declarations of the passes in Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_AUTODIFF_PASSES_H
#define STRATA_PASSES_AUTODIFF_PASSES_H

#include "dialects/graph/GraphDialect.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace strata {

#define GEN_PASS_DECL
#include "passes/autodiff/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/autodiff/Passes.h.inc"

} // namespace strata

#endif // STRATA_PASSES_AUTODIFF_PASSES_H

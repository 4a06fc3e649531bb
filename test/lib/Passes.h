//===- Passes.h - Test-only passes ------------------------------*- C++ -*-===//
//
// Declarations and registration of the passes in Passes.td, for strata-opt.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TEST_LIB_PASSES_H
#define STRATA_TEST_LIB_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace strata::test {

#define GEN_PASS_DECL
#include "test/lib/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "test/lib/Passes.h.inc"

} // namespace strata::test

#endif // STRATA_TEST_LIB_PASSES_H

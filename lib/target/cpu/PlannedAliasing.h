//===- PlannedAliasing.h - Which planned buffers may overlap ----*- C++ -*-===//
//
// What the memory plan guarantees about the buffers of the compiled code,
// for the CPU passes that reason about memory after it: every buffer is a
// view of an arena argument at a constant offset (or a function argument, a
// global, or a heap block), and buffers that are live at the same time never
// share bytes, except the input and output of an elementwise op that writes
// in place, which sit at the same offset.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_TARGET_CPU_PLANNEDALIASING_H
#define STRATA_LIB_TARGET_CPU_PLANNEDALIASING_H

#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Value.h"

namespace strata {

/// Whether memrefs `a` and `b`, both live where the caller uses them, may
/// share memory: false for views of one arena at different constant offsets,
/// and for views of distinct allocations (arguments, globals, heap blocks).
bool mayAlias(mlir::Value a, mlir::Value b);

/// Whether `memref` reads memory that never changes while the program runs: a
/// view of the entry point's weights region (`program.weights_region`), unless
/// the entry point trains (`program.training`: its runs update the weights),
/// or of a constant global in `symbols`.
bool isConstant(mlir::Value memref, mlir::SymbolTable &symbols);

} // namespace strata

#endif // STRATA_LIB_TARGET_CPU_PLANNEDALIASING_H

//===- RuntimeCheck.h - Run-time checks of the compiled code ----*- C++ -*-===//
//
// What the compiler cannot know it checks at run time (an index read from a
// tensor, sizes computed from the inputs' shapes, a buffer's size against its
// slot in the memory plan): a `cf.assert` whose message the program prints
// when the check fails, after which it exits with status 1 (each target
// lowers `cf.assert` to its way of reporting to the executor). Messages begin
// with the ONNX node the check belongs to.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_PROGRAM_RUNTIMECHECK_H
#define STRATA_DIALECTS_PROGRAM_RUNTIMECHECK_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Location.h"

#include <string>

namespace strata::program {

/// "node 'NAME (OpType)'" for the ONNX node of `loc` (the importer's NameLoc,
/// also found inside fused and call-site locations), else "an op at
/// FILE:LINE:COLUMN" or "an unnamed op".
std::string describeNode(mlir::Location loc);

/// A `cf.assert` of `condition` (i1) at `loc` whose message is
/// "<describeNode(loc)>: <what>".
void emitRuntimeCheck(mlir::OpBuilder &b, mlir::Location loc, mlir::Value condition,
                      const llvm::Twine &what);

} // namespace strata::program

#endif // STRATA_DIALECTS_PROGRAM_RUNTIMECHECK_H

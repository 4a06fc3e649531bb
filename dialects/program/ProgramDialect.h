//===- ProgramDialect.h - The program contract ------------------*- C++ -*-===//
//
// Include this to use the program dialect's attributes (see
// ProgramDialect.td for what each carries and where it is attached).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_PROGRAM_PROGRAMDIALECT_H
#define STRATA_DIALECTS_PROGRAM_PROGRAMDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpImplementation.h"

#include "dialects/program/ProgramDialect.h.inc"
#include "dialects/program/ProgramEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/program/ProgramAttrs.h.inc"

namespace mlir {
class FunctionOpInterface;
class ModuleOp;
} // namespace mlir

namespace strata::program {

/// The function of `module` marked `program.entry`, or null.
mlir::FunctionOpInterface findEntry(mlir::ModuleOp module);

} // namespace strata::program

#endif // STRATA_DIALECTS_PROGRAM_PROGRAMDIALECT_H

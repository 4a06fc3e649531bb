//===- TierDialect.h - The tier plan made explicit --------------*- C++ -*-===//
//
// Include this to use the tier dialect's ops, types and attributes (see
// TierDialect.td for what each means).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_TIER_TIERDIALECT_H
#define STRATA_DIALECTS_TIER_TIERDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/tier/TierDialect.h.inc"
#include "dialects/tier/TierEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/tier/TierTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/tier/TierAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/tier/TierOps.h.inc"

#endif // STRATA_DIALECTS_TIER_TIERDIALECT_H

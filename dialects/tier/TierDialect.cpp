//===- TierDialect.cpp - Tier dialect registration ------------------------===//
//
// Registers the tier dialect's ops, its event type and its attributes.
//
//===----------------------------------------------------------------------===//

#include "dialects/tier/TierDialect.h"

using namespace mlir;
using namespace strata::tier;

#include "dialects/tier/TierDialect.cpp.inc"

void TierDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/tier/TierOps.cpp.inc"
      >();
  registerTypes();
  registerAttributes();
}

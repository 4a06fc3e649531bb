//===- RuntimeCheck.cpp - Run-time checks of the compiled code ------------===//
//
// See RuntimeCheck.h.
//
//===----------------------------------------------------------------------===//

#include "dialects/program/RuntimeCheck.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

using namespace mlir;

namespace strata::program {
namespace {

/// The first NameLoc in `loc`, looking through fused and call-site locations.
NameLoc findName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name;
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (NameLoc name = findName(inner))
        return name;
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return findName(call.getCallee());
  return {};
}

} // namespace

std::string describeNode(Location loc) {
  if (NameLoc name = findName(loc))
    return "node '" + name.getName().str() + "'";
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return "an op at " + file.getFilename().str() + ":" + std::to_string(file.getLine()) + ":" +
           std::to_string(file.getColumn());
  return "an unnamed op";
}

void emitRuntimeCheck(OpBuilder &b, Location loc, Value condition, const llvm::Twine &what) {
  cf::AssertOp::create(b, loc, condition, describeNode(loc) + ": " + what.str());
}

} // namespace strata::program

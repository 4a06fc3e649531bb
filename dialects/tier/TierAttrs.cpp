//===- TierAttrs.cpp - The event type and the plan's attributes -----------===//
//
// Verifies the placement and plan attributes: every figure the planner
// writes is a size or a count, so none is negative, and a plan names each
// weight once.
//
//===----------------------------------------------------------------------===//

#include "dialects/tier/TierDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace strata::tier;

#include "dialects/tier/TierEnums.cpp.inc"

namespace {

/// `[#tier.placement<...>, ...]`: each placement printed whole, so that a
/// plan reads the same wherever it is printed.
ParseResult parsePlacements(AsmParser &parser, SmallVector<PlacementAttr> &placements) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() {
    PlacementAttr placement;
    if (parser.parseAttribute(placement))
      return failure();
    placements.push_back(placement);
    return success();
  });
}

void printPlacements(AsmPrinter &printer, ArrayRef<PlacementAttr> placements) {
  printer << "[";
  llvm::interleaveComma(placements, printer,
                        [&](PlacementAttr placement) { printer.printAttribute(placement); });
  printer << "]";
}

} // namespace

#define GET_TYPEDEF_CLASSES
#include "dialects/tier/TierTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/tier/TierAttrs.cpp.inc"

void TierDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/tier/TierTypes.cpp.inc"
      >();
}

void TierDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/tier/TierAttrs.cpp.inc"
      >();
}

LogicalResult PlacementAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringAttr name,
                                    Kind home, int64_t bytes, int64_t first, int64_t last) {
  if (!name || name.getValue().empty())
    return emitError() << "a placement needs the weight's name";
  if (bytes <= 0)
    return emitError() << "weight '" << name.getValue() << "' has " << bytes
                       << " bytes; a placed weight has at least one";
  if (first < 0 || last < first)
    return emitError() << "weight '" << name.getValue() << "' is read from stage " << first
                       << " to stage " << last << "; stages are counted from 0, first <= last";
  return success();
}

LogicalResult KvCacheAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t input,
                                  Kind home, int64_t bytes) {
  if (input < 0)
    return emitError() << "a KV cache's input is counted from 0; it is " << input;
  if (home == Kind::nvme)
    return emitError() << "the KV cache of input " << input
                       << " is at home on nvme; a KV cache lives on gpu or host";
  if (bytes <= 0)
    return emitError() << "the KV cache of input " << input << " has " << bytes
                       << " bytes; it has at least one";
  return success();
}

LogicalResult PlanAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t slots,
                               int64_t slotBytes, int64_t stepNs, int64_t copyNs, int64_t stallNs,
                               int64_t gpuBytes, int64_t hostBytes, int64_t nvmeBytes,
                               int64_t h2dBytes, int64_t nvmeReadBytes,
                               ArrayRef<PlacementAttr> placements) {
  for (auto [figure, value] : {std::pair<StringRef, int64_t>{"slots", slots},
                               {"slot_bytes", slotBytes},
                               {"step_ns", stepNs},
                               {"copy_ns", copyNs},
                               {"stall_ns", stallNs},
                               {"gpu_bytes", gpuBytes},
                               {"host_bytes", hostBytes},
                               {"nvme_bytes", nvmeBytes},
                               {"h2d_bytes", h2dBytes},
                               {"nvme_read_bytes", nvmeReadBytes}})
    if (value < 0)
      return emitError() << "'" << figure << "' is " << value << "; it cannot be negative";
  llvm::StringSet<> names;
  for (PlacementAttr placement : placements) {
    if (!names.insert(placement.getName().getValue()).second)
      return emitError() << "weight '" << placement.getName().getValue() << "' is placed twice";
    if (placement.getHome() == Kind::gpu)
      continue;
    if (slots == 0)
      return emitError() << "weight '" << placement.getName().getValue() << "' is streamed from "
                         << stringifyKind(placement.getHome())
                         << " but the plan has no device slots";
    if (placement.getBytes() > slotBytes)
      return emitError() << "weight '" << placement.getName().getValue() << "' ("
                         << placement.getBytes() << " bytes) does not fit a slot of " << slotBytes
                         << " bytes";
  }
  return success();
}

PlacementAttr PlanAttr::lookup(StringRef name) const {
  for (PlacementAttr placement : getPlacements())
    if (placement.getName().getValue() == name)
      return placement;
  return {};
}

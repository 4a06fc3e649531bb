//===- TensorSizeLimit.cpp - The largest tensor stratac compiles ----------===//
//
// Sizes are computed with overflow checks: a shape's product can exceed 64
// bits (ShapedType::getNumElements would wrap).
//
//===----------------------------------------------------------------------===//

#include "lib/driver/TensorSizeLimit.h"

#include "dialects/program/ProgramDialect.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace strata {

namespace {

/// The bytes of `type`, or nullopt when it has a dynamic or no shape, or when
/// they do not fit in 64 bits (`overflow` set).
std::optional<uint64_t> staticBytes(Type type, bool &overflow) {
  overflow = false;
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return std::nullopt;
  Type element = shaped.getElementType();
  uint64_t bytes = 1;
  if (element.isIntOrFloat())
    bytes = std::max<uint64_t>(1, llvm::divideCeil(element.getIntOrFloatBitWidth(), 8));
  for (int64_t d : shaped.getShape()) {
    bytes = llvm::SaturatingMultiply(bytes, static_cast<uint64_t>(d), &overflow);
    if (overflow)
      return std::nullopt;
  }
  return bytes;
}

/// "4 GiB" for messages.
std::string humanBytes(uint64_t bytes) {
  const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  double value = static_cast<double>(bytes);
  while (value >= 1024 && unit < 6) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

} // namespace

LogicalResult checkTensorSizes(ModuleOp module, uint64_t maxBytes) {
  auto check = [&](Type type, function_ref<InFlightDiagnostic()> emit) -> LogicalResult {
    bool overflow = false;
    std::optional<uint64_t> bytes = staticBytes(type, overflow);
    if (!overflow && (!bytes || *bytes <= maxBytes))
      return success();
    InFlightDiagnostic diag = emit();
    diag << "a tensor of type " << type << " needs ";
    if (overflow)
      diag << "more bytes than 64 bits can count";
    else
      diag << *bytes << " bytes (" << humanBytes(*bytes) << ")";
    diag << ", over the limit of " << maxBytes << " bytes (" << humanBytes(maxBytes)
         << ") per tensor; --max-tensor-bytes raises it";
    return diag;
  };
  // Pre-order, so that an oversized model input is reported at the input
  // rather than at the first op that uses it.
  WalkResult walked = module.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (auto function = dyn_cast<FunctionOpInterface>(op))
      for (auto [i, type] : llvm::enumerate(function.getArgumentTypes()))
        if (failed(check(type, [&] {
              InFlightDiagnostic diag = function.emitError("input ");
              if (auto value = function.getArgAttrOfType<program::ValueAttr>(
                      i, program::ProgramDialect::kValue))
                return std::move(diag << "'" << value.getName().getValue() << "': ");
              return std::move(diag << i << ": ");
            })))
          return WalkResult::interrupt();
    for (Type type : op->getResultTypes())
      if (failed(check(type, [&] { return op->emitError(); })))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(walked.wasInterrupted());
}

} // namespace strata

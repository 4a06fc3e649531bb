//===- SignalHandlers.cpp - Window functions of signal processing --------===//
//
// HannWindow, HammingWindow and BlackmanWindow (opset 17): generalised cosine
// windows `a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N)` over `n = 0 ..
// size-1`, with `N = size` for periodic windows and `size - 1` for symmetric
// ones, computed in `output_datatype` (in f32, then cast, for integer types).
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"
#include "lib/onnx/TensorConversion.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

/// `size` input as a rank-0 tensor of `element` type.
Value scalarSize(NodeContext &n, Type element) {
  Value size = n.input(0);
  if (tensorType(size).getRank() != 0)
    size = reshapeWithDims(n, size, {}, {});
  return castTo(n, size, element);
}

LogicalResult cosineWindow(NodeContext &n, double a0, double a1, double a2) {
  llvm::Expected<Type> output = convertElementType(n.context(), n.intAttr("output_datatype", 1));
  if (!output)
    return n.emitError() << llvm::toString(output.takeError());
  RankedTensorType sizeType = n.inputType(0);
  if (!isa<IntegerType>(sizeType.getElementType()) || !sizeType.hasStaticShape() ||
      sizeType.getNumElements() != 1)
    return n.emitError() << "size must be a scalar integer, got " << sizeType;
  bool periodic = n.intAttr("periodic", 1) != 0;
  // Computed in the output type when it is a float, as ONNX's reference does.
  Type compute = isa<FloatType>(*output) ? *output : n.builder().getF32Type();

  int64_t length = ShapedType::kDynamic;
  if (std::optional<int64_t> size = n.constantInt(0))
    length = *size;
  if (!ShapedType::isDynamic(length) && length < 0)
    return n.emitError() << "the window size must not be negative, got " << length;
  Value limit = scalarSize(n, compute);
  Value index =
      n.create<RangeOp>(RankedTensorType::get({length}, compute), scalarConstant(n, compute, 0),
                        limit, scalarConstant(n, compute, 1));
  Value period = periodic ? limit : n.create<SubOp>(limit, scalarConstant(n, compute, 1));
  Value phase = n.create<DivOp>(
      n.create<MulOp>(index, scalarConstant(n, compute, 2 * llvm::numbers::pi)), period);
  Value y =
      n.create<SubOp>(scalarConstant(n, compute, a0),
                      n.create<MulOp>(scalarConstant(n, compute, a1), n.create<CosOp>(phase)));
  if (a2 != 0) {
    Value twice = n.create<MulOp>(phase, scalarConstant(n, compute, 2));
    y = n.create<AddOp>(y, n.create<MulOp>(scalarConstant(n, compute, a2), n.create<CosOp>(twice)));
  }
  return n.setOutputs({castTo(n, y, *output)});
}

LogicalResult hannWindow(NodeContext &n) { return cosineWindow(n, 0.5, 0.5, 0); }

LogicalResult hammingWindow(NodeContext &n) { return cosineWindow(n, 25.0 / 46, 21.0 / 46, 0); }

LogicalResult blackmanWindow(NodeContext &n) { return cosineWindow(n, 0.42, 0.5, 0.08); }

} // namespace

void registerSignalHandlers(HandlerRegistry &r) {
  r.add("HannWindow", 17, hannWindow);
  r.add("HammingWindow", 17, hammingWindow);
  r.add("BlackmanWindow", 17, blackmanWindow);
}

} // namespace strata::onnx

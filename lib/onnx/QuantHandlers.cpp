//===- QuantHandlers.cpp - Linear quantisation ONNX ops -------------------===//
//
// QuantizeLinear and DequantizeLinear map to graph.quantize / graph.dequantize
// (per tensor or per axis; blocked quantisation is not supported).
// DynamicQuantizeLinear computes its uint8 scale and zero point from the
// input's range as the ONNX specification writes it, then quantizes.
// MatMulInteger widens both operands to i32, subtracts their zero points and
// multiplies.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"
#include "lib/onnx/TensorConversion.h"

#include "dialects/graph/TypeInference.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

/// The quantisation axis for `scale` against `x`: the normalised `axis`
/// attribute for a 1-D scale of more than one element, else 1 (unused).
FailureOr<int64_t> quantAxis(NodeContext &n, Value x, Value scale) {
  if (n.intAttr("block_size", 0) != 0)
    return n.unsupported("blocked quantisation (block_size != 0)");
  RankedTensorType s = tensorType(scale);
  if (s.getRank() == 0 || (s.getRank() == 1 && s.getDimSize(0) == 1))
    return 1;
  int64_t rank = tensorType(x).getRank();
  return normalizeAxis(n.intAttr("axis", 1), rank, n.loc());
}

LogicalResult quantizeLinear(NodeContext &n) {
  Value x = n.input(0), scale = n.input(1);
  Value zeroPoint = n.hasInput(2) ? n.input(2) : Value();
  if (!isa<FloatType>(elementType(x)))
    return n.unsupported("QuantizeLinear of a non-float input");
  Type result = n.builder().getIntegerType(8, /*isSigned=*/false);
  if (zeroPoint) {
    result = elementType(zeroPoint);
  } else if (int64_t dtype = n.intAttr("output_dtype", 0)) {
    llvm::Expected<Type> t = convertElementType(n.context(), dtype);
    if (!t)
      return n.emitError() << llvm::toString(t.takeError());
    result = *t;
  }
  if (!isa<IntegerType>(result) || result.getIntOrFloatBitWidth() > 16)
    return n.unsupported("quantisation to a type other than an integer of 16 bits "
                         "or fewer");
  if (!zeroPoint && !result.isUnsignedInteger(8)) {
    // graph.quantize infers ui8 without a zero point; other types need one.
    RankedTensorType scaleType = tensorType(scale);
    if (!scaleType.hasStaticShape())
      return n.unsupported("output_dtype without a zero point for a dynamic scale");
    auto zpType = scaleType.clone(result);
    zeroPoint = n.create<ConstantOp>(cast<ElementsAttr>(
        DenseElementsAttr::get(zpType, APInt(result.getIntOrFloatBitWidth(), 0))));
  }
  if (elementType(scale) != elementType(x))
    scale = castTo(n, scale, elementType(x));
  FailureOr<int64_t> axis = quantAxis(n, x, scale);
  if (failed(axis))
    return failure();
  return n.setOutputs(
      {n.create<QuantizeOp>(tensorType(x).clone(result), x, scale, zeroPoint, *axis).getResult()});
}

LogicalResult dequantizeLinear(NodeContext &n) {
  Value x = n.input(0), scale = n.input(1);
  Value zeroPoint = n.hasInput(2) ? n.input(2) : Value();
  if (!isa<IntegerType>(elementType(x)))
    return n.unsupported("DequantizeLinear of a non-integer input");
  FailureOr<int64_t> axis = quantAxis(n, x, scale);
  if (failed(axis))
    return failure();
  return n.setOutputs(
      {n.create<DequantizeOp>(tensorType(x).clone(elementType(scale)), x, scale, zeroPoint, *axis)
           .getResult()});
}

/// `x` reduced to a scalar with `kind`.
Value reduceToScalar(NodeContext &n, ReductionKind kind, Value x) {
  auto axes = llvm::to_vector(llvm::seq<int64_t>(0, tensorType(x).getRank()));
  return n.create<ReduceOp>(RankedTensorType::get({}, elementType(x)), kind, x, Value(), axes,
                            false);
}

/// uint8 quantisation over the range of `x` widened to include 0:
/// scale = (max - min) / 255, zero_point = saturate(round(-min / scale)).
LogicalResult dynamicQuantizeLinear(NodeContext &n) {
  Value x = n.input(0);
  if (!isa<FloatType>(elementType(x)))
    return n.emitError() << "input must be floating-point, got " << tensorType(x);
  Value zero = scalarLike(n, x, 0);
  Value hi = n.create<MaxOp>(reduceToScalar(n, ReductionKind::max, x), zero);
  Value lo = n.create<MinOp>(reduceToScalar(n, ReductionKind::min, x), zero);
  Value scale = n.create<DivOp>(n.create<SubOp>(hi, lo), scalarLike(n, x, 255));
  Value zp = n.create<RoundOp>(n.create<SubOp>(zero, n.create<DivOp>(lo, scale)));
  zp = n.create<MinOp>(n.create<MaxOp>(zp, zero), scalarLike(n, x, 255));
  zp = castTo(n, zp, n.builder().getIntegerType(8, /*isSigned=*/false));
  Value y = n.create<QuantizeOp>(tensorType(x).clone(elementType(zp)), x, scale, zp,
                                 static_cast<uint64_t>(1));
  return n.setOutputs({y, scale, zp});
}

/// The zero point of input `i` as i32, shaped to broadcast against the operand:
/// a per-row zero point of A ([M]) becomes [M, 1].
Value widenedZeroPoint(NodeContext &n, int64_t i, bool perRow) {
  Value zp = castTo(n, n.input(i), n.builder().getI32Type());
  RankedTensorType t = tensorType(zp);
  if (perRow && t.getRank() == 1 && t.getDimSize(0) != 1)
    return unsqueeze(n, zp, {1});
  return zp;
}

LogicalResult matMulInteger(NodeContext &n) {
  Type i32 = n.builder().getI32Type();
  Value a = castTo(n, n.input(0), i32), b = castTo(n, n.input(1), i32);
  if (n.hasInput(2)) {
    Value zp = widenedZeroPoint(n, 2, /*perRow=*/true);
    if (failed(checkElementwiseOperands(n, {a, zp})))
      return failure();
    a = n.create<SubOp>(a, zp);
  }
  if (n.hasInput(3)) {
    Value zp = widenedZeroPoint(n, 3, /*perRow=*/false);
    if (failed(checkElementwiseOperands(n, {b, zp})))
      return failure();
    b = n.create<SubOp>(b, zp);
  }
  bool vectorA = tensorType(a).getRank() == 1, vectorB = tensorType(b).getRank() == 1;
  if (vectorA)
    a = unsqueeze(n, a, {0});
  if (vectorB)
    b = unsqueeze(n, b, {1});
  if (failed(inferMatMulShape(tensorType(a).getShape(), tensorType(b).getShape(), false, false,
                              n.loc())))
    return failure();
  Value y = n.create<MatMulOp>(a, b, false, false);
  int64_t rank = tensorType(y).getRank();
  if (vectorA && vectorB)
    y = squeeze(n, y, {rank - 2, rank - 1});
  else if (vectorA)
    y = squeeze(n, y, {rank - 2});
  else if (vectorB)
    y = squeeze(n, y, {rank - 1});
  return n.setOutputs({y});
}

} // namespace

void registerQuantHandlers(HandlerRegistry &r) {
  r.add("QuantizeLinear", 10, quantizeLinear);
  r.add("DequantizeLinear", 10, dequantizeLinear);
  r.add("DynamicQuantizeLinear", 11, dynamicQuantizeLinear);
  r.add("MatMulInteger", 10, matMulInteger);
}

} // namespace strata::onnx

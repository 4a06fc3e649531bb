//===- ElementwiseHandlers.cpp - Elementwise ONNX ops ---------------------===//
//
// Unary math, binary arithmetic with broadcasting, comparisons, logic, casts and
// the activation functions. Activations the graph dialect has no op for are
// written as compositions of elementwise graph ops.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"

#include "lib/onnx/TensorConversion.h"

#include "dialects/graph/TypeInference.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

template <typename OpTy> LogicalResult unary(NodeContext &n) {
  Value x = n.input(0);
  return n.setOutputs({n.create<OpTy>(x).getResult()});
}

template <typename OpTy> LogicalResult binary(NodeContext &n) {
  return n.setOutputs({n.create<OpTy>(n.input(0), n.input(1)).getResult()});
}

template <typename OpTy> LogicalResult checkedBinary(NodeContext &n) {
  if (failed(checkElementwiseOperands(n, {n.input(0), n.input(1)})))
    return failure();
  return binary<OpTy>(n);
}

template <ComparisonDirection D> LogicalResult compare(NodeContext &n) {
  if (failed(checkElementwiseOperands(n, {n.input(0), n.input(1)})))
    return failure();
  return n.setOutputs({n.create<CompareOp>(D, n.input(0), n.input(1)).getResult()});
}

/// Max, Min, Sum, Mean: left fold over any number of inputs.
template <typename OpTy> Value foldInputs(NodeContext &n) {
  Value acc = n.input(0);
  for (int64_t i = 1; i < n.numInputs(); ++i)
    acc = n.create<OpTy>(acc, n.input(i));
  return acc;
}

LogicalResult checkAllInputs(NodeContext &n) {
  SmallVector<Value> inputs;
  for (int64_t i = 0; i < n.numInputs(); ++i)
    inputs.push_back(n.input(i));
  return checkElementwiseOperands(n, inputs);
}

template <typename OpTy> LogicalResult variadic(NodeContext &n) {
  if (failed(checkAllInputs(n)))
    return failure();
  return n.setOutputs({foldInputs<OpTy>(n)});
}

LogicalResult mean(NodeContext &n) {
  if (failed(checkAllInputs(n)))
    return failure();
  Value sum = foldInputs<AddOp>(n);
  Value count = scalarLike(n, sum, static_cast<double>(n.numInputs()));
  return n.setOutputs({n.create<DivOp>(sum, count).getResult()});
}

LogicalResult identity(NodeContext &n) { return n.setOutputs({n.input(0)}); }

LogicalResult pow(NodeContext &n) {
  Value base = n.input(0);
  Value exponent = castTo(n, n.input(1), elementType(base));
  if (failed(checkElementwiseOperands(n, {base, exponent})))
    return failure();
  return n.setOutputs({n.create<PowOp>(base, exponent).getResult()});
}

LogicalResult mod(NodeContext &n) {
  if (failed(checkElementwiseOperands(n, {n.input(0), n.input(1)})))
    return failure();
  bool fmod = n.intAttr("fmod", 0) != 0;
  if (isa<FloatType>(elementType(n.input(0))) && !fmod) {
    // Opset 28 defines fmod = 0 for floating point (floor semantics).
    if (n.opset() >= 28)
      return n.unsupported("floating-point Mod with fmod = 0");
    return n.emitError() << "Mod of floating-point inputs requires fmod = 1";
  }
  return n.setOutputs(
      {n.create<ModOp>(n.input(0), n.input(1), n.builder().getBoolAttr(fmod)).getResult()});
}

LogicalResult where(NodeContext &n) {
  // Folding reads a constant condition as bools.
  if (Type condition = elementType(n.input(0)); !condition.isInteger(1))
    return n.emitError() << "the condition must be bool, but it is " << condition;
  if (failed(checkElementwiseOperands(n, {n.input(1), n.input(2)})) ||
      failed(
          inferBroadcastShape({tensorType(n.input(0)).getShape(), tensorType(n.input(1)).getShape(),
                               tensorType(n.input(2)).getShape()},
                              n.loc())))
    return failure();
  return n.setOutputs({n.create<WhereOp>(n.input(0), n.input(1), n.input(2)).getResult()});
}

LogicalResult castOp(NodeContext &n) {
  llvm::Expected<Type> to = convertElementType(n.context(), n.intAttr("to", 0));
  if (!to)
    return n.emitError() << llvm::toString(to.takeError());
  return n.setOutputs({castTo(n, n.input(0), *to)});
}

LogicalResult castLike(NodeContext &n) {
  return n.setOutputs({castTo(n, n.input(0), elementType(n.input(1)))});
}

LogicalResult clip(NodeContext &n) {
  Value x = n.input(0);
  Value lo, hi;
  if (n.opset() < 11) {
    if (n.hasAttr("min"))
      lo = scalarLike(n, x, n.floatAttr("min", 0));
    if (n.hasAttr("max"))
      hi = scalarLike(n, x, n.floatAttr("max", 0));
  } else {
    lo = n.input(1);
    hi = n.input(2);
  }
  for (Value bound : {lo, hi})
    if (bound && failed(checkElementwiseOperands(n, {x, bound})))
      return failure();
  if (lo)
    x = n.create<MaxOp>(x, lo);
  if (hi)
    x = n.create<MinOp>(x, hi);
  return n.setOutputs({x});
}

/// `x < 0 ? negative : x`.
Value selectNegative(NodeContext &n, Value x, Value negative) {
  Value isNeg = n.create<CompareOp>(ComparisonDirection::lt, x, scalarLike(n, x, 0));
  return n.create<WhereOp>(isNeg, negative, x);
}

LogicalResult leakyRelu(NodeContext &n) {
  Value x = n.input(0);
  Value scaled = n.create<MulOp>(x, scalarLike(n, x, n.floatAttr("alpha", 0.01f)));
  return n.setOutputs({selectNegative(n, x, scaled)});
}

LogicalResult prelu(NodeContext &n) {
  Value x = n.input(0);
  if (failed(checkElementwiseOperands(n, {x, n.input(1)})))
    return failure();
  return n.setOutputs({selectNegative(n, x, n.create<MulOp>(x, n.input(1)))});
}

/// `alpha * (exp(x) - 1)`.
Value expm1Scaled(NodeContext &n, Value x, double alpha) {
  Value e = n.create<SubOp>(n.create<ExpOp>(x), scalarLike(n, x, 1));
  return n.create<MulOp>(e, scalarLike(n, x, alpha));
}

LogicalResult elu(NodeContext &n) {
  Value x = n.input(0);
  return n.setOutputs({selectNegative(n, x, expm1Scaled(n, x, n.floatAttr("alpha", 1)))});
}

LogicalResult selu(NodeContext &n) {
  Value x = n.input(0);
  double alpha = n.floatAttr("alpha", 1.67326319217681884765625f);
  double gamma = n.floatAttr("gamma", 1.05070102214813232421875f);
  Value notPositive = n.create<CompareOp>(ComparisonDirection::le, x, scalarLike(n, x, 0));
  Value y = n.create<WhereOp>(notPositive, expm1Scaled(n, x, alpha), x);
  return n.setOutputs({n.create<MulOp>(y, scalarLike(n, x, gamma)).getResult()});
}

LogicalResult celu(NodeContext &n) {
  Value x = n.input(0);
  double alpha = n.floatAttr("alpha", 1);
  Value zero = scalarLike(n, x, 0);
  Value scaledX = n.create<DivOp>(x, scalarLike(n, x, alpha));
  Value negative = n.create<MinOp>(zero, expm1Scaled(n, scaledX, alpha));
  return n.setOutputs({n.create<AddOp>(n.create<MaxOp>(zero, x), negative).getResult()});
}

Value hardSigmoidOf(NodeContext &n, Value x, double alpha, double beta) {
  Value y = n.create<AddOp>(n.create<MulOp>(x, scalarLike(n, x, alpha)), scalarLike(n, x, beta));
  y = n.create<MinOp>(y, scalarLike(n, x, 1));
  return n.create<MaxOp>(y, scalarLike(n, x, 0));
}

LogicalResult hardSigmoid(NodeContext &n) {
  return n.setOutputs(
      {hardSigmoidOf(n, n.input(0), n.floatAttr("alpha", 0.2f), n.floatAttr("beta", 0.5f))});
}

LogicalResult hardSwish(NodeContext &n) {
  Value x = n.input(0);
  return n.setOutputs({n.create<MulOp>(x, hardSigmoidOf(n, x, 1.0 / 6, 0.5)).getResult()});
}

LogicalResult softplus(NodeContext &n) {
  Value x = n.input(0);
  Value e = n.create<AddOp>(n.create<ExpOp>(x), scalarLike(n, x, 1));
  return n.setOutputs({n.create<LogOp>(e).getResult()});
}

LogicalResult softsign(NodeContext &n) {
  Value x = n.input(0);
  Value d = n.create<AddOp>(n.create<AbsOp>(x), scalarLike(n, x, 1));
  return n.setOutputs({n.create<DivOp>(x, d).getResult()});
}

/// `x * sigmoid(alpha * x)`.
Value swishOf(NodeContext &n, Value x, double alpha) {
  Value scaled = alpha == 1 ? x : n.create<MulOp>(x, scalarLike(n, x, alpha));
  return n.create<MulOp>(x, n.create<SigmoidOp>(scaled));
}

LogicalResult swish(NodeContext &n) {
  return n.setOutputs({swishOf(n, n.input(0), n.floatAttr("alpha", 1))});
}

/// `swish(a) * b`; ONNX requires identical shapes, so nothing broadcasts.
LogicalResult swiGLU(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  if (tensorType(a).getRank() != tensorType(b).getRank() ||
      failed(verifyCompatibleShape(tensorType(a), tensorType(b))))
    return n.emitError() << "inputs A " << tensorType(a) << " and B " << tensorType(b)
                         << " must have the same shape";
  if (failed(checkElementwiseOperands(n, {a, b})))
    return failure();
  Value gate = swishOf(n, a, n.floatAttr("alpha", 1));
  return n.setOutputs({n.create<MulOp>(gate, b).getResult()});
}

LogicalResult gelu(NodeContext &n) {
  std::string approximate = n.stringAttr("approximate", "none");
  if (approximate != "none" && approximate != "tanh")
    return n.emitError() << "approximate must be 'none' or 'tanh', not '" << approximate << "'";
  auto mode = approximate == "tanh" ? GeluApproximation::tanh : GeluApproximation::none;
  return n.setOutputs({n.create<GeluOp>(n.input(0), mode).getResult()});
}

LogicalResult isNaN(NodeContext &n) {
  Value x = n.input(0);
  return n.setOutputs(
      {n.create<IsNanOp>(tensorType(x).clone(n.builder().getI1Type()), x).getResult()});
}

LogicalResult isInf(NodeContext &n) {
  Value x = n.input(0);
  return n.setOutputs(
      {n.create<IsInfOp>(tensorType(x).clone(n.builder().getI1Type()), x,
                         n.intAttr("detect_positive", 1) != 0, n.intAttr("detect_negative", 1) != 0)
           .getResult()});
}

} // namespace

void registerElementwiseHandlers(HandlerRegistry &r) {
  // Opset 6 dropped the `consumed_inputs` attribute of the unary ops and
  // activations; opset 7 replaced the binary ops' `broadcast`/`axis` attributes
  // by numpy broadcasting (opset 8 for the variadic ops, which before did not
  // broadcast at all).
  r.add("Abs", 6, unary<AbsOp>);
  r.add("Neg", 6, unary<NegOp>);
  r.add("Exp", 6, unary<ExpOp>);
  r.add("Log", 6, unary<LogOp>);
  r.add("Sqrt", 6, unary<SqrtOp>);
  r.add("Reciprocal", 6, unary<ReciprocalOp>);
  r.add("Tanh", 6, unary<TanhOp>);
  r.add("Sigmoid", 6, unary<SigmoidOp>);
  r.add("Erf", 9, unary<ErfOp>);
  r.add("Sin", 7, unary<SinOp>);
  r.add("Cos", 7, unary<CosOp>);
  r.add("Floor", 6, unary<FloorOp>);
  r.add("Ceil", 6, unary<CeilOp>);
  r.add("Round", 11, unary<RoundOp>);
  r.add("Sign", 9, unary<SignOp>);
  r.add("Relu", 6, unary<ReluOp>);
  r.add("Not", 1, unary<NotOp>);
  r.add("Identity", 1, identity);
  r.add("Add", 7, checkedBinary<AddOp>);
  r.add("Sub", 7, checkedBinary<SubOp>);
  r.add("Mul", 7, checkedBinary<MulOp>);
  r.add("Div", 7, checkedBinary<DivOp>);
  r.add("Pow", 7, pow);
  r.add("Mod", 10, mod);
  r.add("And", 7, checkedBinary<AndOp>);
  r.add("Or", 7, checkedBinary<OrOp>);
  r.add("Xor", 7, checkedBinary<XorOp>);
  r.add("Max", 8, variadic<MaxOp>);
  r.add("Min", 8, variadic<MinOp>);
  r.add("Sum", 8, variadic<AddOp>);
  r.add("Mean", 8, mean);
  r.add("Equal", 7, compare<ComparisonDirection::eq>);
  r.add("Less", 7, compare<ComparisonDirection::lt>);
  r.add("LessOrEqual", 12, compare<ComparisonDirection::le>);
  r.add("Greater", 7, compare<ComparisonDirection::gt>);
  r.add("GreaterOrEqual", 12, compare<ComparisonDirection::ge>);
  r.add("Where", 9, where);
  // Cast-1 names the target type with a string.
  r.add("Cast", 6, castOp);
  r.add("CastLike", 15, castLike);
  r.add("Clip", 6, clip);
  r.add("LeakyRelu", 6, leakyRelu);
  r.add("PRelu", 7, prelu);
  r.add("Elu", 6, elu);
  r.add("Selu", 6, selu);
  r.add("Celu", 12, celu);
  r.add("HardSigmoid", 6, hardSigmoid);
  r.add("HardSwish", 14, hardSwish);
  r.add("Softplus", 1, softplus);
  r.add("Softsign", 1, softsign);
  r.add("Swish", 24, swish);
  r.add("SwiGLU", 28, swiGLU);
  r.add("Gelu", 20, gelu);
  r.add("IsNaN", 9, isNaN);
  r.add("IsInf", 10, isInf);
}

} // namespace strata::onnx

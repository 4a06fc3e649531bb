//===- ReductionHandlers.cpp - Reductions, softmax, arg-reductions --------===//
//
// ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare (axes as an
// attribute before opset 13/18, as an input after), ArgMax/ArgMin, Softmax,
// LogSoftmax, CumSum and TopK.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"

#include "dialects/graph/TypeInference.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

/// Axes come from the attribute before opset 13 (ReduceSum) or 18 (the others)
/// and from the input after; both forms are accepted at every opset.
template <ReductionKind K> LogicalResult reduce(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  bool keepDims = n.intAttr("keepdims", 1) != 0;
  bool noopWithEmpty = n.intAttr("noop_with_empty_axes", 0) != 0;
  std::optional<SmallVector<int64_t>> axes = intsFromInputOrAttr(n, 1, "axes");
  // An axes input without elements is known to be empty, wherever it comes from.
  if (n.hasInput(1) && !axes && tensorType(n.input(1)).hasStaticShape() &&
      tensorType(n.input(1)).getNumElements() == 0)
    axes = SmallVector<int64_t>{};
  if (n.hasInput(1) && !axes) {
    // The run-time form reads an empty axes tensor as "all axes".
    if (noopWithEmpty && !tensorType(n.input(1)).hasStaticShape())
      return n.unsupported("run-time reduction axes of unknown length with "
                           "noop_with_empty_axes");
    std::optional<RankedTensorType> declared = n.declaredOutputType(0);
    if (!declared) {
      // Without a declared type the rank still follows: it is kept with keepdims,
      // and drops by the static length of axes without. Which dims are reduced is
      // known only at run time, so every dim not already 1 is dynamic.
      RankedTensorType axesType = tensorType(n.input(1));
      if (!keepDims && !axesType.hasStaticShape())
        return n.unsupported("run-time reduction axes of unknown length without keepdims "
                             "or a declared output type");
      int64_t rank = keepDims ? in.getRank() : in.getRank() - axesType.getNumElements();
      if (rank < 0)
        return n.emitError() << "axes has " << axesType.getNumElements()
                             << " elements, more than the input's rank " << in.getRank();
      SmallVector<int64_t> dims(rank, ShapedType::kDynamic);
      for (int64_t i = 0; i < rank && keepDims; ++i)
        if (in.getDimSize(i) == 1)
          dims[i] = 1;
      declared = RankedTensorType::get(dims, in.getElementType());
    }
    return n.setOutputs(
        {n.create<ReduceOp>(*declared, K, x, n.input(1), ArrayRef<int64_t>{}, keepDims)
             .getResult()});
  }
  SmallVector<int64_t> normalized;
  if (!axes || axes->empty()) {
    if (!noopWithEmpty)
      normalized = llvm::to_vector(llvm::seq<int64_t>(0, in.getRank()));
  } else {
    FailureOr<SmallVector<int64_t>> a = normalizeAxes(n, *axes, in.getRank());
    if (failed(a))
      return failure();
    normalized = *a;
  }
  FailureOr<Shape> shape = inferReduceShape(in.getShape(), normalized, keepDims, n.loc());
  if (failed(shape))
    return failure();
  auto result = RankedTensorType::get(*shape, in.getElementType());
  return n.setOutputs(
      {n.create<ReduceOp>(result, K, x, Value(), normalized, keepDims).getResult()});
}

template <ReductionKind K> LogicalResult argReduce(NodeContext &n) {
  Value x = n.input(0);
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", 0), tensorType(x).getRank(), n.loc());
  bool keepDims = n.intAttr("keepdims", 1) != 0;
  if (failed(axis) ||
      failed(inferReduceShape(tensorType(x).getShape(), {*axis}, keepDims, n.loc())))
    return failure();
  return n.setOutputs(
      {n.create<ArgReduceOp>(K, x, *axis, keepDims, n.intAttr("select_last_index", 0) != 0)
           .getResult()});
}

/// Before opset 13 softmax flattens the input to 2-D at `axis` and normalises
/// over all trailing dimensions.
template <typename OpTy> LogicalResult softmax(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  int64_t defaultAxis = n.opset() < 13 ? 1 : -1;
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", defaultAxis), in.getRank(), n.loc());
  if (failed(axis))
    return failure();
  if (n.opset() >= 13 || *axis == in.getRank() - 1)
    return n.setOutputs({n.create<OpTy>(x, *axis).getResult()});
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < in.getRank(); ++i) {
    if (in.isDynamicDim(i))
      return n.unsupported("opset < 13 softmax over several dynamic dimensions");
    (i < *axis ? outer : inner) *= in.getDimSize(i);
  }
  Value flat = reshapeWithDims(n, x, {outer, inner}, {0, 1});
  Value y = n.create<OpTy>(flat, static_cast<int64_t>(1));
  return n.setOutputs(
      {reshapeWithDims(n, y, in.getShape(), llvm::to_vector(llvm::seq<int64_t>(0, in.getRank())))});
}

LogicalResult cumsum(NodeContext &n) {
  Value x = n.input(0);
  int64_t rank = tensorType(x).getRank();
  bool exclusive = n.intAttr("exclusive", 0) != 0, reverse = n.intAttr("reverse", 0) != 0;
  if (std::optional<int64_t> axis = n.constantInt(1)) {
    FailureOr<int64_t> a = normalizeAxis(*axis, rank, n.loc());
    if (failed(a))
      return failure();
    return n.setOutputs({n.create<CumSumOp>(x, Value(), *a, exclusive, reverse).getResult()});
  }
  return n.setOutputs({n.create<CumSumOp>(x, n.input(1), 0, exclusive, reverse).getResult()});
}

LogicalResult topk(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", -1), in.getRank(), n.loc());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> dims(in.getShape());
  std::optional<int64_t> k = n.constantInt(1);
  if (k && *k < 0)
    return n.emitError() << "k must not be negative, got " << *k;
  dims[*axis] = k ? *k : ShapedType::kDynamic;
  if (std::optional<RankedTensorType> declared = n.declaredOutputType(0))
    if (declared->getRank() == in.getRank())
      dims[*axis] = declared->getDimSize(*axis);
  auto values = RankedTensorType::get(dims, in.getElementType());
  auto indices = RankedTensorType::get(dims, n.builder().getI64Type());
  Value kTensor = reshapeWithDims(n, castTo(n, n.input(1), n.builder().getI64Type()), {1}, {-1});
  auto op = n.create<TopKOp>(TypeRange{values, indices}, x, kTensor, *axis,
                             n.intAttr("largest", 1) != 0, n.intAttr("sorted", 1) != 0);
  return n.setOutputs(op.getResults());
}

} // namespace

void registerReductionHandlers(HandlerRegistry &r) {
  r.add("ReduceSum", 1, reduce<ReductionKind::sum>);
  r.add("ReduceMean", 1, reduce<ReductionKind::mean>);
  r.add("ReduceMax", 1, reduce<ReductionKind::max>);
  r.add("ReduceMin", 1, reduce<ReductionKind::min>);
  r.add("ReduceProd", 1, reduce<ReductionKind::prod>);
  r.add("ReduceL1", 1, reduce<ReductionKind::l1>);
  r.add("ReduceL2", 1, reduce<ReductionKind::l2>);
  r.add("ReduceLogSum", 1, reduce<ReductionKind::log_sum>);
  r.add("ReduceLogSumExp", 1, reduce<ReductionKind::log_sum_exp>);
  r.add("ReduceSumSquare", 1, reduce<ReductionKind::sum_square>);
  r.add("ArgMax", 1, argReduce<ReductionKind::max>);
  r.add("ArgMin", 1, argReduce<ReductionKind::min>);
  r.add("Softmax", 1, softmax<SoftmaxOp>);
  r.add("LogSoftmax", 1, softmax<LogSoftmaxOp>);
  r.add("CumSum", 11, cumsum);
  r.add("TopK", 10, topk);
}

} // namespace strata::onnx

//===- LossHandlers.cpp - Training losses ---------------------------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, decomposed into graph
// ops: the target becomes a one-hot mask by comparing it with an iota over the
// class dimension, which picks each element's log-probability with a select and
// a sum over axis 1. Class weights are gathered per element and `ignore_index`
// zeroes both the loss and its weight, so `mean` divides by the total weight of
// the elements that count, as ONNX defines it.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

/// `x` reduced over `axes` with `kind`, without keeping the reduced dimensions.
Value reduceAxes(NodeContext &n, ReductionKind kind, Value x, ArrayRef<int64_t> axes) {
  RankedTensorType in = tensorType(x);
  SmallVector<int64_t> dims;
  for (int64_t i = 0; i < in.getRank(); ++i)
    if (!llvm::is_contained(axes, i))
      dims.push_back(in.getDimSize(i));
  auto result = RankedTensorType::get(dims, in.getElementType());
  return n.create<ReduceOp>(result, kind, x, Value(), axes, false);
}

Value reduceAll(NodeContext &n, ReductionKind kind, Value x) {
  return reduceAxes(n, kind, x, llvm::to_vector(llvm::seq<int64_t>(0, tensorType(x).getRank())));
}

/// 0, 1, ..., C-1 (i64) where C is dimension 1 of `x`, shaped to broadcast
/// along axis 1 of a tensor of `x`'s rank. A `graph.range`, which folds to a
/// constant only when C is small: a class count from a malformed model must not
/// become a huge attribute.
Value classIota(NodeContext &n, Value x) {
  RankedTensorType in = tensorType(x);
  int64_t classes = in.getDimSize(1);
  Type i64 = n.builder().getI64Type();
  Value limit = ShapedType::isDynamic(classes) ? reshapeWithDims(n, shapeSlice(n, x, 1, 2), {}, {})
                                               : scalarConstant(n, i64, classes);
  Value iota = n.create<RangeOp>(RankedTensorType::get({classes}, i64), scalarConstant(n, i64, 0),
                                 limit, scalarConstant(n, i64, 1));
  SmallVector<int64_t> dims(in.getRank(), 1), from(in.getRank(), 0);
  dims[1] = classes;
  return reshapeWithDims(n, iota, dims, from);
}

/// The loss of `logProb` ([N, C, d...]) against `target` ([N, d...]) with the
/// node's optional class weights (input `weightInput`), `ignore_index` and
/// `reduction`.
FailureOr<Value> negativeLogLikelihood(NodeContext &n, Value logProb, Value target,
                                       int64_t weightInput) {
  RankedTensorType in = tensorType(logProb);
  if (in.getRank() < 2)
    return n.emitError() << "input must have rank >= 2 ([N, C, ...]), got " << in;
  if (tensorType(target).getRank() != in.getRank() - 1)
    return n.emitError() << "target must have rank " << in.getRank() - 1 << ", got "
                         << tensorType(target);
  for (auto [i, dim] : llvm::enumerate(tensorType(target).getShape())) {
    int64_t expected = in.getDimSize(i == 0 ? 0 : i + 1);
    if (!ShapedType::isDynamic(dim) && !ShapedType::isDynamic(expected) && dim != expected)
      return n.emitError() << "target shape " << tensorType(target)
                           << " does not match the input's " << in
                           << " ([N, d...] against [N, C, d...])";
  }
  std::string reduction = n.stringAttr("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return n.emitError() << "reduction must be 'none', 'sum' or 'mean', not '" << reduction << "'";

  Type i64 = n.builder().getI64Type();
  target = castTo(n, target, i64);
  Value expanded = unsqueeze(n, target, {1});
  Value oneHot = n.create<CompareOp>(ComparisonDirection::eq, expanded, classIota(n, logProb));
  // A select rather than a multiply by the mask: 0 * -inf log-probabilities of
  // classes that are not the target would give NaN.
  Value picked = n.create<WhereOp>(oneHot, logProb, scalarLike(n, logProb, 0));
  Value loss = n.create<NegOp>(reduceAxes(n, ReductionKind::sum, picked, {1}));

  Value keep, safeTarget = target;
  if (n.hasAttr("ignore_index")) {
    Value ignore = scalarConstant(n, i64, n.intAttr("ignore_index", 0));
    keep = n.create<CompareOp>(ComparisonDirection::ne, target, ignore);
    safeTarget = n.create<WhereOp>(keep, target, scalarConstant(n, i64, 0));
  }
  Value weight;
  if (n.hasInput(weightInput)) {
    Value classWeights = n.input(weightInput);
    if (elementType(classWeights) != in.getElementType())
      return n.emitError() << "weight element type " << elementType(classWeights)
                           << " differs from the input's " << in.getElementType();
    if (tensorType(classWeights).getRank() != 1)
      return n.emitError() << "weight must be 1-D ([C]), got " << tensorType(classWeights);
    weight = n.create<GatherOp>(classWeights, safeTarget, static_cast<int64_t>(0));
  }
  if (keep) {
    Value zero = scalarLike(n, loss, 0);
    weight = weight ? n.create<WhereOp>(keep, weight, zero).getResult()
                    : castTo(n, keep, in.getElementType());
  }
  if (weight)
    loss = n.create<MulOp>(loss, weight);

  if (reduction == "none")
    return loss;
  Value total = reduceAll(n, ReductionKind::sum, loss);
  if (reduction == "sum")
    return total;
  if (!weight)
    return reduceAll(n, ReductionKind::mean, loss);
  return n.create<DivOp>(total, reduceAll(n, ReductionKind::sum, weight)).getResult();
}

LogicalResult negativeLogLikelihoodLoss(NodeContext &n) {
  FailureOr<Value> loss = negativeLogLikelihood(n, n.input(0), n.input(1), 2);
  if (failed(loss))
    return failure();
  return n.setOutputs({*loss});
}

LogicalResult softmaxCrossEntropyLoss(NodeContext &n) {
  Value scores = n.input(0);
  if (tensorType(scores).getRank() < 2)
    return n.emitError() << "scores must have rank >= 2 ([N, C, ...]), got " << tensorType(scores);
  Value logProb = n.create<LogSoftmaxOp>(scores, static_cast<int64_t>(1));
  FailureOr<Value> loss = negativeLogLikelihood(n, logProb, n.input(1), 2);
  if (failed(loss))
    return failure();
  return n.setOutputs({*loss, logProb});
}

} // namespace

void registerLossHandlers(HandlerRegistry &r) {
  r.add("NegativeLogLikelihoodLoss", 12, negativeLogLikelihoodLoss);
  r.add("SoftmaxCrossEntropyLoss", 12, softmaxCrossEntropyLoss);
}

} // namespace strata::onnx

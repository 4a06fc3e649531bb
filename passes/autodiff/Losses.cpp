//===- Losses.cpp - The losses strata-autodiff appends --------------------===//
//
// Mean squared error, and cross entropy over the last dimension of logits
// with PyTorch's ignore index (-100): a gather picks each position's
// log-probability of its label, and positions with the ignore index count
// neither in the sum nor in the mean's denominator. With `shift`, as causal
// language models are trained, position i's logits predict label i + 1.
//
//===----------------------------------------------------------------------===//

#include "passes/autodiff/Losses.h"

#include "dialects/graph/GradientBuilders.h"
#include "dialects/graph/GraphDialect.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata::autodiff {
namespace {

/// PyTorch's default `ignore_index`.
constexpr int64_t kIgnoreIndex = -100;

/// The sum of every element of `v`, as a rank-0 tensor.
Value sumAll(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  return g::buildSum(b, loc, v, llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())),
                     /*keepDims=*/false);
}

Value meanSquaredError(OpBuilder &b, Location loc, Value y, Value t) {
  auto type = cast<RankedTensorType>(y.getType());
  Value d = g::SubOp::create(b, loc, y, t);
  Value total = sumAll(b, loc, g::MulOp::create(b, loc, d, d));
  return g::DivOp::create(
      b, loc, total,
      g::buildScalarTensor(b, loc, type.getElementType(),
                           static_cast<double>(std::max<int64_t>(type.getNumElements(), 1))));
}

Value crossEntropy(OpBuilder &b, Location loc, Value logits, Value labels) {
  auto type = cast<RankedTensorType>(logits.getType());
  auto labelType = cast<RankedTensorType>(labels.getType());
  Type element = type.getElementType(), i64 = labelType.getElementType();
  int64_t rank = type.getRank(), classes = type.getDimSize(rank - 1);
  Value logProbs = g::LogSoftmaxOp::create(b, loc, logits, rank - 1);
  // Each position's log-probability of its label, read by a gather whose
  // run-time check stops the program on a label outside [0, classes): an
  // ignored position reads class 0, and other negative labels, which the
  // gather would count from the end, become `classes`, out of range.
  Value ignored = g::CompareOp::create(b, loc, g::ComparisonDirection::eq, labels,
                                       g::buildScalarTensor(b, loc, i64, kIgnoreIndex));
  Value negative = g::CompareOp::create(b, loc, g::ComparisonDirection::lt, labels,
                                        g::buildScalarTensor(b, loc, i64, 0));
  Value index = g::WhereOp::create(
      b, loc, ignored, g::buildScalarTensor(b, loc, i64, 0),
      g::WhereOp::create(b, loc, negative, g::buildScalarTensor(b, loc, i64, classes), labels));
  SmallVector<int64_t> column(labelType.getShape());
  column.push_back(1);
  index = g::buildReshape(b, loc, index, labelType.clone(column));
  Value picked =
      g::buildReshape(b, loc, g::GatherElementsOp::create(b, loc, logProbs, index, rank - 1),
                      labelType.clone(element));
  Value counted =
      g::CastOp::create(b, loc, labelType.clone(element), g::NotOp::create(b, loc, ignored));
  Value total = sumAll(b, loc, g::MulOp::create(b, loc, picked, counted));
  // At least one position, so that a batch of ignored labels gives 0, not NaN.
  Value count =
      g::MaxOp::create(b, loc, sumAll(b, loc, counted), g::buildScalarTensor(b, loc, element, 1.0));
  return g::NegOp::create(b, loc, g::DivOp::create(b, loc, total, count));
}

/// `v` less the first (`first`) or the last position along `dim`.
Value dropOne(OpBuilder &b, Location loc, Value v, int64_t dim, bool first) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> start(type.getRank(), 0), limit(type.getShape()), stride(type.getRank(), 1);
  (first ? start[dim] : limit[dim]) += first ? 1 : -1;
  return g::SliceOp::create(b, loc, v, start, limit, stride);
}

} // namespace

std::optional<Loss> parseLoss(StringRef spec, std::string &error) {
  auto [kind, names] = spec.split(':');
  auto [output, rest] = names.split(',');
  auto [target, option] = rest.split(',');
  Loss loss;
  if (kind == "mse")
    loss.kind = Loss::Kind::mse;
  else if (kind == "cross_entropy")
    loss.kind = Loss::Kind::crossEntropy;
  else {
    error = "unknown loss '" + kind.str() + "' (expected mse or cross_entropy)";
    return std::nullopt;
  }
  if (output.empty() || target.empty() || option.contains(',')) {
    error = "'" + spec.str() + "' is not KIND:OUTPUT,TARGET";
    return std::nullopt;
  }
  if (!option.empty() && (option != "shift" || loss.kind != Loss::Kind::crossEntropy)) {
    error = "'" + option.str() + "' is not an option of " + kind.str() +
            (loss.kind == Loss::Kind::crossEntropy ? " (expected 'shift')" : " (it has none)");
    return std::nullopt;
  }
  loss.shift = option == "shift";
  loss.output = output.str();
  loss.target = target.str();
  return loss;
}

std::optional<RankedTensorType> targetType(const Loss &loss, RankedTensorType output,
                                           std::string &error) {
  if (!isa<FloatType>(output.getElementType())) {
    error = "is not a float tensor";
    return std::nullopt;
  }
  if (loss.kind == Loss::Kind::mse)
    return output;
  if (output.getRank() < (loss.shift ? 2 : 1) ||
      (loss.shift && output.getDimSize(output.getRank() - 2) < 2)) {
    error = loss.shift ? "has no sequence of at least two positions before its class dimension"
                       : "has no class dimension";
    return std::nullopt;
  }
  return RankedTensorType::get(output.getShape().drop_back(),
                               IntegerType::get(output.getContext(), 64));
}

Value buildLoss(OpBuilder &b, Location loc, const Loss &loss, Value output, Value target) {
  if (loss.kind == Loss::Kind::mse)
    return meanSquaredError(b, loc, output, target);
  if (loss.shift) {
    // Position i's logits predict label i + 1: the logits less the last
    // position against the labels less the first.
    output = dropOne(b, loc, output, cast<RankedTensorType>(output.getType()).getRank() - 2, false);
    target = dropOne(b, loc, target, cast<RankedTensorType>(target.getType()).getRank() - 1, true);
  }
  return crossEntropy(b, loc, output, target);
}

} // namespace strata::autodiff

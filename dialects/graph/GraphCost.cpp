//===- GraphCost.cpp - Costs of graph ops ---------------------------------===//
//
// The op families' cost rules and the costs of the ops that set
// `hasCustomCost` because their family's rule gets them wrong: ops that read
// part of an operand or none of it, reductions whose work depends on their
// kind, contractions, and composites, which each have their own formula. The
// conventions are those of `CostOpInterface` (GraphInterfaces.td).
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/GraphCost.h"

#include "dialects/graph/GraphDialect.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace strata::graph {

namespace {

/// Bytes of one element of `type`: its width rounded up to whole bytes.
int64_t elementBytes(Type type) {
  return type.isIntOrFloat() ? llvm::divideCeil(type.getIntOrFloatBitWidth(), 8) : 0;
}

/// Bytes of the tensor `value` at sizes `shape`.
int64_t bytesOf(Value value, ArrayRef<int64_t> shape) {
  return elementCount(shape) * elementBytes(elementTypeOf(value));
}

/// The cost of an op that reads the elements of its first result from its
/// first operand (a window or a selection of it) and reads its other operands
/// whole.
OpCost selectionCost(Operation *op, const OpShapes &shapes) {
  OpCost cost = movedBytes(op, shapes);
  cost.bytesRead +=
      bytesOf(op->getResult(0), shapes.results[0]) - bytesOf(op->getOperand(0), shapes.operands[0]);
  return cost;
}

} // namespace

int64_t elementCount(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

OpCost movedBytes(Operation *op, const OpShapes &shapes) {
  OpCost cost;
  for (auto [operand, shape] : llvm::zip_equal(op->getOperands(), shapes.operands))
    cost.bytesRead += bytesOf(operand, shape);
  for (auto [result, shape] : llvm::zip_equal(op->getResults(), shapes.results))
    cost.bytesWritten += bytesOf(result, shape);
  return cost;
}

OpCost elementwiseCost(Operation *op, const OpShapes &shapes, int64_t flopsPerElement) {
  OpCost cost = movedBytes(op, shapes);
  cost.flops = flopsPerElement * elementCount(shapes.results[0]);
  return cost;
}

OpCost reductionCost(Operation *op, const OpShapes &shapes, int64_t flopsPerInputElement) {
  OpCost cost = movedBytes(op, shapes);
  cost.flops = flopsPerInputElement * elementCount(shapes.operands[0]);
  return cost;
}

OpCost dataMovementCost(Operation *op, const OpShapes &shapes) { return movedBytes(op, shapes); }

OpCost contractionCost(Operation *op, const OpShapes &shapes, int64_t contractedSize) {
  OpCost cost = movedBytes(op, shapes);
  cost.flops = 2 * elementCount(shapes.results[0]) * contractedSize;
  return cost;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// Per input element the kind's combination (and its prologue: an absolute
/// value, a square, a shifted exponential); per output element its epilogue
/// (a division, a square root, a logarithm).
OpCost ReduceOp::getCost(const OpShapes &shapes) {
  int64_t perInput = 1, perOutput = 0;
  switch (getKind()) {
  case ReductionKind::sum:
  case ReductionKind::max:
  case ReductionKind::min:
  case ReductionKind::prod:
    break;
  case ReductionKind::mean:
  case ReductionKind::log_sum:
    perOutput = 1;
    break;
  case ReductionKind::l1:
  case ReductionKind::sum_square:
    perInput = 2;
    break;
  case ReductionKind::l2:
    perInput = 2;
    perOutput = 1;
    break;
  case ReductionKind::log_sum_exp:
    // The maximum, then the shift, the exponential and the sum.
    perInput = 4;
    perOutput = 2;
    break;
  }
  OpCost cost = movedBytes(*this, shapes);
  cost.flops =
      perInput * elementCount(shapes.operands[0]) + perOutput * elementCount(shapes.results[0]);
  return cost;
}

/// One comparison per input element for each of the k selected elements.
OpCost TopKOp::getCost(const OpShapes &shapes) {
  OpCost cost = movedBytes(*this, shapes);
  cost.flops = shapes.results[0][getAxis()] * elementCount(shapes.operands[0]);
  return cost;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// Only the shape is read, never the data.
OpCost ShapeOfOp::getCost(const OpShapes &shapes) {
  OpCost cost = movedBytes(*this, shapes);
  cost.bytesRead = 0;
  return cost;
}

/// A view: the elements keep their row-major order.
OpCost ReshapeOp::getCost(const OpShapes &) { return OpCost(); }

OpCost SliceOp::getCost(const OpShapes &shapes) { return selectionCost(*this, shapes); }

OpCost DynamicSliceOp::getCost(const OpShapes &shapes) { return selectionCost(*this, shapes); }

OpCost GatherOp::getCost(const OpShapes &shapes) { return selectionCost(*this, shapes); }

OpCost GatherElementsOp::getCost(const OpShapes &shapes) { return selectionCost(*this, shapes); }

/// One addition per element.
OpCost CumSumOp::getCost(const OpShapes &shapes) {
  OpCost cost = movedBytes(*this, shapes);
  cost.flops = elementCount(shapes.operands[0]);
  return cost;
}

/// The new positions read once and written once, and the lengths read; the
/// rest of the cache is neither read nor written (the zeroed tail after a
/// short entry, which padding bounds, is not counted).
OpCost CacheWriteOp::getCost(const OpShapes &shapes) {
  OpCost cost;
  int64_t fresh = bytesOf(getFresh(), shapes.operands[1]);
  cost.bytesRead = fresh + bytesOf(getLengths(), shapes.operands[2]);
  cost.bytesWritten = fresh;
  return cost;
}

/// The values and the limit read; nothing written (the result is the
/// operand).
OpCost CheckRangeOp::getCost(const OpShapes &shapes) {
  OpCost cost;
  cost.bytesRead =
      bytesOf(getValues(), shapes.operands[0]) + bytesOf(getLimit(), shapes.operands[1]);
  return cost;
}

/// An addition per element of the updates, each read once, the result
/// written once.
OpCost ScatterAddOp::getCost(const OpShapes &shapes) {
  OpCost cost = movedBytes(*this, shapes);
  cost.flops = elementCount(shapes.operands[0]);
  return cost;
}

/// In training, a comparison with the ratio and a scaling per element (the
/// random generator is not counted); in inference, nothing is computed. With
/// `training_value` the mode is known at run time only and training is assumed.
OpCost DropoutOp::getCost(const OpShapes &shapes) {
  OpCost cost = movedBytes(*this, shapes);
  if (getTraining() || getTrainingValue())
    cost.flops = 2 * elementCount(shapes.operands[0]);
  return cost;
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

int64_t MatMulOp::getContractedSize(const OpShapes &shapes) {
  ArrayRef<int64_t> lhs = shapes.operands[0];
  return lhs[lhs.size() - (getTransposeLhs() ? 2 : 1)];
}

int64_t MatMulNBitsOp::getContractedSize(const OpShapes &shapes) {
  return shapes.operands[0].back();
}

/// Each output element sums a group's channels over the kernel window.
int64_t ConvOp::getContractedSize(const OpShapes &shapes) {
  int64_t size = 1;
  for (int64_t d : ArrayRef<int64_t>(shapes.operands[1]).drop_front())
    size *= d;
  return size;
}

/// The product of the sizes of the letters summed over (absent from the
/// result's subscripts).
int64_t EinsumOp::getContractedSize(const OpShapes &shapes) {
  auto [inputs, output] = getEquation().split("->");
  SmallVector<StringRef> terms;
  inputs.split(terms, ',');
  llvm::SmallDenseMap<char, int64_t> sizes;
  for (auto [term, shape] : llvm::zip_equal(terms, shapes.operands))
    for (auto [letter, size] : llvm::zip_equal(term, shape))
      sizes[letter] = std::max(sizes.lookup(letter), size);
  int64_t contracted = 1;
  for (auto [letter, size] : sizes)
    if (!output.contains(letter))
      contracted *= size;
  return contracted;
}

//===----------------------------------------------------------------------===//
// Composites
//===----------------------------------------------------------------------===//

/// As decomposed: per element the centring, the square, the two sums, the two
/// products (and the bias); per normalised row the two divisions by the count,
/// the epsilon and the reciprocal square root.
OpCost LayerNormOp::getCost(const OpShapes &shapes) {
  OpCost cost = movedBytes(*this, shapes);
  int64_t perElement = getBias() ? 7 : 6;
  cost.flops = perElement * elementCount(shapes.operands[0]) + 4 * elementCount(shapes.results[1]);
  return cost;
}

/// Per element the square, the sum and the two products; per normalised row
/// the division by the count, the epsilon and the reciprocal square root.
OpCost RMSNormOp::getCost(const OpShapes &shapes) {
  OpCost cost = movedBytes(*this, shapes);
  ArrayRef<int64_t> input = shapes.operands[0];
  int64_t rows = elementCount(input.take_front(getAxis()));
  cost.flops = 4 * elementCount(input) + 3 * rows;
  return cost;
}

/// The two products (`query . key^T` and `probabilities . value`) and the
/// softmax over the scores; the scaling, softcap and masks are not counted.
/// Every operand is read. `present_key` and `present_value` are written only
/// with a past (otherwise they are `key` and `value`), and `qk` only when used.
/// Unfused, its primitives are the two products, the scaling, the softcap's
/// quotient, tanh and product, each mask, the softmax and the guard of
/// fully masked rows (a maximum, a comparison, a choice), each writing the
/// scores and the next reading them back.
OpCost AttentionOp::getCost(const OpShapes &shapes) {
  ArrayRef<int64_t> query = shapes.operands[0];
  int64_t headDim = query[3], valueDim = shapes.results[0][3];
  int64_t keys = shapes.results[1][2];
  int64_t scores = query[0] * query[1] * query[2] * keys;
  OpCost cost = movedBytes(*this, shapes);
  cost.flops = 2 * scores * headDim + 2 * scores * valueDim + 5 * scores;
  int64_t passes = 2; // the first product writes the scores, the last reads them
  cost.unfusedKernels = 2;
  auto pass = [&](int64_t kernels, int64_t roundTrips) {
    cost.unfusedKernels += kernels;
    passes += 2 * roundTrips;
  };
  pass(1, 1); // the scaling
  if (getSoftcap().convertToDouble() > 0)
    pass(3, 3);
  if (getMask())
    pass(1, 1);
  if (getCausal())
    pass(1, 1);
  pass(1, 1); // the softmax
  if ((getMask() || getCausal()) && getZeroMaskedRows())
    pass(3, 2);
  cost.unfusedIntermediateBytes = passes * scores * elementBytes(elementTypeOf(getQuery()));
  cost.workingBytes = 2 * scores * elementBytes(elementTypeOf(getQuery()));
  if (!getPastKey())
    cost.bytesWritten -=
        bytesOf(getPresentKey(), shapes.results[1]) + bytesOf(getPresentValue(), shapes.results[2]);
  if (getQk().use_empty())
    cost.bytesWritten -= bytesOf(getQk(), shapes.results[3]);
  return cost;
}

/// Per rotated pair four products and two sums.
OpCost RotaryOp::getCost(const OpShapes &shapes) {
  ArrayRef<int64_t> input = shapes.operands[0];
  int64_t rotated = input[0] * input[1] * input[2] * 2 * shapes.operands[1][2];
  OpCost cost = movedBytes(*this, shapes);
  cost.flops = 3 * rotated;
  return cost;
}

/// Per element the division, the rounding, the zero point's addition, the two
/// clamps and the conversion.
OpCost QuantizeOp::getCost(const OpShapes &shapes) {
  OpCost cost = movedBytes(*this, shapes);
  cost.flops = (getZeroPoint() ? 6 : 5) * elementCount(shapes.operands[0]);
  return cost;
}

/// Per element the conversion, the zero point's subtraction and the scaling.
OpCost DequantizeOp::getCost(const OpShapes &shapes) {
  OpCost cost = movedBytes(*this, shapes);
  cost.flops = (getZeroPoint() ? 3 : 2) * elementCount(shapes.operands[0]);
  return cost;
}

} // namespace strata::graph

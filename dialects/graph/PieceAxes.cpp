//===- PieceAxes.cpp - The ops that run in pieces of an operand -----------===//
//
// `PieceOpInterface` for the ops that read weights in bulk: a matrix product
// runs in column blocks of its right operand (each result column is one
// column's sum over the same contracted elements), and a gather in column
// blocks of its table (each result element is one table element). Both cut
// along an axis the op does not reduce or index, so a piece computes its
// elements exactly as the whole op does.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/GraphDialect.h"

using namespace mlir;

namespace strata::graph {
namespace {

int64_t rankOf(Value value) { return cast<RankedTensorType>(value.getType()).getRank(); }

} // namespace

std::optional<std::pair<int64_t, int64_t>> MatMulOp::getPieceAxes(unsigned operand) {
  if (operand != 1)
    return std::nullopt;
  int64_t rank = rankOf(getRhs());
  return std::make_pair(getTransposeRhs() ? rank - 2 : rank - 1, rankOf(getResult()) - 1);
}

std::optional<std::pair<int64_t, int64_t>> GatherOp::getPieceAxes(unsigned operand) {
  int64_t rank = rankOf(getInput());
  // Type inference keeps the axis within [0, rank).
  auto axis = static_cast<int64_t>(getAxis());
  if (operand != 0 || rank < 2 || axis == rank - 1)
    return std::nullopt;
  return std::make_pair(rank - 1, rankOf(getResult()) - 1);
}

} // namespace strata::graph

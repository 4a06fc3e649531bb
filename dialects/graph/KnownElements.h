//===- KnownElements.h - Elements of shape tensors known at compile time -*- C++ -*-===//
//
// Exporters with dynamic shapes compute a reshape's target shape at run time
// from `Shape` nodes, constants and ONNX's "0 copies the input's dimension"
// rule (`where(shape == 0, input_shape, shape)`): the tensor as a whole is not
// a constant, but each of its elements may be one, or a dimension of some
// tensor (the batch and sequence of an attention's head split, with the head
// count -1 and the head size a constant). elementOf reads one element
// through that arithmetic.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_GRAPH_KNOWNELEMENTS_H
#define STRATA_DIALECTS_GRAPH_KNOWNELEMENTS_H

#include "mlir/IR/Value.h"

#include <cstdint>
#include <optional>

namespace strata::graph {

/// What one element of a shape tensor is known to be: a number, or the
/// size of dimension `dim` of the tensor `of` (dynamic in its type).
struct ShapeElement {
  std::optional<int64_t> value;
  mlir::Value of;
  int64_t dim = 0;

  bool operator==(const ShapeElement &other) const {
    return value == other.value && of == other.of && (value || dim == other.dim);
  }
};

/// Element `index` of the static 0-D or 1-D integer tensor `value` (a bool
/// as 0 or 1), when constants and the dimensions that `shape_of` reads
/// determine it through graph.concat, graph.gather, graph.reshape,
/// graph.compare (eq, ne) and graph.where; nothing otherwise.
std::optional<ShapeElement> elementOf(mlir::Value value, int64_t index);

} // namespace strata::graph

#endif // STRATA_DIALECTS_GRAPH_KNOWNELEMENTS_H

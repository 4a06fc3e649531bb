//===- ReadProduct.h - Read graph arithmetic as products --------*- C++ -*-===//
//
// The raising patterns compare what a subgraph computes with an op's formula
// without caring how an exporter associated or ordered it: a tree of products
// and quotients is read as one constant times factors over divisors, and
// scalar constants are evaluated, also when an exporter left them as
// unfolded arithmetic on constants.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_RAISE_READPRODUCT_H
#define STRATA_PASSES_RAISE_READPRODUCT_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace strata::raise {

/// The number every element of `v` equals, when `v` is a constant splat or
/// graph arithmetic (sqrt, reciprocal, neg, mul, div) on such constants.
std::optional<double> splatValue(mlir::Value v);

/// Whether `value` is `expected` to five significant digits (exporters write
/// constants such as sqrt(2 / pi) rounded).
bool isNear(std::optional<double> value, double expected);

/// `constant * product(factors) / product(divisors)`.
struct Product {
  double constant = 1.0;
  llvm::SmallVector<mlir::Value> factors;
  llvm::SmallVector<mlir::Value> divisors;

  /// Removes one occurrence of `v` from the factors; false when there is none.
  bool takeFactor(mlir::Value v);
  /// Removes one occurrence of `v` from the divisors; false when there is none.
  bool takeDivisor(mlir::Value v);
};

/// Reads `root` as a product through graph.mul and graph.div ops: `root`'s own
/// op whatever its uses, the ops below it only where the tree is their one
/// use (a value used elsewhere is a factor of its own).
Product readProduct(mlir::Value root);

/// The operand of graph.add `sum` other than a splat constant equal to
/// `constant`, or null when `sum` is not such a sum.
mlir::Value addendOf(mlir::Value sum, double constant);

} // namespace strata::raise

#endif // STRATA_PASSES_RAISE_READPRODUCT_H

//===- SizeBounds.h - Upper bounds of run-time sizes ------------*- C++ -*-===//
//
// How large can a dynamically sized buffer get? Sizes are index arithmetic on
// the entry function's input dimensions. Each dimension is a symbol (inputs
// sharing a dimension name share the symbol, which the executor checks) in
// [1, bound] with its bound from `program.bounds`; sizes are kept as exact
// polynomials over the symbols while they stay polynomials (so `(b * s) / s`
// is `b`, not `b * s`), and as intervals otherwise.
//
// The least size is 1, not 0: with an empty input, ONNX's rules make sizes
// jump (Reshape copies an input dimension where a target dimension is 0,
// broadcasting takes max(0, 1)), and planning for them would inflate every
// buffer downstream. Sizes are checked against their planned slots at run
// time instead (see strata-plan-buffers), so an empty input that outgrows a
// slot stops the program with an error rather than overflowing it.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_PLAN_SIZEBOUNDS_H
#define STRATA_PASSES_PLAN_SIZEBOUNDS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace strata::plan {

/// A polynomial with integer coefficients over symbol ids; a monomial is the
/// sorted list of its symbols (with repetition).
class Polynomial {
public:
  using Monomial = std::vector<int>;

  static Polynomial constant(int64_t c);
  static Polynomial symbol(int id);

  /// Each operation fails (nullopt) on 64-bit overflow.
  std::optional<Polynomial> add(const Polynomial &other, int64_t sign = 1) const;
  std::optional<Polynomial> multiply(const Polynomial &other) const;
  /// The exact quotient when `divisor` is one term dividing every term.
  std::optional<Polynomial> divideExactly(const Polynomial &divisor) const;
  /// The polynomial with symbol `id` replaced by `value`.
  std::optional<Polynomial> substitute(int id, int64_t value) const;
  /// The symbol and constant of a polynomial `symbol + constant`.
  std::optional<std::pair<int, int64_t>> asShiftedSymbol() const;

  std::optional<int64_t> asConstant() const;
  bool operator==(const Polynomial &other) const { return terms == other.terms; }
  const std::map<Monomial, int64_t> &getTerms() const { return terms; }

private:
  /// Non-zero coefficients only.
  std::map<Monomial, int64_t> terms;
};

/// What is known of an index value: its polynomial when it is one, and
/// bounds (`hi` absent when unbounded; `lo` is at least INT64_MIN).
struct SizeExpr {
  std::optional<Polynomial> poly;
  int64_t lo = INT64_MIN;
  std::optional<int64_t> hi;
};

/// The bytes one element of `type` takes in memory.
int64_t storageBytes(mlir::MemRefType type);

/// Bounds of the index values of one function.
class SizeBounds {
public:
  /// `function`'s arguments with a `program.value` name their dimensions; the
  /// function's `program.bounds` bound them.
  explicit SizeBounds(mlir::func::FuncOp function);

  /// What is known of `value` (an index or integer), under the current
  /// assumptions (none, outside `bytesUpperBound`).
  SizeExpr analyze(mlir::Value value);
  /// The most elements dimension `dim` of memref `buffer` can have.
  std::optional<int64_t> dimUpperBound(mlir::Value buffer, int64_t dim);
  /// The most bytes `alloc` can allocate, or nullopt when unbounded.
  std::optional<int64_t> bytesUpperBound(mlir::memref::AllocOp alloc);
  /// The symbol names of the input dimensions that have no bound, for
  /// messages (sorted).
  std::vector<std::string> unboundedSymbols() const;

  /// The least value of an input dimension the plan assumes.
  static constexpr int64_t kLeastDimension = 1;
  /// Sizes depending on more undecided comparisons than this take the
  /// (looser) bound without case analysis.
  static constexpr size_t kMaxAssumedConditions = 10;

private:
  /// What a size is evaluated under: outcomes of comparisons and of max and
  /// min ops (true: the first operand) that the bounds cannot decide, and the
  /// symbols an assumed equality pins.
  struct Assumptions {
    llvm::SmallDenseMap<mlir::Value, bool, 4> conditions;
    llvm::SmallDenseMap<int, int64_t, 4> pinned;
  };

  /// The select conditions `value` may depend on, added to `conditions`.
  void collectConditions(mlir::Value value, llvm::SetVector<mlir::Value> &conditions,
                         llvm::DenseSet<mlir::Value> &visited);
  /// The value an assumed equality pins symbol `id` to, if one does.
  std::optional<int64_t> pinnedValue(int id) const;
  /// Makes `assumed` current; false when the assumptions contradict.
  bool assume(const Assumptions &assumed);
  SizeExpr compute(mlir::Value value);
  /// An affine expression over the values of `operands` (dims, then symbols).
  SizeExpr evaluate(mlir::AffineExpr expr, llvm::ArrayRef<SizeExpr> operands, unsigned numDims);
  SizeExpr select(mlir::arith::SelectOp op);
  /// `a / b` (or `a / max(b, 1)`) where every factor of the product `b`
  /// is one of the product `a`: the product of a's other factors, whatever
  /// the factors' bounds (Reshape's -1, the elements over the other
  /// dimensions, when the dimensions are only known as intervals).
  std::optional<SizeExpr> quotientOfFactors(mlir::Operation *division);
  /// The value of an i1 comparison when it is assumed or the operands'
  /// bounds decide it.
  std::optional<bool> decide(mlir::Value condition);
  /// Whether a max or min op yields its first operand, when assumed or
  /// decided by the bounds.
  std::optional<bool> decideChoice(mlir::Operation *op);
  /// `decide` for i1 conditions, `decideChoice` for max and min results.
  std::optional<bool> decideAny(mlir::Value point);
  SizeExpr dimOf(mlir::Value buffer, int64_t dim);
  SizeExpr fromPolynomial(Polynomial p) const;
  int symbolFor(mlir::BlockArgument arg, int64_t dim);

  mlir::func::FuncOp function;
  /// Results without assumptions, and under the current ones.
  llvm::DenseMap<mlir::Value, SizeExpr> cache, assumedCache;
  std::optional<Assumptions> current;
  /// Symbol id -> name and upper bound (absent when unbounded).
  std::vector<std::string> symbolNames;
  std::vector<std::optional<int64_t>> symbolBounds;
  std::map<std::string, int> symbolIds;
};

} // namespace strata::plan

#endif // STRATA_PASSES_PLAN_SIZEBOUNDS_H

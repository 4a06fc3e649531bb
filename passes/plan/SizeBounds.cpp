//===- SizeBounds.cpp - Upper bounds of run-time sizes --------------------===//
//
// Symbols range over [1, bound]. A polynomial's bounds come from its terms
// (a term with a positive coefficient is largest at the symbols' bounds, one
// with a negative coefficient at 1). Index values that are not polynomials
// (division that does not cancel, max, select, remainder) keep intervals.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/SizeBounds.h"

#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;

namespace strata::plan {

//===----------------------------------------------------------------------===//
// Polynomial
//===----------------------------------------------------------------------===//

namespace {

/// Adds `coefficient` (nullopt: an overflow upstream) to the term of
/// `monomial`, dropping the term when it cancels; false on overflow.
bool accumulate(std::map<Polynomial::Monomial, int64_t> &terms,
                const Polynomial::Monomial &monomial, std::optional<int64_t> coefficient) {
  std::optional<int64_t> total =
      coefficient ? llvm::checkedAdd(terms[monomial], *coefficient) : std::nullopt;
  if (!total)
    return false;
  if (*total == 0)
    terms.erase(monomial);
  else
    terms[monomial] = *total;
  return true;
}

} // namespace

Polynomial Polynomial::constant(int64_t c) {
  Polynomial p;
  if (c != 0)
    p.terms[{}] = c;
  return p;
}

Polynomial Polynomial::symbol(int id) {
  Polynomial p;
  p.terms[{id}] = 1;
  return p;
}

std::optional<Polynomial> Polynomial::add(const Polynomial &other, int64_t sign) const {
  Polynomial sum = *this;
  for (const auto &[monomial, coefficient] : other.terms) {
    if (!accumulate(sum.terms, monomial, llvm::checkedMul(coefficient, sign)))
      return std::nullopt;
  }
  return sum;
}

std::optional<Polynomial> Polynomial::multiply(const Polynomial &other) const {
  Polynomial product;
  for (const auto &[m1, c1] : terms) {
    for (const auto &[m2, c2] : other.terms) {
      Monomial m = m1;
      m.insert(m.end(), m2.begin(), m2.end());
      llvm::sort(m);
      if (!accumulate(product.terms, m, llvm::checkedMul(c1, c2)))
        return std::nullopt;
    }
  }
  return product;
}

std::optional<Polynomial> Polynomial::divideExactly(const Polynomial &divisor) const {
  if (divisor.terms.size() != 1)
    return std::nullopt;
  const auto &[dm, dc] = *divisor.terms.begin();
  Polynomial quotient;
  for (const auto &[m, c] : terms) {
    if (c % dc != 0)
      return std::nullopt;
    // Remove the divisor's symbols from the monomial (both are sorted).
    Monomial rest;
    auto it = dm.begin();
    for (int s : m) {
      if (it != dm.end() && *it == s)
        ++it;
      else
        rest.push_back(s);
    }
    if (it != dm.end())
      return std::nullopt;
    quotient.terms[rest] = c / dc;
  }
  return quotient;
}

std::optional<Polynomial> Polynomial::substitute(int id, int64_t value) const {
  Polynomial result;
  for (const auto &[monomial, coefficient] : terms) {
    std::optional<int64_t> c = coefficient;
    Monomial rest;
    for (int s : monomial) {
      if (s == id)
        c = c ? llvm::checkedMul(*c, value) : std::nullopt;
      else
        rest.push_back(s);
    }
    if (!accumulate(result.terms, rest, c))
      return std::nullopt;
  }
  return result;
}

std::optional<std::pair<int, int64_t>> Polynomial::asShiftedSymbol() const {
  std::optional<int> symbol;
  int64_t shift = 0;
  for (const auto &[monomial, coefficient] : terms) {
    if (monomial.empty()) {
      shift = coefficient;
      continue;
    }
    if (monomial.size() != 1 || coefficient != 1 || symbol)
      return std::nullopt;
    symbol = monomial.front();
  }
  if (!symbol)
    return std::nullopt;
  return std::make_pair(*symbol, shift);
}

std::optional<int64_t> Polynomial::asConstant() const {
  if (terms.empty())
    return 0;
  if (terms.size() == 1 && terms.begin()->first.empty())
    return terms.begin()->second;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Interval helpers
//===----------------------------------------------------------------------===//

namespace {

SizeExpr interval(int64_t lo, std::optional<int64_t> hi) {
  SizeExpr e;
  e.lo = lo;
  e.hi = hi;
  return e;
}

SizeExpr unknown() { return SizeExpr(); }

std::optional<int64_t> addBounds(std::optional<int64_t> a, std::optional<int64_t> b) {
  return a && b ? llvm::checkedAdd(*a, *b) : std::nullopt;
}

int64_t saturatingAdd(int64_t a, int64_t b) {
  std::optional<int64_t> s = llvm::checkedAdd(a, b);
  return s ? *s : (a < 0 ? INT64_MIN : INT64_MAX);
}

/// Interval product for non-negative intervals; unknown otherwise.
SizeExpr multiplyIntervals(const SizeExpr &a, const SizeExpr &b) {
  if (a.lo < 0 || b.lo < 0)
    return unknown();
  std::optional<int64_t> lo = llvm::checkedMul(a.lo, b.lo);
  std::optional<int64_t> hi = a.hi && b.hi ? llvm::checkedMul(*a.hi, *b.hi) : std::nullopt;
  return interval(lo ? *lo : INT64_MAX, hi);
}

/// Interval quotient for a non-negative dividend and a positive divisor.
SizeExpr divideIntervals(const SizeExpr &a, const SizeExpr &b, bool ceil) {
  if (a.lo < 0 || b.lo < 0)
    return unknown();
  int64_t divisorLo = std::max<int64_t>(b.lo, 1);
  std::optional<int64_t> hi;
  if (a.hi)
    hi = ceil ? (*a.hi + divisorLo - 1) / divisorLo : *a.hi / divisorLo;
  int64_t lo = b.hi && *b.hi > 0 ? a.lo / *b.hi : 0;
  return interval(lo, hi);
}

bool samePolynomial(const SizeExpr &a, const SizeExpr &b) {
  return a.poly && b.poly && *a.poly == *b.poly;
}

std::optional<int64_t> constantIndex(Value v) {
  APInt value;
  if (matchPattern(v, m_ConstantInt(&value)))
    return value.getSExtValue();
  return std::nullopt;
}

} // namespace

//===----------------------------------------------------------------------===//
// SizeBounds
//===----------------------------------------------------------------------===//

SizeBounds::SizeBounds(func::FuncOp function) : function(function) {}

int SizeBounds::symbolFor(BlockArgument arg, int64_t dim) {
  std::string name;
  if (auto value = function.getArgAttrOfType<program::ValueAttr>(arg.getArgNumber(),
                                                                 program::ProgramDialect::kValue))
    if (dim < static_cast<int64_t>(value.getDims().size()))
      name = value.getDims()[dim].str();
  std::optional<int64_t> bound;
  if (!name.empty()) {
    if (auto bounds =
            function->getAttrOfType<program::BoundsAttr>(program::ProgramDialect::kBounds))
      bound = bounds.lookup(name);
  } else {
    name = "input " + std::to_string(arg.getArgNumber()) + " dimension " + std::to_string(dim);
  }
  auto [it, inserted] = symbolIds.try_emplace(name, static_cast<int>(symbolNames.size()));
  if (inserted) {
    symbolNames.push_back(name);
    symbolBounds.push_back(bound);
  }
  return it->second;
}

std::optional<int64_t> SizeBounds::pinnedValue(int id) const {
  if (!current)
    return std::nullopt;
  auto pin = current->pinned.find(id);
  if (pin == current->pinned.end())
    return std::nullopt;
  return pin->second;
}

SizeExpr SizeBounds::fromPolynomial(Polynomial p) const {
  SizeExpr e;
  int64_t lo = 0;
  std::optional<int64_t> hi = 0;
  for (const auto &[monomial, coefficient] : p.getTerms()) {
    // The monomial ranges over [product of the symbols' least values,
    // product of their bounds]: [1, bound] each, or a pinned value.
    std::optional<int64_t> top = 1, bottom = 1;
    for (int s : monomial) {
      if (std::optional<int64_t> pin = pinnedValue(s)) {
        top = top ? llvm::checkedMul(*top, *pin) : std::nullopt;
        bottom = bottom ? llvm::checkedMul(*bottom, *pin) : std::nullopt;
        continue;
      }
      top = top && symbolBounds[s] ? llvm::checkedMul(*top, *symbolBounds[s]) : std::nullopt;
    }
    std::optional<int64_t> most = top ? llvm::checkedMul(*top, coefficient) : std::nullopt;
    std::optional<int64_t> least = bottom ? llvm::checkedMul(*bottom, coefficient) : std::nullopt;
    if (coefficient < 0)
      std::swap(most, least);
    lo = least ? saturatingAdd(lo, *least) : INT64_MIN;
    hi = addBounds(hi, most);
  }
  e.poly = std::move(p);
  e.lo = lo;
  e.hi = hi;
  return e;
}

SizeExpr SizeBounds::analyze(Value value) {
  llvm::DenseMap<Value, SizeExpr> &results = current ? assumedCache : cache;
  auto it = results.find(value);
  if (it != results.end())
    return it->second;
  // Guards against cycles through loop-carried values.
  results[value] = unknown();
  SizeExpr e = compute(value);
  results[value] = e;
  return e;
}

/// The value stored at constant `index` of the small buffer `buffer`, when
/// exactly one `memref.store` writes there and nothing else writes the buffer.
static Value storedValue(Value buffer, int64_t index) {
  if (!buffer.getDefiningOp<memref::AllocOp>())
    return {};
  Value found;
  for (Operation *user : buffer.getUsers()) {
    if (isa<memref::LoadOp, memref::ReshapeOp, memref::DimOp>(user))
      continue;
    auto store = dyn_cast<memref::StoreOp>(user);
    if (!store || store.getMemRef() != buffer || store.getIndices().size() != 1)
      return {};
    std::optional<int64_t> at = constantIndex(store.getIndices()[0]);
    if (!at)
      return {};
    if (*at != index)
      continue;
    if (found)
      return {};
    found = store.getValue();
  }
  return found;
}

SizeExpr SizeBounds::compute(Value value) {
  if (std::optional<int64_t> c = constantIndex(value))
    return fromPolynomial(Polynomial::constant(*c));
  Operation *op = value.getDefiningOp();
  if (!op)
    return unknown();
  auto binary = [&](auto combinePoly, auto combineInterval) -> SizeExpr {
    const SizeExpr a = analyze(op->getOperand(0));
    const SizeExpr b = analyze(op->getOperand(1));
    if (a.poly && b.poly)
      if (std::optional<Polynomial> p = combinePoly(*a.poly, *b.poly))
        return fromPolynomial(std::move(*p));
    return combineInterval(a, b);
  };
  return llvm::TypeSwitch<Operation *, SizeExpr>(op)
      .Case<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp, arith::ExtUIOp,
            arith::TruncIOp>([&](Operation *cast) { return analyze(cast->getOperand(0)); })
      .Case([&](arith::AddIOp) {
        return binary([](const Polynomial &a, const Polynomial &b) { return a.add(b); },
                      [](const SizeExpr &a, const SizeExpr &b) {
                        return interval(saturatingAdd(a.lo, b.lo), addBounds(a.hi, b.hi));
                      });
      })
      .Case([&](arith::SubIOp) {
        return binary([](const Polynomial &a, const Polynomial &b) { return a.add(b, -1); },
                      [](const SizeExpr &a, const SizeExpr &b) {
                        // a - b <= a.hi - b.lo.
                        std::optional<int64_t> hi = a.hi && b.lo != INT64_MIN
                                                        ? llvm::checkedSub(*a.hi, b.lo)
                                                        : std::nullopt;
                        return interval(INT64_MIN, hi);
                      });
      })
      .Case([&](arith::MulIOp) {
        return binary([](const Polynomial &a, const Polynomial &b) { return a.multiply(b); },
                      multiplyIntervals);
      })
      .Case<arith::DivUIOp, arith::DivSIOp, arith::FloorDivSIOp>([&](Operation *division) {
        if (std::optional<SizeExpr> quotient = quotientOfFactors(division))
          return *quotient;
        return binary(
            [](const Polynomial &a, const Polynomial &b) { return a.divideExactly(b); },
            [](const SizeExpr &a, const SizeExpr &b) { return divideIntervals(a, b, false); });
      })
      .Case<arith::CeilDivSIOp, arith::CeilDivUIOp>([&](Operation *) {
        return binary(
            [](const Polynomial &a, const Polynomial &b) { return a.divideExactly(b); },
            [](const SizeExpr &a, const SizeExpr &b) { return divideIntervals(a, b, true); });
      })
      .Case<arith::RemUIOp, arith::RemSIOp>([&](Operation *) {
        const SizeExpr a = analyze(op->getOperand(0));
        const SizeExpr b = analyze(op->getOperand(1));
        if (a.lo < 0 || b.lo < 0)
          return unknown();
        std::optional<int64_t> hi = a.hi;
        if (b.hi && *b.hi > 0)
          hi = hi ? std::min(*hi, *b.hi - 1) : *b.hi - 1;
        return interval(0, hi);
      })
      .Case<arith::MaxUIOp, arith::MaxSIOp>([&](Operation *) {
        if (std::optional<bool> first = decideChoice(op))
          return analyze(op->getOperand(*first ? 0 : 1));
        const SizeExpr a = analyze(op->getOperand(0));
        const SizeExpr b = analyze(op->getOperand(1));
        if (samePolynomial(a, b))
          return a;
        std::optional<int64_t> hi =
            a.hi && b.hi ? std::optional(std::max(*a.hi, *b.hi)) : std::nullopt;
        return interval(std::max(a.lo, b.lo), hi);
      })
      .Case<arith::MinUIOp, arith::MinSIOp>([&](Operation *) {
        if (std::optional<bool> first = decideChoice(op))
          return analyze(op->getOperand(*first ? 0 : 1));
        const SizeExpr a = analyze(op->getOperand(0));
        const SizeExpr b = analyze(op->getOperand(1));
        if (samePolynomial(a, b))
          return a;
        // Unsigned, an operand that may be negative may be huge: the other,
        // when it is not negative, bounds the result (a count read from a
        // tensor clamped to a capacity).
        if (isa<arith::MinUIOp>(op) && (a.lo < 0) != (b.lo < 0))
          return interval(0, a.lo < 0 ? b.hi : a.hi);
        std::optional<int64_t> hi = a.hi;
        if (b.hi)
          hi = hi ? std::min(*hi, *b.hi) : *b.hi;
        return interval(std::min(a.lo, b.lo), hi);
      })
      .Case([&](arith::SelectOp op) { return select(op); })
      .Case([&](memref::DimOp dim) {
        std::optional<int64_t> index = constantIndex(dim.getIndex());
        return index ? dimOf(dim.getSource(), *index) : unknown();
      })
      .Case([&](tensor::DimOp dim) {
        std::optional<int64_t> index = constantIndex(dim.getIndex());
        return index ? dimOf(dim.getSource(), *index) : unknown();
      })
      .Case([&](affine::AffineApplyOp apply) {
        SmallVector<SizeExpr> operands;
        for (Value operand : apply.getMapOperands())
          operands.push_back(analyze(operand));
        return evaluate(apply.getAffineMap().getResult(0), operands,
                        apply.getAffineMap().getNumDims());
      })
      .Case([&](memref::LoadOp load) {
        if (load.getIndices().size() != 1)
          return unknown();
        std::optional<int64_t> index = constantIndex(load.getIndices()[0]);
        Value stored = index ? storedValue(load.getMemRef(), *index) : Value();
        return stored ? analyze(stored) : unknown();
      })
      .Default([](Operation *) { return unknown(); });
}

std::optional<bool> SizeBounds::decide(Value condition) {
  APInt constant;
  if (matchPattern(condition, m_ConstantInt(&constant)))
    return !constant.isZero();
  if (current) {
    auto assumed = current->conditions.find(condition);
    if (assumed != current->conditions.end())
      return assumed->second;
  }
  auto cmp = condition.getDefiningOp<arith::CmpIOp>();
  if (!cmp)
    return std::nullopt;
  SizeExpr a = analyze(cmp.getLhs()), b = analyze(cmp.getRhs());
  // Whether a < b, a <= b always hold or never do, from the bounds.
  auto less = [](const SizeExpr &x, const SizeExpr &y, bool orEqual) -> std::optional<bool> {
    if (x.hi && (orEqual ? *x.hi <= y.lo : *x.hi < y.lo))
      return true;
    if (y.hi && (orEqual ? *y.hi < x.lo : *y.hi <= x.lo))
      return false;
    return std::nullopt;
  };
  bool unsignedCompare = false;
  std::optional<bool> result;
  switch (cmp.getPredicate()) {
  case arith::CmpIPredicate::eq:
  case arith::CmpIPredicate::ne: {
    if (samePolynomial(a, b))
      result = true;
    else if ((a.hi && *a.hi < b.lo) || (b.hi && *b.hi < a.lo))
      result = false;
    if (result && cmp.getPredicate() == arith::CmpIPredicate::ne)
      result = !*result;
    return result;
  }
  case arith::CmpIPredicate::ult:
  case arith::CmpIPredicate::ule:
  case arith::CmpIPredicate::ugt:
  case arith::CmpIPredicate::uge:
    unsignedCompare = true;
    break;
  default:
    break;
  }
  // Unsigned comparisons agree with signed ones on non-negative values.
  if (unsignedCompare && (a.lo < 0 || b.lo < 0))
    return std::nullopt;
  switch (cmp.getPredicate()) {
  case arith::CmpIPredicate::slt:
  case arith::CmpIPredicate::ult:
    return less(a, b, false);
  case arith::CmpIPredicate::sle:
  case arith::CmpIPredicate::ule:
    return less(a, b, true);
  case arith::CmpIPredicate::sgt:
  case arith::CmpIPredicate::ugt:
    return less(b, a, false);
  case arith::CmpIPredicate::sge:
  case arith::CmpIPredicate::uge:
    return less(b, a, true);
  default:
    return std::nullopt;
  }
}

namespace {

Value withoutCasts(Value v) {
  while (Operation *op = v.getDefiningOp()) {
    if (!isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp, arith::ExtUIOp>(op))
      break;
    v = op->getOperand(0);
  }
  return v;
}

/// The factors of the product `v` (through multiplications and casts).
void collectFactors(Value v, SmallVectorImpl<Value> &factors) {
  v = withoutCasts(v);
  if (auto mul = v.getDefiningOp<arith::MulIOp>()) {
    collectFactors(mul.getLhs(), factors);
    collectFactors(mul.getRhs(), factors);
    return;
  }
  factors.push_back(v);
}

} // namespace

std::optional<SizeExpr> SizeBounds::quotientOfFactors(Operation *division) {
  Value divisor = withoutCasts(division->getOperand(1));
  // max(b, 1) is b, or 1 where b is 0, and then so is every multiple of b.
  if (isa_and_nonnull<arith::MaxUIOp, arith::MaxSIOp>(divisor.getDefiningOp())) {
    Operation *max = divisor.getDefiningOp();
    if (constantIndex(max->getOperand(1)) == 1)
      divisor = withoutCasts(max->getOperand(0));
    else if (constantIndex(max->getOperand(0)) == 1)
      divisor = withoutCasts(max->getOperand(1));
  }
  SmallVector<Value> rest, divisorFactors;
  collectFactors(division->getOperand(0), rest);
  collectFactors(divisor, divisorFactors);
  // Constant factors divide as numbers, the others must match one by one.
  auto takeConstants = [](SmallVectorImpl<Value> &factors) -> std::optional<int64_t> {
    int64_t product = 1;
    SmallVector<Value> symbolic;
    for (Value factor : factors) {
      std::optional<int64_t> c = constantIndex(factor);
      if (!c) {
        symbolic.push_back(factor);
        continue;
      }
      std::optional<int64_t> next = llvm::checkedMul(product, *c);
      if (!next || *c <= 0)
        return std::nullopt;
      product = *next;
    }
    factors.assign(symbolic.begin(), symbolic.end());
    return product;
  };
  std::optional<int64_t> dividendConstant = takeConstants(rest);
  std::optional<int64_t> divisorConstant = takeConstants(divisorFactors);
  if (!dividendConstant || !divisorConstant || *dividendConstant % *divisorConstant != 0 ||
      divisorFactors.empty())
    return std::nullopt;
  // A factor matches one of the same value, of the same polynomial, or a
  // select the bounds decide for it (Reshape's "0 copies the dimension").
  auto resolved = [&](Value v) {
    while (auto choice = v.getDefiningOp<arith::SelectOp>()) {
      std::optional<bool> taken = decide(choice.getCondition());
      if (!taken)
        break;
      v = withoutCasts(*taken ? choice.getTrueValue() : choice.getFalseValue());
    }
    return v;
  };
  for (Value factor : divisorFactors) {
    Value divides = resolved(factor);
    SizeExpr size = analyze(divides);
    auto found = llvm::find_if(rest, [&](Value candidate) {
      candidate = resolved(candidate);
      return candidate == divides || samePolynomial(analyze(candidate), size);
    });
    if (found == rest.end())
      return std::nullopt;
    rest.erase(found);
  }
  SizeExpr product = fromPolynomial(Polynomial::constant(*dividendConstant / *divisorConstant));
  for (Value factor : rest) {
    SizeExpr next = analyze(factor);
    std::optional<Polynomial> exact;
    if (product.poly && next.poly)
      exact = product.poly->multiply(*next.poly);
    product = exact ? fromPolynomial(std::move(*exact)) : multiplyIntervals(product, next);
  }
  return product;
}

std::optional<bool> SizeBounds::decideChoice(Operation *op) {
  if (current) {
    auto assumed = current->conditions.find(op->getResult(0));
    if (assumed != current->conditions.end())
      return assumed->second;
  }
  SizeExpr a = analyze(op->getOperand(0)), b = analyze(op->getOperand(1));
  bool isMax = isa<arith::MaxUIOp, arith::MaxSIOp>(op);
  // Which operand is the larger one, if the bounds say.
  std::optional<bool> firstLarger;
  if (b.hi && a.lo >= *b.hi)
    firstLarger = true;
  else if (a.hi && b.lo >= *a.hi)
    firstLarger = false;
  if (!firstLarger)
    return std::nullopt;
  return isMax ? *firstLarger : !*firstLarger;
}

std::optional<bool> SizeBounds::decideAny(Value point) {
  if (point.getType().isInteger(1))
    return decide(point);
  return decideChoice(point.getDefiningOp());
}

SizeExpr SizeBounds::select(arith::SelectOp op) {
  if (std::optional<bool> taken = decide(op.getCondition()))
    return analyze(*taken ? op.getTrueValue() : op.getFalseValue());
  SizeExpr a = analyze(op.getTrueValue());
  SizeExpr b = analyze(op.getFalseValue());
  if (samePolynomial(a, b))
    return a;
  // `x == c ? t : f` is `f` when t and f agree at x = c (ONNX Reshape's
  // "0 copies the input's dimension", whose copy is 0 when x is).
  if (auto cmp = op.getCondition().getDefiningOp<arith::CmpIOp>()) {
    bool equal = cmp.getPredicate() == arith::CmpIPredicate::eq;
    if (equal || cmp.getPredicate() == arith::CmpIPredicate::ne) {
      const SizeExpr &whenEqual = equal ? a : b, &otherwise = equal ? b : a;
      SizeExpr lhs = analyze(cmp.getLhs()), rhs = analyze(cmp.getRhs());
      std::optional<int64_t> c = rhs.poly ? rhs.poly->asConstant() : std::nullopt;
      if (!c) {
        std::swap(lhs, rhs);
        c = rhs.poly ? rhs.poly->asConstant() : std::nullopt;
      }
      auto shifted = lhs.poly ? lhs.poly->asShiftedSymbol() : std::nullopt;
      if (c && shifted && whenEqual.poly && otherwise.poly) {
        auto [symbol, shift] = *shifted;
        std::optional<int64_t> value = llvm::checkedSub(*c, shift);
        std::optional<Polynomial> t =
            value ? whenEqual.poly->substitute(symbol, *value) : std::nullopt;
        std::optional<Polynomial> f =
            value ? otherwise.poly->substitute(symbol, *value) : std::nullopt;
        if (t && f && *t == *f)
          return otherwise;
      }
    }
  }
  std::optional<int64_t> hi = a.hi && b.hi ? std::optional(std::max(*a.hi, *b.hi)) : std::nullopt;
  return interval(std::min(a.lo, b.lo), hi);
}

SizeExpr SizeBounds::evaluate(AffineExpr expr, ArrayRef<SizeExpr> operands, unsigned numDims) {
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return fromPolynomial(Polynomial::constant(constant.getValue()));
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return operands[dim.getPosition()];
  if (auto symbol = dyn_cast<AffineSymbolExpr>(expr))
    return operands[numDims + symbol.getPosition()];
  auto binary = cast<AffineBinaryOpExpr>(expr);
  SizeExpr a = evaluate(binary.getLHS(), operands, numDims);
  SizeExpr b = evaluate(binary.getRHS(), operands, numDims);
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    if (a.poly && b.poly)
      if (std::optional<Polynomial> p = a.poly->add(*b.poly))
        return fromPolynomial(std::move(*p));
    return interval(saturatingAdd(a.lo, b.lo), addBounds(a.hi, b.hi));
  case AffineExprKind::Mul:
    if (a.poly && b.poly)
      if (std::optional<Polynomial> p = a.poly->multiply(*b.poly))
        return fromPolynomial(std::move(*p));
    return multiplyIntervals(a, b);
  case AffineExprKind::FloorDiv:
  case AffineExprKind::CeilDiv:
    if (a.poly && b.poly)
      if (std::optional<Polynomial> p = a.poly->divideExactly(*b.poly))
        return fromPolynomial(std::move(*p));
    return divideIntervals(a, b, expr.getKind() == AffineExprKind::CeilDiv);
  case AffineExprKind::Mod: {
    if (a.lo < 0 || b.lo < 1)
      return unknown();
    std::optional<int64_t> hi = a.hi;
    if (b.hi)
      hi = hi ? std::min(*hi, *b.hi - 1) : *b.hi - 1;
    return interval(0, hi);
  }
  default:
    return unknown();
  }
}

SizeExpr SizeBounds::dimOf(Value buffer, int64_t dim) {
  auto type = cast<ShapedType>(buffer.getType());
  if (dim < 0 || dim >= type.getRank())
    return unknown();
  if (!type.isDynamicDim(dim))
    return fromPolynomial(Polynomial::constant(type.getDimSize(dim)));
  if (auto arg = dyn_cast<BlockArgument>(buffer)) {
    if (arg.getOwner()->isEntryBlock() && arg.getOwner()->getParentOp() == function)
      return fromPolynomial(Polynomial::symbol(symbolFor(arg, dim)));
    return unknown();
  }
  // The position of `dim` among the dynamic dimensions.
  auto dynamicIndex = [&](ShapedType t, int64_t d) {
    int64_t n = 0;
    for (int64_t i = 0; i < d; ++i)
      n += t.isDynamicDim(i);
    return n;
  };
  auto fromMixed = [&](ArrayRef<OpFoldResult> sizes, int64_t d) -> SizeExpr {
    if (d >= static_cast<int64_t>(sizes.size()))
      return unknown();
    if (auto attr = dyn_cast<Attribute>(sizes[d]))
      return fromPolynomial(Polynomial::constant(cast<IntegerAttr>(attr).getInt()));
    return analyze(cast<Value>(sizes[d]));
  };
  Operation *op = buffer.getDefiningOp();
  return llvm::TypeSwitch<Operation *, SizeExpr>(op)
      .Case<memref::AllocOp, memref::AllocaOp, memref::ViewOp>([&](Operation *) {
        ValueRange sizes =
            isa<memref::ViewOp>(op) ? cast<memref::ViewOp>(op).getSizes() : op->getOperands();
        return analyze(sizes[dynamicIndex(type, dim)]);
      })
      .Case([&](memref::SubViewOp subview) {
        // Rank-reduced results drop unit dimensions of the source.
        llvm::SmallBitVector dropped = subview.getDroppedDims();
        int64_t d = -1;
        for (int64_t i = 0, seen = 0; i < static_cast<int64_t>(dropped.size()); ++i)
          if (!dropped[i] && seen++ == dim)
            d = i;
        return d < 0 ? unknown() : fromMixed(subview.getMixedSizes(), d);
      })
      .Case([&](memref::ExpandShapeOp expand) {
        return fromMixed(expand.getMixedOutputShape(), dim);
      })
      .Case([&](memref::CollapseShapeOp collapse) {
        SizeExpr product = fromPolynomial(Polynomial::constant(1));
        for (int64_t source : collapse.getReassociationIndices()[dim]) {
          SizeExpr factor = dimOf(collapse.getSrc(), source);
          std::optional<Polynomial> p =
              product.poly && factor.poly ? product.poly->multiply(*factor.poly) : std::nullopt;
          product = p ? fromPolynomial(std::move(*p)) : multiplyIntervals(product, factor);
        }
        return product;
      })
      .Case([&](memref::CastOp cast) { return dimOf(cast.getSource(), dim); })
      .Case([&](memref::ReinterpretCastOp cast) { return fromMixed(cast.getMixedSizes(), dim); })
      .Case([&](memref::ReshapeOp reshape) {
        Value stored = storedValue(reshape.getShape(), dim);
        return stored ? analyze(stored) : unknown();
      })
      .Default([](Operation *) { return unknown(); });
}

std::optional<int64_t> SizeBounds::dimUpperBound(Value buffer, int64_t dim) {
  SizeExpr e = dimOf(buffer, dim);
  if (!e.hi)
    return std::nullopt;
  return std::max<int64_t>(*e.hi, 0);
}

void SizeBounds::collectConditions(Value value, llvm::SetVector<Value> &conditions,
                                   llvm::DenseSet<Value> &visited) {
  if (!visited.insert(value).second)
    return;
  if (auto memref = dyn_cast<BaseMemRefType>(value.getType())) {
    // A small buffer of sizes: what is stored into it.
    if (value.getDefiningOp<memref::AllocOp>())
      for (Operation *user : value.getUsers())
        if (auto store = dyn_cast<memref::StoreOp>(user))
          collectConditions(store.getValue(), conditions, visited);
  }
  Operation *op = value.getDefiningOp();
  if (!op || op->getNumRegions() != 0)
    return;
  if (auto select = dyn_cast<arith::SelectOp>(op))
    conditions.insert(select.getCondition());
  if (isa<arith::MaxUIOp, arith::MaxSIOp, arith::MinUIOp, arith::MinSIOp>(op))
    conditions.insert(value);
  for (Value operand : op->getOperands())
    if (operand.getType().isIntOrIndex() || isa<BaseMemRefType>(operand.getType()))
      collectConditions(operand, conditions, visited);
}

bool SizeBounds::assume(const Assumptions &assumed) {
  current = assumed;
  assumedCache.clear();
  // An assumed equality `symbol + k == c` pins the symbol to c - k.
  for (auto [condition, holds] : assumed.conditions) {
    auto cmp = condition.getDefiningOp<arith::CmpIOp>();
    if (!cmp || holds != (cmp.getPredicate() == arith::CmpIPredicate::eq) ||
        (cmp.getPredicate() != arith::CmpIPredicate::eq &&
         cmp.getPredicate() != arith::CmpIPredicate::ne))
      continue;
    SizeExpr lhs = analyze(cmp.getLhs()), rhs = analyze(cmp.getRhs());
    std::optional<int64_t> c = rhs.poly ? rhs.poly->asConstant() : std::nullopt;
    if (!c) {
      std::swap(lhs, rhs);
      c = rhs.poly ? rhs.poly->asConstant() : std::nullopt;
    }
    auto shifted = lhs.poly ? lhs.poly->asShiftedSymbol() : std::nullopt;
    if (!c || !shifted)
      continue;
    std::optional<int64_t> pin = llvm::checkedSub(*c, shifted->second);
    std::optional<int64_t> bound = symbolBounds[shifted->first];
    if (!pin || *pin < kLeastDimension || (bound && *pin > *bound))
      return false;
    auto [it, inserted] = current->pinned.try_emplace(shifted->first, *pin);
    if (!inserted && it->second != *pin)
      return false;
    assumedCache.clear();
  }
  // Every assumption must still be possible given the others.
  for (auto [condition, holds] : assumed.conditions) {
    current->conditions.erase(condition);
    assumedCache.clear();
    std::optional<bool> decided = decideAny(condition);
    current->conditions[condition] = holds;
    assumedCache.clear();
    if (decided && *decided != holds)
      return false;
  }
  return true;
}

int64_t storageBytes(MemRefType type) {
  // Memory holds every element in whole bytes (an i1 in one).
  return (type.getElementTypeBitWidth() + 7) / 8;
}

std::optional<int64_t> SizeBounds::bytesUpperBound(memref::AllocOp alloc) {
  MemRefType type = alloc.getType();
  auto boundUnderCurrent = [&]() -> std::optional<int64_t> {
    std::optional<int64_t> elements = 1;
    for (int64_t d = 0; d < type.getRank() && elements; ++d) {
      std::optional<int64_t> size = dimUpperBound(alloc.getResult(), d);
      elements = size ? llvm::checkedMul(*elements, *size) : std::nullopt;
    }
    return elements ? llvm::checkedMul<int64_t>(*elements, storageBytes(type)) : std::nullopt;
  };
  std::optional<int64_t> bytes = boundUnderCurrent();
  // Comparisons the bounds cannot decide (ONNX Reshape's "0 copies the input
  // dimension", say) are tried both ways, so that correlated sizes (the same
  // select feeding a dividend and its divisor) keep their correlation.
  llvm::SetVector<Value> conditions;
  llvm::DenseSet<Value> visited;
  for (Value size : alloc.getDynamicSizes())
    collectConditions(size, conditions, visited);
  SmallVector<Value> undecided;
  for (Value condition : conditions)
    if (!decideAny(condition))
      undecided.push_back(condition);
  if (undecided.empty() || undecided.size() > kMaxAssumedConditions)
    return bytes;
  std::optional<int64_t> most = 0;
  for (uint64_t mask = 0; mask < (uint64_t(1) << undecided.size()); ++mask) {
    Assumptions assumed;
    for (auto [i, condition] : llvm::enumerate(undecided))
      assumed.conditions[condition] = (mask >> i) & 1;
    if (!assume(assumed))
      continue;
    std::optional<int64_t> under = boundUnderCurrent();
    most = most && under ? std::optional(std::max(*most, *under)) : std::nullopt;
  }
  current.reset();
  assumedCache.clear();
  // Either way is sound; the smaller bound is the tighter one.
  if (!bytes)
    return most;
  return most ? std::min(*bytes, *most) : bytes;
}

std::vector<std::string> SizeBounds::unboundedSymbols() const {
  std::vector<std::string> names;
  for (auto [name, bound] : llvm::zip(symbolNames, symbolBounds))
    if (!bound)
      names.push_back(name);
  llvm::sort(names);
  return names;
}

} // namespace strata::plan

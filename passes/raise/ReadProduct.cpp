//===- ReadProduct.cpp - Read graph arithmetic as products ----------------===//
//
// Products are read by a walk down single-use graph.mul and graph.div ops;
// constants fold into one number, so `x * 0.5`, `0.5 * x` and `x / 2` read
// alike.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/ReadProduct.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
namespace g = strata::graph;

namespace strata::raise {

std::optional<double> splatValue(Value v) {
  Operation *op = v.getDefiningOp();
  if (!op)
    return std::nullopt;
  if (auto constant = dyn_cast<g::ConstantOp>(op)) {
    auto dense = dyn_cast<DenseFPElementsAttr>(constant.getValue());
    if (!dense || !dense.isSplat())
      return std::nullopt;
    return dense.getSplatValue<APFloat>().convertToDouble();
  }
  auto unary = [&](auto fn) -> std::optional<double> {
    if (std::optional<double> x = splatValue(op->getOperand(0)))
      return fn(*x);
    return std::nullopt;
  };
  auto binary = [&](auto fn) -> std::optional<double> {
    std::optional<double> x = splatValue(op->getOperand(0));
    std::optional<double> y = splatValue(op->getOperand(1));
    if (x && y)
      return fn(*x, *y);
    return std::nullopt;
  };
  if (isa<g::SqrtOp>(op))
    return unary([](double x) { return std::sqrt(x); });
  if (isa<g::ReciprocalOp>(op))
    return unary([](double x) { return 1.0 / x; });
  if (isa<g::NegOp>(op))
    return unary([](double x) { return -x; });
  if (isa<g::MulOp>(op))
    return binary([](double x, double y) { return x * y; });
  if (isa<g::DivOp>(op))
    return binary([](double x, double y) { return x / y; });
  return std::nullopt;
}

bool isNear(std::optional<double> value, double expected) {
  return value && std::abs(*value - expected) <= 1e-5 * std::abs(expected);
}

static bool take(SmallVectorImpl<Value> &values, Value v) {
  auto *it = llvm::find(values, v);
  if (it == values.end())
    return false;
  values.erase(it);
  return true;
}

bool Product::takeFactor(Value v) { return take(factors, v); }

bool Product::takeDivisor(Value v) { return take(divisors, v); }

/// Adds `v` to `product` as a factor (`divide` false) or a divisor.
static void read(Value v, bool divide, bool isRoot, Product &product) {
  if (std::optional<double> constant = splatValue(v)) {
    product.constant = divide ? product.constant / *constant : product.constant * *constant;
    return;
  }
  Operation *op = v.getDefiningOp();
  bool open = op && (isRoot || v.hasOneUse());
  if (open && isa<g::MulOp>(op)) {
    read(op->getOperand(0), divide, false, product);
    read(op->getOperand(1), divide, false, product);
    return;
  }
  if (open && isa<g::DivOp>(op)) {
    read(op->getOperand(0), divide, false, product);
    read(op->getOperand(1), !divide, false, product);
    return;
  }
  (divide ? product.divisors : product.factors).push_back(v);
}

Product readProduct(Value root) {
  Product product;
  read(root, false, true, product);
  return product;
}

Value addendOf(Value sum, double constant) {
  auto add = sum.getDefiningOp<g::AddOp>();
  if (!add)
    return {};
  if (isNear(splatValue(add.getRhs()), constant))
    return add.getLhs();
  if (isNear(splatValue(add.getLhs()), constant))
    return add.getRhs();
  return {};
}

} // namespace strata::raise

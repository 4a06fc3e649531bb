//===- Optimizers.cpp - The update rules strata-optimizer appends ---------===//
//
// AdamW follows torch.optim.AdamW (not amsgrad, not maximize):
//
//   m' = beta1 m + (1 - beta1) g          v' = beta2 v + (1 - beta2) g^2
//   w' = w (1 - lr wd) - lr / (1 - beta1^t) * m' / (sqrt(v') / sqrt(1 - beta2^t) + eps)
//
// and SGD torch.optim.SGD (no dampening, not Nesterov): g' = g + wd w,
// b' = momentum b + g' (b starts at 0, so the first step's b' is g', as
// PyTorch's), w' = w - lr b'.
//
//===----------------------------------------------------------------------===//

#include "passes/autodiff/Optimizers.h"

#include "dialects/graph/GradientBuilders.h"
#include "dialects/graph/GraphDialect.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata::autodiff {

std::string Optimizer::describe() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (kind == Kind::adamw)
    os << "adamw:beta1=" << beta1 << ",beta2=" << beta2 << ",eps=" << eps << ",";
  else
    os << "sgd:momentum=" << momentum << ",";
  os << "weight_decay=" << weightDecay << ",clip=" << clipNorm;
  if (decayMinRank > 0)
    os << ",decay_min_rank=" << decayMinRank;
  return text;
}

SmallVector<StringRef> Optimizer::stateNames() const {
  if (kind == Kind::adamw)
    return {".exp_avg", ".exp_avg_sq"};
  if (momentum != 0.0)
    return {".momentum_buffer"};
  return {};
}

std::optional<Optimizer> parseOptimizer(StringRef text, std::string &error) {
  auto [name, settings] = text.split(':');
  Optimizer o;
  if (name == "adamw") {
    o.kind = Optimizer::Kind::adamw;
  } else if (name == "sgd") {
    o.kind = Optimizer::Kind::sgd;
    o.weightDecay = 0.0;
  } else {
    error = "unknown optimizer '" + name.str() + "' (expected adamw or sgd)";
    return std::nullopt;
  }
  SmallVector<StringRef> items;
  if (!settings.empty())
    settings.split(items, ',');
  for (StringRef item : items) {
    auto [key, value] = item.split('=');
    double number = 0;
    if (value.empty() || !llvm::to_float(value, number) || !std::isfinite(number)) {
      error = "optimizer setting '" + item.str() + "' is not KEY=NUMBER";
      return std::nullopt;
    }
    bool adam = o.kind == Optimizer::Kind::adamw;
    double *slot = key == "weight_decay"        ? &o.weightDecay
                   : key == "decay_min_rank"    ? &o.decayMinRank
                   : key == "clip"              ? &o.clipNorm
                   : adam && key == "beta1"     ? &o.beta1
                   : adam && key == "beta2"     ? &o.beta2
                   : adam && key == "eps"       ? &o.eps
                   : !adam && key == "momentum" ? &o.momentum
                                                : nullptr;
    if (!slot) {
      error = "'" + name.str() + "' has no setting '" + key.str() + "' (it takes " +
              (adam ? "beta1, beta2, eps" : "momentum") +
              ", weight_decay, decay_min_rank and clip)";
      return std::nullopt;
    }
    *slot = number;
  }
  bool betasInRange = o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1;
  if (!betasInRange || o.eps <= 0 || o.weightDecay < 0 || o.momentum < 0 || o.clipNorm < 0 ||
      o.decayMinRank < 0) {
    error = "optimizer settings out of range: betas lie in [0, 1), eps is positive, and "
            "weight_decay, decay_min_rank, momentum and clip are not negative";
    return std::nullopt;
  }
  return o;
}

namespace {

Value scalar(OpBuilder &b, Location loc, Value like, double value) {
  return g::buildScalarTensor(b, loc, cast<RankedTensorType>(like.getType()).getElementType(),
                              value);
}

} // namespace

StepScalars buildStepScalars(OpBuilder &b, Location loc, const Optimizer &o, Value lr, Value step) {
  StepScalars s{lr, step, Value(), Value(), Value()};
  if (o.kind != Optimizer::Kind::adamw)
    return s;
  auto one = [&] { return scalar(b, loc, lr, 1.0); };
  auto unbiased = [&](double beta) {
    return g::SubOp::create(b, loc, one(),
                            g::PowOp::create(b, loc, scalar(b, loc, lr, beta), step));
  };
  s.decay = g::SubOp::create(b, loc, one(),
                             g::MulOp::create(b, loc, lr, scalar(b, loc, lr, o.weightDecay)));
  s.stepSize = g::DivOp::create(b, loc, lr, unbiased(o.beta1));
  s.correction = g::SqrtOp::create(b, loc, unbiased(o.beta2));
  return s;
}

SmallVector<Value> buildUpdate(OpBuilder &b, Location loc, const Optimizer &o, const StepScalars &s,
                               Value w, Value grad, ValueRange state) {
  auto constant = [&](double v) { return scalar(b, loc, w, v); };
  bool decays =
      o.weightDecay != 0.0 &&
      static_cast<double>(cast<RankedTensorType>(w.getType()).getRank()) >= o.decayMinRank;
  auto add = [&](Value x, Value y) { return g::AddOp::create(b, loc, x, y).getResult(); };
  auto sub = [&](Value x, Value y) { return g::SubOp::create(b, loc, x, y).getResult(); };
  auto mul = [&](Value x, Value y) { return g::MulOp::create(b, loc, x, y).getResult(); };
  auto div = [&](Value x, Value y) { return g::DivOp::create(b, loc, x, y).getResult(); };
  if (o.kind == Optimizer::Kind::adamw) {
    Value m = add(mul(state[0], constant(o.beta1)), mul(grad, constant(1 - o.beta1)));
    Value v = add(mul(state[1], constant(o.beta2)), mul(mul(grad, grad), constant(1 - o.beta2)));
    Value denominator =
        add(div(g::SqrtOp::create(b, loc, v).getResult(), s.correction), constant(o.eps));
    Value next = sub(decays ? mul(w, s.decay) : w, mul(s.stepSize, div(m, denominator)));
    return {next, m, v};
  }
  if (decays)
    grad = add(grad, mul(w, constant(o.weightDecay)));
  if (o.momentum == 0.0)
    return {sub(w, mul(s.lr, grad))};
  Value buffer = add(mul(state[0], constant(o.momentum)), grad);
  return {sub(w, mul(s.lr, buffer)), buffer};
}

} // namespace strata::autodiff

//===- Optimizers.h - The update rules strata-optimizer appends --*- C++ -*-===//
//
// The optimizer an `optimizer=` option names, and the graph ops of one step
// of it for one weight: AdamW and SGD with momentum as PyTorch's
// `torch.optim.AdamW` and `torch.optim.SGD` compute them, so that a model
// trained here and there from the same weights on the same batches follows
// the same curve.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_AUTODIFF_OPTIMIZERS_H
#define STRATA_PASSES_AUTODIFF_OPTIMIZERS_H

#include "mlir/IR/Builders.h"

#include <optional>
#include <string>

namespace strata::autodiff {

/// A parsed `optimizer=` option: `adamw` or `sgd`, then optionally `:` and
/// comma-separated `key=value` settings.
struct Optimizer {
  enum class Kind { adamw, sgd };
  Kind kind = Kind::adamw;
  /// AdamW's moment decays and denominator term.
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  /// Decoupled for AdamW (the weight shrinks by lr * weight_decay), added to
  /// the gradient for SGD, as PyTorch does.
  double weightDecay = 0.01;
  /// Weights of a lower rank (biases and norm scales, with 2) get no weight
  /// decay, as training scripts often group them; 0: every weight.
  double decayMinRank = 0.0;
  /// SGD's momentum; 0: plain SGD, with no state.
  double momentum = 0.0;
  /// The most the global norm of all gradients may be before they are scaled
  /// down to it (torch.nn.utils.clip_grad_norm_); 0: no clipping.
  double clipNorm = 0.0;

  /// The option's text with every setting spelled out.
  std::string describe() const;

  /// The suffixes of the state each weight has: its globals are the
  /// weight's name with each appended (PyTorch's state names).
  llvm::SmallVector<llvm::StringRef> stateNames() const;
};

/// Parses `text` (see Optimizer); on failure sets `error`.
std::optional<Optimizer> parseOptimizer(llvm::StringRef text, std::string &error);

/// The scalars every weight's update shares, built once per step.
struct StepScalars {
  /// The learning rate and step number (from 1), rank-0 inputs.
  mlir::Value lr, step;
  /// AdamW: 1 - lr * weight_decay, lr / (1 - beta1^step) and
  /// sqrt(1 - beta2^step). SGD: nothing.
  mlir::Value decay, stepSize, correction;
};

/// Builds the scalars of `optimizer`'s step from `lr` and `step`.
StepScalars buildStepScalars(mlir::OpBuilder &b, mlir::Location loc, const Optimizer &optimizer,
                             mlir::Value lr, mlir::Value step);

/// Builds one step for a weight of value `weight`, gradient `grad` and state
/// `state` (in stateNames' order), without weight decay for a weight of a
/// rank below `decayMinRank`; returns the weight's new value followed by its
/// new state.
llvm::SmallVector<mlir::Value> buildUpdate(mlir::OpBuilder &b, mlir::Location loc,
                                           const Optimizer &optimizer, const StepScalars &scalars,
                                           mlir::Value weight, mlir::Value grad,
                                           mlir::ValueRange state);

} // namespace strata::autodiff

#endif // STRATA_PASSES_AUTODIFF_OPTIMIZERS_H

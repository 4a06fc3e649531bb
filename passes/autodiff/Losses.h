//===- Losses.h - The losses strata-autodiff appends -------------*- C++ -*-===//
//
// The loss a `loss=` option names, the type of the target input it reads, and
// the graph ops that compute it, each with a gradient rule so that
// differentiation runs through the loss as through the model.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_AUTODIFF_LOSSES_H
#define STRATA_PASSES_AUTODIFF_LOSSES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <string>

namespace strata::autodiff {

/// A parsed `loss=` option.
struct Loss {
  enum class Kind { mse, crossEntropy };
  Kind kind;
  /// The model output the loss reads.
  std::string output;
  /// The name of the new input holding the target.
  std::string target;
  /// Cross entropy only: position i's logits predict label i + 1 (the
  /// sequence is the logits' second-to-last dimension).
  bool shift = false;

  /// The loss's name as the option writes it.
  std::string name() const { return kind == Kind::mse ? "mse" : "cross_entropy"; }
};

/// Parses `mse:OUTPUT,TARGET` or `cross_entropy:LOGITS,LABELS[,shift]`; on failure
/// sets `error` to what is wrong.
std::optional<Loss> parseLoss(llvm::StringRef spec, std::string &error);

/// The type of the target input for an output of type `output`, or nothing
/// with the reason in `error` where the loss cannot read that output.
std::optional<mlir::RankedTensorType> targetType(const Loss &loss, mlir::RankedTensorType output,
                                                 std::string &error);

/// Builds the loss of `output` against `target` as a rank-0 tensor.
mlir::Value buildLoss(mlir::OpBuilder &b, mlir::Location loc, const Loss &loss, mlir::Value output,
                      mlir::Value target);

} // namespace strata::autodiff

#endif // STRATA_PASSES_AUTODIFF_LOSSES_H

//===- Decompose.cpp - Composite graph ops to primitive graph ops ---------===//
//
// Implements `strata-decompose`: applies the decomposition patterns to each
// composite op the target does not keep, once, and reports the reason a
// pattern gives for not decomposing an op as an error at that op.
//
//===----------------------------------------------------------------------===//

#include "passes/decompose/Passes.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Rewrite/PatternApplicator.h"

namespace strata {
#define GEN_PASS_DEF_DECOMPOSE
#include "passes/decompose/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

/// Keeps the reason the last pattern gave for not matching.
struct MatchFailureReason : RewriterBase::Listener {
  void notifyMatchFailure(Location loc, function_ref<void(Diagnostic &)> reasonCallback) override {
    Diagnostic diagnostic(loc, DiagnosticSeverity::Remark);
    reasonCallback(diagnostic);
    reason = diagnostic.str();
  }

  std::string reason;
};

struct Decompose : strata::impl::DecomposeBase<Decompose> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    for (const std::string &name : keep) {
      std::optional<RegisteredOperationName> op = RegisteredOperationName::lookup(name, context);
      if (!op || !op->hasTrait<strata::graph::Composite>())
        return emitError(UnknownLoc::get(context))
               << "strata-decompose: '" << name << "' in 'keep' is not a composite graph op";
      kept.insert(*op);
    }
    RewritePatternSet patternSet(context);
    strata::populateDecompositionPatterns(patternSet);
    patterns = FrozenRewritePatternSet(std::move(patternSet));
    return success();
  }

  void runOnOperation() override {
    SmallVector<Operation *> composites;
    getOperation().walk([&](Operation *op) {
      if (op->hasTrait<strata::graph::Composite>() && !kept.contains(op->getName()))
        composites.push_back(op);
    });
    PatternApplicator applicator(patterns);
    applicator.applyDefaultCostModel();
    MatchFailureReason failure;
    PatternRewriter rewriter(&getContext());
    rewriter.setListener(&failure);
    bool decomposedAll = true;
    for (Operation *op : composites) {
      rewriter.setInsertionPoint(op);
      failure.reason.clear();
      if (succeeded(applicator.matchAndRewrite(op, rewriter)))
        continue;
      InFlightDiagnostic diagnostic = op->emitError("cannot decompose '") << op->getName() << "'";
      if (!failure.reason.empty())
        diagnostic << ": " << failure.reason;
      decomposedAll = false;
    }
    if (!decomposedAll)
      signalPassFailure();
  }

  /// The composite ops that `keep` names.
  llvm::DenseSet<OperationName> kept;
  /// The decomposition patterns, frozen once in `initialize`.
  FrozenRewritePatternSet patterns;
};

} // namespace

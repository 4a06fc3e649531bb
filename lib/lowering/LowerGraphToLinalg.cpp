//===- LowerGraphToLinalg.cpp - Graph ops to linalg on tensors -----------===//
//
// Checks that integer types are signless, then applies every family's
// graph-to-linalg patterns to a function.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_LOWERGRAPHTOLINALG
#include "lib/lowering/Passes.h.inc"
} // namespace strata

namespace {

/// Whether `type` is a tensor of signed or unsigned integers.
bool hasSignedness(mlir::Type type) {
  auto tensor = llvm::dyn_cast<mlir::ShapedType>(type);
  return tensor && tensor.getElementType().isInteger() &&
         !tensor.getElementType().isSignlessInteger();
}

struct LowerGraphToLinalg : strata::impl::LowerGraphToLinalgBase<LowerGraphToLinalg> {
  void runOnOperation() override {
    if (failed(checkSignless()))
      return signalPassFailure();
    mlir::RewritePatternSet patterns(&getContext());
    strata::populateElementwiseToLinalgPatterns(patterns);
    strata::populateContractionToLinalgPatterns(patterns);
    strata::populateQuantMatMulToLinalgPatterns(patterns);
    strata::populateConvToLinalgPatterns(patterns);
    strata::populateReductionToLinalgPatterns(patterns);
    strata::populateStructuralToLinalgPatterns(patterns);
    strata::populateSliceToTensorPatterns(patterns);
    strata::populateScanToLinalgPatterns(patterns);
    strata::populateScatterToLinalgPatterns(patterns);
    strata::populateCheckToTensorPatterns(patterns);
    strata::populateTopKToLinalgPatterns(patterns);
    strata::populateRandomToLinalgPatterns(patterns);
    strata::populateFusionGroupToRegionPatterns(patterns);
    if (failed(mlir::applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    mlir::WalkResult unlowered = getOperation().walk([](mlir::Operation *op) {
      if (!llvm::isa<strata::graph::GraphDialect>(op->getDialect()))
        return mlir::WalkResult::advance();
      op->emitError("no lowering to linalg for '") << op->getName() << "' in this form yet";
      return mlir::WalkResult::interrupt();
    });
    if (unlowered.wasInterrupted())
      return signalPassFailure();
  }

  /// Fails, with an error at the first graph op that has one, when an integer
  /// type still carries signedness: the patterns read it from op attributes.
  mlir::LogicalResult checkSignless() {
    mlir::WalkResult walk = getOperation().walk([](mlir::Operation *op) {
      if (!llvm::isa<strata::graph::GraphDialect>(op->getDialect()))
        return mlir::WalkResult::advance();
      llvm::SmallVector<mlir::Type> types(op->getOperandTypes());
      llvm::append_range(types, op->getResultTypes());
      auto found = llvm::find_if(types, hasSignedness);
      if (found == types.end())
        return mlir::WalkResult::advance();
      op->emitError("the element type of ")
          << *found << " has signedness; run strata-convert-to-signless before the lowering";
      return mlir::WalkResult::interrupt();
    });
    return mlir::failure(walk.wasInterrupted());
  }
};

} // namespace

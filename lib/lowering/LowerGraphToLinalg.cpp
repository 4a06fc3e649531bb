//===- LowerGraphToLinalg.cpp - Graph ops to linalg on tensors -----------===//
//
// Applies every family's graph-to-linalg patterns to a function.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Passes.h"
#include "lib/lowering/ScalarOps.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace strata {
#define GEN_PASS_DEF_LOWERGRAPHTOLINALG
#include "lib/lowering/Passes.h.inc"
} // namespace strata

namespace {
struct LowerGraphToLinalg : strata::impl::LowerGraphToLinalgBase<LowerGraphToLinalg> {
  void runOnOperation() override {
    mlir::RewritePatternSet patterns(&getContext());
    strata::populateElementwiseToLinalgPatterns(patterns);
    strata::populateContractionToLinalgPatterns(patterns);
    strata::populateReductionToLinalgPatterns(patterns);
    strata::populateStructuralToLinalgPatterns(patterns);
    strata::populateSliceToTensorPatterns(patterns);
    strata::populateScanToLinalgPatterns(patterns);
    strata::populateTopKToLinalgPatterns(patterns);
    strata::populateRandomToLinalgPatterns(patterns);
    strata::populateCompositeToGraphPatterns(patterns);
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
    makeSignatureSignless(getOperation());
  }

  /// The runtime passes raw bytes, so the function takes and returns unsigned
  /// tensors as signless ones; the bitcasts this inserts cancel against those of
  /// the lowered ops.
  void makeSignatureSignless(mlir::func::FuncOp func) {
    if (func.isDeclaration())
      return;
    mlir::OpBuilder builder(func.getContext());
    auto signless = [](mlir::Type t) -> mlir::Type {
      auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(t);
      return tensor ? tensor.clone(strata::signlessType(tensor.getElementType())) : t;
    };
    mlir::Block &entry = func.getBody().front();
    builder.setInsertionPointToStart(&entry);
    for (mlir::BlockArgument arg : entry.getArguments()) {
      mlir::Type original = arg.getType(), converted = signless(original);
      if (original == converted)
        continue;
      arg.setType(converted);
      auto back = mlir::tensor::BitcastOp::create(builder, func.getLoc(), original, arg);
      arg.replaceAllUsesExcept(back, back);
    }
    func.walk([&](mlir::func::ReturnOp ret) {
      builder.setInsertionPoint(ret);
      for (mlir::OpOperand &operand : ret->getOpOperands()) {
        mlir::Type converted = signless(operand.get().getType());
        if (converted != operand.get().getType())
          operand.set(
              mlir::tensor::BitcastOp::create(builder, ret.getLoc(), converted, operand.get()));
      }
    });
    llvm::SmallVector<mlir::Type> inputs, results;
    for (mlir::Type t : func.getArgumentTypes())
      inputs.push_back(signless(t));
    for (mlir::Type t : func.getResultTypes())
      results.push_back(signless(t));
    func.setFunctionType(builder.getFunctionType(inputs, results));
  }
};
} // namespace

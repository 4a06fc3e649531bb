//===- ScalarizeShapeTensors.cpp - Tiny integer tensors to scalars --------===//
//
// Implements `strata-scalarize-shape-tensors`. Shape computations of dynamic
// models (Shape, Gather, Concat, Unsqueeze, Where on 1-D i64 tensors) lower to
// linalg ops and tensor ops on tensors of a few integers; bufferised, they
// become heap buffers whose contents later sizes depend on, which no analysis
// of index arithmetic can see through. Rewritten as `tensor.from_elements` of
// scalars, the canonicaliser folds `tensor.extract` of them away and every
// size becomes plain index arithmetic on the inputs' dimensions.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_SCALARIZESHAPETENSORS
#include "lib/lowering/Passes.h.inc"
} // namespace strata

namespace {

/// Whether `type` is a static integer tensor of at most `limit` elements.
bool isSmallIntegerTensor(Type type, int64_t limit) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && tensor.getNumElements() <= limit &&
         tensor.getElementType().isIntOrIndex();
}

/// Every element of static tensor `source`, in row-major order.
SmallVector<Value> extractAll(PatternRewriter &rewriter, Location loc, Value source) {
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<int64_t> strides = computeStrides(type.getShape());
  SmallVector<Value> elements;
  for (int64_t linear = 0; linear < type.getNumElements(); ++linear) {
    SmallVector<Value> indices;
    for (int64_t i : delinearize(linear, strides))
      indices.push_back(arith::ConstantIndexOp::create(rewriter, loc, i));
    elements.push_back(tensor::ExtractOp::create(rewriter, loc, source, indices));
  }
  return elements;
}

/// An all-parallel `linalg.generic` on small integer tensors becomes its body
/// evaluated at each point of the iteration space.
struct ScalarizeGeneric : OpRewritePattern<linalg::GenericOp> {
  ScalarizeGeneric(MLIRContext *ctx, int64_t limit) : OpRewritePattern(ctx), limit(limit) {}

  LogicalResult matchAndRewrite(linalg::GenericOp op, PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumReductionLoops() != 0 ||
        !llvm::all_of(op->getResultTypes(),
                      [&](Type t) { return isSmallIntegerTensor(t, limit); }) ||
        !llvm::all_of(op.getDpsInputs(), [](Value v) {
          auto t = dyn_cast<RankedTensorType>(v.getType());
          return !t || t.hasStaticShape();
        }))
      return rewriter.notifyMatchFailure(op, "not a small integer computation");
    for (OpOperand &init : op.getDpsInitsMutable())
      if (!op.getMatchingIndexingMap(&init).isIdentity())
        return rewriter.notifyMatchFailure(op, "output not written in order");
    Block &body = op.getRegion().front();
    // A run-time check (a gather's index bounds) is evaluated at each point
    // like the rest of the body.
    if (!llvm::all_of(body.without_terminator(), [](Operation &inner) {
          return isMemoryEffectFree(&inner) || isa<cf::AssertOp>(inner);
        }))
      return rewriter.notifyMatchFailure(op, "body has side effects");
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<int64_t> strides = computeStrides(ranges);
    int64_t points = ranges.empty() ? 1 : computeProduct(ranges);
    if (points > limit)
      return rewriter.notifyMatchFailure(op, "too many points");

    Location loc = op.getLoc();
    SmallVector<SmallVector<Value>> results(op.getNumResults());
    for (int64_t linear = 0; linear < points; ++linear) {
      SmallVector<int64_t> point =
          ranges.empty() ? SmallVector<int64_t>() : delinearize(linear, strides);
      SmallVector<Value> pointValues;
      for (int64_t p : point)
        pointValues.push_back(arith::ConstantIndexOp::create(rewriter, loc, p));
      IRMapping mapping;
      for (OpOperand &operand : op->getOpOperands()) {
        BlockArgument arg = op.getMatchingBlockArgument(&operand);
        if (!isa<RankedTensorType>(operand.get().getType())) {
          mapping.map(arg, operand.get());
          continue;
        }
        AffineMap map = op.getMatchingIndexingMap(&operand);
        SmallVector<Value> indices;
        for (int64_t i : map.compose(point))
          indices.push_back(arith::ConstantIndexOp::create(rewriter, loc, i));
        mapping.map(arg, tensor::ExtractOp::create(rewriter, loc, operand.get(), indices));
      }
      for (Operation &inner : body.without_terminator()) {
        if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
          mapping.map(index.getResult(), pointValues[index.getDim()]);
          continue;
        }
        rewriter.clone(inner, mapping);
      }
      for (auto [i, yielded] : llvm::enumerate(body.getTerminator()->getOperands()))
        results[i].push_back(mapping.lookupOrDefault(yielded));
    }
    SmallVector<Value> replacements;
    for (auto [type, elements] : llvm::zip(op->getResultTypes(), results))
      replacements.push_back(tensor::FromElementsOp::create(rewriter, loc, type, elements));
    rewriter.replaceOp(op, replacements);
    return success();
  }

  int64_t limit;
};

/// Data movement on small integer tensors becomes `tensor.from_elements` of
/// the source elements in their new order.
template <typename OpTy> struct ScalarizeMovement : OpRewritePattern<OpTy> {
  ScalarizeMovement(MLIRContext *ctx, int64_t limit) : OpRewritePattern<OpTy>(ctx), limit(limit) {}

  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    Type type = op->getResult(0).getType();
    if (!isSmallIntegerTensor(type, limit) ||
        !llvm::all_of(op->getOperands(), [&](Value v) {
          return !isa<TensorType>(v.getType()) || isSmallIntegerTensor(v.getType(), limit);
        }))
      return rewriter.notifyMatchFailure(op, "not small integer tensors");
    SmallVector<Value> elements;
    if (failed(collect(op, rewriter, elements)))
      return failure();
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, type, elements);
    return success();
  }

  LogicalResult collect(tensor::ConcatOp op, PatternRewriter &rewriter,
                        SmallVector<Value> &elements) const {
    if (cast<RankedTensorType>(op.getType()).getRank() != 1)
      return rewriter.notifyMatchFailure(op, "concatenation of more than vectors");
    for (Value input : op.getInputs())
      llvm::append_range(elements, extractAll(rewriter, op.getLoc(), input));
    return success();
  }

  LogicalResult collect(tensor::ExpandShapeOp op, PatternRewriter &rewriter,
                        SmallVector<Value> &elements) const {
    elements = extractAll(rewriter, op.getLoc(), op.getSrc());
    return success();
  }

  LogicalResult collect(tensor::CollapseShapeOp op, PatternRewriter &rewriter,
                        SmallVector<Value> &elements) const {
    elements = extractAll(rewriter, op.getLoc(), op.getSrc());
    return success();
  }

  LogicalResult collect(tensor::ExtractSliceOp op, PatternRewriter &rewriter,
                        SmallVector<Value> &elements) const {
    if (!op.hasUnitStride() || op.getSourceType().getRank() != 1 ||
        ShapedType::isDynamic(op.getStaticOffsets()[0]) ||
        ShapedType::isDynamic(op.getStaticSizes()[0]))
      return rewriter.notifyMatchFailure(op, "not a static slice of a vector");
    int64_t offset = op.getStaticOffsets()[0];
    int64_t size = op.getStaticSizes()[0];
    for (int64_t i = 0; i < size; ++i) {
      Value index = arith::ConstantIndexOp::create(rewriter, op.getLoc(), offset + i);
      elements.push_back(tensor::ExtractOp::create(rewriter, op.getLoc(), op.getSource(), index));
    }
    return success();
  }

  int64_t limit;
};

struct ScalarizeShapeTensors
    : strata::impl::ScalarizeShapeTensorsBase<ScalarizeShapeTensors> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ScalarizeGeneric, ScalarizeMovement<tensor::ConcatOp>,
                 ScalarizeMovement<tensor::ExpandShapeOp>,
                 ScalarizeMovement<tensor::CollapseShapeOp>,
                 ScalarizeMovement<tensor::ExtractSliceOp>>(&getContext(), maxElements);
    tensor::FromElementsOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::ExtractOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

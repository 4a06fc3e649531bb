//===- RaiseAttention.cpp - Raise scaled dot-product attention ------------===//
//
// Anchored at a softmax over the last axis of rank-4 scores and read both
// ways. Below it: the product of the probabilities with the values. Above
// it, nearest first: at most one mask (a tensor added to the scores, or a
// `where` that keeps the scores where a boolean is true and puts -inf
// elsewhere), at most one scale (a product with, or a quotient by, a scalar
// constant), and the product of the queries with the transposed keys. Keys
// and values that are concatenations of a past and new ones along the
// sequence become the op's past operands, and the concatenations' other
// uses (the present outputs) read its present results. The op is built with
// `zero_masked_rows = false`: like the primitives, a query whose keys are all
// masked gets softmax's NaN row. The head split and merge around the
// attention are reshapes and transposes that stay as they are.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Passes.h"
#include "passes/raise/ReadProduct.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace strata::raise;
namespace g = strata::graph;

namespace strata {
namespace {

RankedTensorType rankedOf(Value v) { return dyn_cast<RankedTensorType>(v.getType()); }

/// What the chain above the softmax was read as.
struct Scores {
  g::MatMulOp product;
  double scale = 1.0;
  Value mask;
};

/// Whether `product` is `q . k^T`: k transposed by the product's flag, or
/// by a transpose of the key's last two dimensions written before it.
bool isQueryKeyProduct(g::MatMulOp product) {
  if (!product || product.getTransposeLhs())
    return false;
  if (product.getTransposeRhs())
    return true;
  auto transpose = product.getRhs().getDefiningOp<g::TransposeOp>();
  return transpose && transpose.getPermutation().size() == 4;
}

/// Reads `v` as `(q . k^T) * scale` with at most one scalar product or
/// quotient, each value in the chain used only by the next.
bool readScaledProduct(Value v, Scores &scores) {
  if (auto product = v.getDefiningOp<g::MatMulOp>()) {
    if (!isQueryKeyProduct(product) || !v.hasOneUse())
      return false;
    scores.product = product;
    return true;
  }
  Operation *op = v.getDefiningOp();
  if (!isa_and_nonnull<g::MulOp, g::DivOp>(op) || !v.hasOneUse())
    return false;
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  std::optional<double> constant = splatValue(rhs);
  if (!constant && isa<g::MulOp>(op)) {
    std::swap(lhs, rhs);
    constant = splatValue(rhs);
  }
  RankedTensorType scalarType = rankedOf(rhs);
  if (!constant || *constant == 0.0 || !std::isfinite(*constant) || !scalarType ||
      !scalarType.hasStaticShape() || scalarType.getNumElements() != 1 ||
      lhs.getType() != v.getType())
    return false;
  auto product = lhs.getDefiningOp<g::MatMulOp>();
  if (!isQueryKeyProduct(product) || !lhs.hasOneUse())
    return false;
  scores.product = product;
  scores.scale = isa<g::MulOp>(op) ? *constant : 1.0 / *constant;
  return true;
}

/// Whether every element of `v` is -inf.
bool isNegativeInfinity(Value v) {
  std::optional<double> value = splatValue(v);
  return value && std::isinf(*value) && *value < 0;
}

/// Reads the softmax's input `s`: the scaled product, under at most one mask
/// that leaves the scores' type as it is (no broadcast grows them).
bool readScores(Value s, Scores &scores) {
  if (readScaledProduct(s, scores))
    return true;
  if (!s.hasOneUse())
    return false;
  if (auto add = s.getDefiningOp<g::AddOp>()) {
    for (auto [chain, mask] :
         {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())})
      if (chain.getType() == s.getType() && readScaledProduct(chain, scores)) {
        scores.mask = mask;
        return true;
      }
    return false;
  }
  if (auto where = s.getDefiningOp<g::WhereOp>()) {
    if (where.getOnTrue().getType() != s.getType() || !isNegativeInfinity(where.getOnFalse()) ||
        !readScaledProduct(where.getOnTrue(), scores))
      return false;
    scores.mask = where.getCondition();
    return true;
  }
  return false;
}

/// The type of the keys `[batch, heads, sequence, head_dim]` of `product`, a
/// `q . k^T`: its right operand's, with the last two dimensions swapped when
/// a transpose op rather than the product's flag transposes them.
RankedTensorType keysType(g::MatMulOp product) {
  auto type = rankedOf(product.getRhs());
  if (product.getTransposeRhs() || !type || type.getRank() != 4)
    return type;
  SmallVector<int64_t> dims(type.getShape());
  std::swap(dims[2], dims[3]);
  return type.clone(dims);
}

/// The keys of `product` (see keysType): its right operand, or a new
/// transpose, at `product`, of the transpose's input before it, with the
/// last two dimensions left in place.
Value keysOf(g::MatMulOp product, PatternRewriter &rewriter) {
  if (product.getTransposeRhs())
    return product.getRhs();
  auto transpose = product.getRhs().getDefiningOp<g::TransposeOp>();
  SmallVector<int64_t> permutation(transpose.getPermutation());
  std::swap(permutation[2], permutation[3]);
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(product);
  return g::TransposeOp::create(rewriter, product.getLoc(), keysType(product), transpose.getInput(),
                                permutation);
}

/// `x` as the concatenation of a past and new entries along the sequence
/// (axis 2): the concat, or null.
g::ConcatOp pastConcat(Value x) {
  auto concat = x.getDefiningOp<g::ConcatOp>();
  if (!concat || concat.getInputs().size() != 2 || concat.getAxis() != 2)
    return {};
  return concat;
}

struct RaiseAttention : OpRewritePattern<g::SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(g::SoftmaxOp softmax, PatternRewriter &rewriter) const override {
    RankedTensorType scoresType = rankedOf(softmax.getInput());
    if (!scoresType || scoresType.getRank() != 4)
      return rewriter.notifyMatchFailure(softmax, "not rank-4 scores");
    if (softmax.getAxis() != 3)
      return rewriter.notifyMatchFailure(softmax, "not over the last axis");
    Value probabilities = softmax.getResult();
    if (!probabilities.hasOneUse())
      return rewriter.notifyMatchFailure(softmax, "probabilities used elsewhere");
    auto output = dyn_cast<g::MatMulOp>(*probabilities.getUsers().begin());
    if (!output || output.getLhs() != probabilities || output.getTransposeLhs() ||
        output.getTransposeRhs())
      return rewriter.notifyMatchFailure(softmax, "not followed by the product with values");
    Scores scores;
    if (!readScores(softmax.getInput(), scores))
      return rewriter.notifyMatchFailure(softmax, "scores are not a scaled, masked q . k^T");
    Value q = scores.product.getLhs(), v = output.getRhs();
    RankedTensorType qt = rankedOf(q), kt = keysType(scores.product), vt = rankedOf(v),
                     yt = rankedOf(output);
    if (!qt || !kt || !vt || !yt || qt.getRank() != 4 || kt.getRank() != 4 || vt.getRank() != 4)
      return rewriter.notifyMatchFailure(softmax, "not 4-D queries, keys and values");
    // The products must not broadcast the heads: one query head per key
    // head, both known statically (the decomposition needs the counts). The
    // values' count may be dynamic: the decomposition's product with them
    // broadcasts as the exported one does.
    int64_t heads = qt.getDimSize(1);
    if (ShapedType::isDynamic(heads) || kt.getDimSize(1) != heads ||
        (!ShapedType::isDynamic(vt.getDimSize(1)) && vt.getDimSize(1) != heads))
      return rewriter.notifyMatchFailure(softmax, "head counts not static and equal");
    if (scoresType.getDimSize(1) != heads || yt.getDimSize(1) != heads)
      return rewriter.notifyMatchFailure(softmax, "the products broadcast the heads");
    for (RankedTensorType t : {kt, vt})
      if (!ShapedType::isDynamic(t.getDimSize(0)) && !ShapedType::isDynamic(qt.getDimSize(0)) &&
          t.getDimSize(0) != qt.getDimSize(0))
        return rewriter.notifyMatchFailure(softmax, "the products broadcast the batch");
    Value mask = scores.mask;
    if (mask) {
      RankedTensorType mt = rankedOf(mask);
      bool boolean = mt && mt.getElementType().isInteger(1);
      if (!mt || mt.getRank() > 4 || (!boolean && mt.getElementType() != qt.getElementType()))
        return rewriter.notifyMatchFailure(softmax, "mask of another type or rank");
    }
    // A past only where the product transposes the concatenated keys itself.
    Value k = scores.product.getTransposeRhs() ? scores.product.getRhs() : Value();
    g::ConcatOp pastK = k ? pastConcat(k) : g::ConcatOp(), pastV = pastConcat(v);
    Value pastKey, pastValue, newK, newV = v;
    if (pastK && pastV) {
      pastKey = pastK.getInputs()[0];
      pastValue = pastV.getInputs()[0];
      newK = pastK.getInputs()[1];
      newV = pastV.getInputs()[1];
      // The concatenations' static head counts hold for their inputs too.
      RankedTensorType nk = rankedOf(newK), nv = rankedOf(newV);
      auto otherHeads = [&](RankedTensorType t) {
        return !t || (!ShapedType::isDynamic(t.getDimSize(1)) && t.getDimSize(1) != heads);
      };
      if (otherHeads(nk) || otherHeads(nv))
        return rewriter.notifyMatchFailure(softmax, "new keys or values of other head counts");
      // The concatenations' other uses will read the op's results: they
      // must come after it.
      Operation *scoresOp = scores.product, *outputOp = output;
      for (auto [concat, reader] : {std::pair(k, scoresOp), std::pair(v, outputOp)})
        for (Operation *user : concat.getUsers())
          if (user != reader &&
              (user->getBlock() != output->getBlock() || !output->isBeforeInBlock(user)))
            return rewriter.notifyMatchFailure(softmax, "the present is read before the output");
    }
    if (!newK)
      newK = keysOf(scores.product, rewriter);
    rewriter.setInsertionPoint(output);
    SmallVector<Type> results = {yt, kt, vt, scoresType};
    auto op = g::AttentionOp::create(
        rewriter, output.getLoc(), results, q, newK, newV, mask, pastKey, pastValue,
        rewriter.getFloatAttr(rewriter.getF32Type(), scores.scale), rewriter.getBoolAttr(false),
        rewriter.getFloatAttr(rewriter.getF32Type(), 0.0), rewriter.getI64IntegerAttr(0),
        rewriter.getBoolAttr(false));
    if (pastKey) {
      rewriter.replaceUsesWithIf(k, op.getPresentKey(),
                                 [&](OpOperand &use) { return use.getOwner() != scores.product; });
      rewriter.replaceUsesWithIf(v, op.getPresentValue(),
                                 [&](OpOperand &use) { return use.getOwner() != output; });
    }
    rewriter.replaceOp(output, op.getResult());
    return success();
  }
};

} // namespace

void populateRaiseAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseAttention>(patterns.getContext());
}

} // namespace strata

//===- RaiseAttention.cpp - Raise scaled dot-product attention ------------===//
//
// Anchored at a softmax over the last axis of rank-4 scores and read both
// ways. Below it: the product of the probabilities with the values, directly
// or through ONNX's expansion's zeroing of the rows whose mask has no key.
// Above it, nearest first: at most one mask (a tensor added to the scores,
// or a `where` that keeps the scores where a boolean is true and puts -inf
// elsewhere), optionally a softcap, at most one scale (a product with, or a
// quotient by, a scalar constant), and the product of the queries with the
// transposed keys, each of which may carry a scalar factor of its own. Keys
// and values that are concatenations of a past and new ones along the
// sequence become the op's past operands, and the concatenations' other
// uses (the present outputs) read its present results. Without the zeroing
// the op is built with `zero_masked_rows = false`: like the primitives, a
// query whose keys are all masked gets softmax's NaN row. Factors on q and
// k^T multiply the scores after the product in the op, which rounds
// differently (by an ulp or so). The head split and merge around the
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
  /// The product's operands without their scalar factors.
  Value query, keysT;
  double scale = 1.0;
  double softcap = 0.0;
  Value mask;
};

/// `v` as `x * factor`: a product with, or a quotient by, a scalar constant
/// that `v`'s one use reads and that leaves the type as it is; else `v`
/// and 1.
std::pair<Value, double> stripScalar(Value v) {
  Operation *op = v.getDefiningOp();
  if (!isa_and_nonnull<g::MulOp, g::DivOp>(op) || !v.hasOneUse())
    return {v, 1.0};
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
    return {v, 1.0};
  return {lhs, isa<g::MulOp>(op) ? *constant : 1.0 / *constant};
}

/// Reads `v`, used once, as `(q * a) . (k^T * b)` (each factor a scalar
/// constant or none), k transposed by the product's flag or by a transpose
/// of its last two dimensions written before it; the factors join `scale`.
bool readQueryKeyProduct(Value v, Scores &scores) {
  auto product = v.getDefiningOp<g::MatMulOp>();
  if (!product || product.getTransposeLhs() || !v.hasOneUse())
    return false;
  auto [query, a] = stripScalar(product.getLhs());
  auto [keysT, b] = stripScalar(product.getRhs());
  if (!product.getTransposeRhs()) {
    auto transpose = keysT.getDefiningOp<g::TransposeOp>();
    if (!transpose || transpose.getPermutation().size() != 4)
      return false;
  }
  scores.product = product;
  scores.query = query;
  scores.keysT = keysT;
  scores.scale *= a * b;
  return true;
}

/// Reads `v` as `softcap * tanh(x / softcap)` (or `x * (1 / softcap)`),
/// each value used only by the next; returns `x`, or null.
Value readSoftcap(Value v, Scores &scores) {
  auto [capped, outer] = stripScalar(v);
  auto tanh = capped.getDefiningOp<g::TanhOp>();
  if (capped == v || !tanh || !capped.hasOneUse())
    return {};
  auto [x, inner] = stripScalar(tanh.getInput());
  if (x == tanh.getInput() || !isNear(inner * outer, 1.0) || outer <= 0)
    return {};
  scores.softcap = outer;
  return x;
}

/// Reads `v` as `(q . k^T) * scale` with at most one scalar product or
/// quotient after the product, then, optionally, a softcap.
bool readScaledProduct(Value v, Scores &scores) {
  scores = Scores();
  if (Value x = readSoftcap(v, scores))
    v = x;
  auto [product, factor] = stripScalar(v);
  scores.scale = factor;
  return readQueryKeyProduct(product, scores);
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

/// The type of the keys `[batch, heads, sequence, head_dim]` of the scores'
/// product: its right operand's, with the last two dimensions swapped when a
/// transpose op rather than the product's flag transposes them.
RankedTensorType keysType(Scores &scores) {
  auto type = rankedOf(scores.keysT);
  if (scores.product.getTransposeRhs() || !type || type.getRank() != 4)
    return type;
  SmallVector<int64_t> dims(type.getShape());
  std::swap(dims[2], dims[3]);
  return type.clone(dims);
}

/// The keys of the scores' product (see keysType): its right operand, or a
/// new transpose, at the product, of the transpose's input before it, with
/// the last two dimensions left in place.
Value keysOf(Scores &scores, PatternRewriter &rewriter) {
  if (scores.product.getTransposeRhs())
    return scores.keysT;
  auto transpose = scores.keysT.getDefiningOp<g::TransposeOp>();
  SmallVector<int64_t> permutation(transpose.getPermutation());
  std::swap(permutation[2], permutation[3]);
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(scores.product);
  return g::TransposeOp::create(rewriter, scores.product.getLoc(), keysType(scores),
                                transpose.getInput(), permutation);
}

/// Whether `v` is `where(max(mask, last axis) == -inf, 0, probabilities)`:
/// the zero rows of ONNX's Attention expansion.
bool isMaskedRowGuard(Value v, Value probabilities, Value mask) {
  auto where = v.getDefiningOp<g::WhereOp>();
  if (!where || where.getOnFalse() != probabilities || v.getType() != probabilities.getType() ||
      !isNear(splatValue(where.getOnTrue()), 0.0) || !mask)
    return false;
  auto compare = where.getCondition().getDefiningOp<g::CompareOp>();
  if (!compare || compare.getDirection() != g::ComparisonDirection::eq)
    return false;
  Value rowMax = compare.getLhs(), other = compare.getRhs();
  if (!isNegativeInfinity(other))
    std::swap(rowMax, other);
  auto reduce = rowMax.getDefiningOp<g::ReduceOp>();
  RankedTensorType maskType = rankedOf(mask);
  if (!isNegativeInfinity(other) || !reduce || !maskType ||
      reduce.getKind() != g::ReductionKind::max || reduce.getInput() != mask)
    return false;
  ArrayRef<int64_t> axes = reduce.getAxes();
  return axes.size() == 1 && axes[0] == maskType.getRank() - 1 &&
         rankedOf(rowMax).getRank() == maskType.getRank();
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
    Scores scores;
    if (!readScores(softmax.getInput(), scores))
      return rewriter.notifyMatchFailure(softmax, "scores are not a scaled, masked q . k^T");
    // The probabilities, or ONNX's expansion's choice of zero rows where the
    // mask has no key, go to the product with the values alone.
    Value probabilities = softmax.getResult();
    if (!probabilities.hasOneUse())
      return rewriter.notifyMatchFailure(softmax, "probabilities used elsewhere");
    Operation *user = *probabilities.getUsers().begin();
    bool zeroMaskedRows = user->getNumResults() == 1 &&
                          isMaskedRowGuard(user->getResult(0), probabilities, scores.mask);
    Value weights = zeroMaskedRows ? user->getResult(0) : probabilities;
    if (!weights.hasOneUse())
      return rewriter.notifyMatchFailure(softmax, "probabilities used elsewhere");
    auto output = dyn_cast<g::MatMulOp>(*weights.getUsers().begin());
    if (!output || output.getLhs() != weights || output.getTransposeLhs() ||
        output.getTransposeRhs())
      return rewriter.notifyMatchFailure(softmax, "not followed by the product with values");
    Value q = scores.query, v = output.getRhs();
    RankedTensorType qt = rankedOf(q), kt = keysType(scores), vt = rankedOf(v),
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
    Value k = scores.product.getTransposeRhs() ? scores.keysT : Value();
    // The op that reads the keys in the chain being replaced.
    Operation *keyReader = scores.keysT == scores.product.getRhs()
                               ? scores.product.getOperation()
                               : scores.product.getRhs().getDefiningOp();
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
      Operation *outputOp = output;
      for (auto [concat, reader] : {std::pair(k, keyReader), std::pair(v, outputOp)})
        for (Operation *user : concat.getUsers())
          if (user != reader &&
              (user->getBlock() != output->getBlock() || !output->isBeforeInBlock(user)))
            return rewriter.notifyMatchFailure(softmax, "the present is read before the output");
    }
    if (!newK)
      newK = keysOf(scores, rewriter);
    rewriter.setInsertionPoint(output);
    SmallVector<Type> results = {yt, kt, vt, scoresType};
    auto op = g::AttentionOp::create(
        rewriter, output.getLoc(), results, q, newK, newV, mask, pastKey, pastValue,
        rewriter.getFloatAttr(rewriter.getF32Type(), scores.scale), rewriter.getBoolAttr(false),
        rewriter.getFloatAttr(rewriter.getF32Type(), scores.softcap), rewriter.getI64IntegerAttr(0),
        rewriter.getBoolAttr(zeroMaskedRows));
    if (pastKey) {
      rewriter.replaceUsesWithIf(k, op.getPresentKey(),
                                 [&](OpOperand &use) { return use.getOwner() != keyReader; });
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

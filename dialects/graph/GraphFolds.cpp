//===- GraphFolds.cpp - Folders and canonicalisations of graph ops --------===//
//
// Constant folding aimed at shape computations (Shape -> Gather -> Concat ->
// Reshape chains, ConstantOfShape, Range), identities, and the patterns that turn
// ops with run-time shape operands into their static forms once the operands are
// known.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/GraphDialect.h"
#include "dialects/graph/KnownElements.h"
#include "dialects/graph/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace strata::graph;

/// Constants larger than this are left alone: folding is for shape arithmetic and
/// masks, not for materialising activations.
static constexpr int64_t kMaxFoldElements = 1 << 16;

static RankedTensorType foldableType(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.hasStaticShape() || t.getNumElements() > kMaxFoldElements)
    return nullptr;
  return t;
}

static DenseElementsAttr denseOf(Attribute attr) {
  return dyn_cast_if_present<DenseElementsAttr>(attr);
}

static bool isFoldableInt(Type element) {
  auto it = dyn_cast<IntegerType>(element);
  return it && !it.isUnsigned();
}

/// Linear index into an operand of `operandShape` for a linear index of the
/// broadcast result of `resultShape`.
static int64_t broadcastSourceIndex(int64_t linear, ArrayRef<int64_t> resultShape,
                                    ArrayRef<int64_t> operandShape) {
  int64_t index = 0, stride = 1;
  size_t offset = resultShape.size() - operandShape.size();
  for (int64_t i = resultShape.size() - 1; i >= 0; --i) {
    int64_t coord = linear % resultShape[i];
    linear /= resultShape[i];
    if (i < static_cast<int64_t>(offset))
      continue;
    int64_t d = operandShape[i - offset];
    index += (d == 1 ? 0 : coord) * stride;
    stride *= d;
  }
  return index;
}

/// Folds an integer binary op elementwise with broadcasting; `fn` returns nullopt
/// for undefined results (division by zero), which blocks the fold.
static OpFoldResult
foldIntBinary(ArrayRef<Attribute> operands, Type resultType,
              llvm::function_ref<std::optional<APInt>(const APInt &, const APInt &)> fn) {
  RankedTensorType type = foldableType(resultType);
  DenseElementsAttr lhs = denseOf(operands[0]), rhs = denseOf(operands[1]);
  if (!type || !lhs || !rhs || !isFoldableInt(lhs.getElementType()))
    return {};
  auto lhsValues = llvm::to_vector(lhs.getValues<APInt>());
  auto rhsValues = llvm::to_vector(rhs.getValues<APInt>());
  ArrayRef<int64_t> lhsShape = lhs.getType().getShape(), rhsShape = rhs.getType().getShape();
  SmallVector<APInt> result;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    const APInt &a = lhs.isSplat() ? lhsValues[0]
                                   : lhsValues[broadcastSourceIndex(i, type.getShape(), lhsShape)];
    const APInt &b = rhs.isSplat() ? rhsValues[0]
                                   : rhsValues[broadcastSourceIndex(i, type.getShape(), rhsShape)];
    std::optional<APInt> r = fn(a, b);
    if (!r)
      return {};
    result.push_back(*r);
  }
  return DenseElementsAttr::get(type, result);
}

/// The order of two integers of a signless type as graph ops read them: signed
/// unless `isUnsigned`, except for `i1`, whose `true` is 1 rather than the -1
/// of a signed reading.
static bool lessThan(const APInt &a, const APInt &b, bool isUnsigned) {
  return isUnsigned || a.getBitWidth() == 1 ? a.ult(b) : a.slt(b);
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = denseOf(adaptor.getInput());
  if (!input || !foldableType(getType()) || !isFoldableInt(input.getElementType()))
    return {};
  return input.mapValues(input.getElementType(), [](const APInt &v) { return -v; });
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  DenseElementsAttr input = denseOf(adaptor.getInput());
  RankedTensorType type = foldableType(getType());
  if (!input || !type)
    return {};
  Type from = input.getElementType(), to = type.getElementType();
  auto toInt = dyn_cast<IntegerType>(to);
  bool isSigned = !from.isUnsignedInteger() && !from.isInteger(1) && !getInputUnsigned();
  if (isa<IntegerType>(from) && toInt) {
    return input.mapValues(to, [&](const APInt &v) {
      if (toInt.getWidth() == 1)
        return APInt(1, !v.isZero());
      return isSigned ? v.sextOrTrunc(toInt.getWidth()) : v.zextOrTrunc(toInt.getWidth());
    });
  }
  if (isa<IntegerType>(from) && isa<FloatType>(to)) {
    SmallVector<APFloat> values;
    for (const APInt &v : input.getValues<APInt>()) {
      APFloat f(cast<FloatType>(to).getFloatSemantics());
      f.convertFromAPInt(v, isSigned, APFloat::rmNearestTiesToEven);
      values.push_back(f);
    }
    return DenseElementsAttr::get(type, values);
  }
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldIntBinary(adaptor.getOperands(), getType(),
                       [](const APInt &a, const APInt &b) { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldIntBinary(adaptor.getOperands(), getType(),
                       [](const APInt &a, const APInt &b) { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldIntBinary(adaptor.getOperands(), getType(),
                       [](const APInt &a, const APInt &b) { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = getIsUnsigned();
  return foldIntBinary(adaptor.getOperands(), getType(),
                       [isUnsigned](const APInt &a, const APInt &b) -> std::optional<APInt> {
                         if (b.isZero())
                           return std::nullopt;
                         return isUnsigned ? a.udiv(b) : a.sdiv(b);
                       });
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = getIsUnsigned();
  return foldIntBinary(
      adaptor.getOperands(), getType(),
      [isUnsigned](const APInt &a, const APInt &b) { return lessThan(a, b, isUnsigned) ? b : a; });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = getIsUnsigned();
  return foldIntBinary(
      adaptor.getOperands(), getType(),
      [isUnsigned](const APInt &a, const APInt &b) { return lessThan(b, a, isUnsigned) ? b : a; });
}

OpFoldResult CompareOp::fold(FoldAdaptor adaptor) {
  ComparisonDirection direction = getDirection();
  bool isUnsigned = getIsUnsigned();
  return foldIntBinary({adaptor.getLhs(), adaptor.getRhs()}, getType(),
                       [direction, isUnsigned](const APInt &a, const APInt &b) {
                         bool r = false;
                         switch (direction) {
                         case ComparisonDirection::eq:
                           r = a == b;
                           break;
                         case ComparisonDirection::ne:
                           r = a != b;
                           break;
                         case ComparisonDirection::lt:
                           r = lessThan(a, b, isUnsigned);
                           break;
                         case ComparisonDirection::le:
                           r = !lessThan(b, a, isUnsigned);
                           break;
                         case ComparisonDirection::gt:
                           r = lessThan(b, a, isUnsigned);
                           break;
                         case ComparisonDirection::ge:
                           r = !lessThan(a, b, isUnsigned);
                           break;
                         }
                         return APInt(1, r);
                       });
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  // Either way the same value (ONNX's Attention expansion chooses between a
  // head count and itself).
  if (getOnTrue() == getOnFalse() && getOnTrue().getType() == getType())
    return getOnTrue();
  RankedTensorType type = foldableType(getType());
  DenseElementsAttr cond = denseOf(adaptor.getCondition());
  DenseElementsAttr onTrue = denseOf(adaptor.getOnTrue());
  DenseElementsAttr onFalse = denseOf(adaptor.getOnFalse());
  if (!type || !cond)
    return {};
  if (cond.isSplat()) {
    Value chosen = cond.getSplatValue<bool>() ? getOnTrue() : getOnFalse();
    if (chosen.getType() == getType())
      return chosen;
  }
  if (!onTrue || !onFalse)
    return {};
  auto c = llvm::to_vector(cond.getValues<bool>());
  auto t = llvm::to_vector(onTrue.getValues<Attribute>());
  auto f = llvm::to_vector(onFalse.getValues<Attribute>());
  SmallVector<Attribute> result;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    bool pick = c[broadcastSourceIndex(i, type.getShape(), cond.getType().getShape())];
    result.push_back(
        pick ? t[broadcastSourceIndex(i, type.getShape(), onTrue.getType().getShape())]
             : f[broadcastSourceIndex(i, type.getShape(), onFalse.getType().getShape())]);
  }
  return DenseElementsAttr::get(type, result);
}

OpFoldResult ShapeOfOp::fold(FoldAdaptor) {
  auto input = cast<RankedTensorType>(getInput().getType());
  if (!input.hasStaticShape() || !foldableType(getType()))
    return {};
  return DenseElementsAttr::get(cast<ShapedType>(getType()), input.getShape());
}

OpFoldResult FillOp::fold(FoldAdaptor) {
  auto type = cast<RankedTensorType>(getType());
  auto value = dyn_cast<DenseElementsAttr>(getValue());
  if (!type.hasStaticShape() || !value)
    return {};
  return DenseElementsAttr::get(type, value.getValues<Attribute>()[0]);
}

/// The elements of `op` when its operands are the integer constants `start`,
/// `limit` and `delta`; nullopt when they are not, when they are read as
/// unsigned, when `delta` is zero or when the sequence is longer than
/// `kMaxFoldElements`.
static std::optional<SmallVector<APInt>> foldRangeValues(RangeOp op, Attribute startAttr,
                                                         Attribute limitAttr, Attribute deltaAttr) {
  DenseElementsAttr start = denseOf(startAttr), limit = denseOf(limitAttr),
                    delta = denseOf(deltaAttr);
  if (!start || !limit || !delta || !isFoldableInt(start.getElementType()) || op.getIsUnsigned())
    return std::nullopt;
  int64_t s = start.getSplatValue<APInt>().getSExtValue();
  int64_t l = limit.getSplatValue<APInt>().getSExtValue();
  int64_t d = delta.getSplatValue<APInt>().getSExtValue();
  std::optional<int64_t> span = llvm::checkedSub(l, s);
  if (d == 0 || !span || llvm::divideSignedWouldOverflow(*span, d))
    return std::nullopt;
  int64_t n = std::max<int64_t>(llvm::divideCeilSigned(*span, d), 0);
  if (n > kMaxFoldElements)
    return std::nullopt;
  unsigned width = start.getElementType().getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(APInt(width, s + i * d, /*isSigned=*/true));
  return values;
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  auto type = cast<RankedTensorType>(getType());
  if (!type.hasStaticShape())
    return {};
  std::optional<SmallVector<APInt>> values =
      foldRangeValues(*this, adaptor.getStart(), adaptor.getLimit(), adaptor.getDelta());
  if (!values || static_cast<int64_t>(values->size()) != type.getDimSize(0))
    return {};
  return DenseElementsAttr::get(type, *values);
}

namespace {
/// A range with constant operands whose result type leaves the length dynamic
/// becomes a constant of the computed length, cast back for existing users.
struct StaticRangeFromConstantOperands : OpRewritePattern<RangeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RangeOp op, PatternRewriter &rewriter) const override {
    if (op.getType().hasStaticShape())
      return failure();
    Attribute start, limit, delta;
    if (!matchPattern(op.getStart(), m_Constant(&start)) ||
        !matchPattern(op.getLimit(), m_Constant(&limit)) ||
        !matchPattern(op.getDelta(), m_Constant(&delta)))
      return failure();
    std::optional<SmallVector<APInt>> values = foldRangeValues(op, start, limit, delta);
    if (!values)
      return failure();
    auto type = RankedTensorType::get({static_cast<int64_t>(values->size())},
                                      op.getType().getElementType());
    Value folded = ConstantOp::create(rewriter, op.getLoc(), DenseElementsAttr::get(type, *values));
    rewriter.replaceOpWithNewOp<tensor::CastOp>(op, op.getType(), folded);
    return success();
  }
};
} // namespace

void RangeOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<StaticRangeFromConstantOperands>(context);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (!getShape() && getInput().getType() == getType())
    return getInput();
  DenseElementsAttr input = denseOf(adaptor.getInput());
  RankedTensorType type = foldableType(getType());
  if (input && type)
    return input.reshape(type);
  return {};
}

namespace {
/// `reshape(reshape(x))`, also through a cast between them, reads `x`
/// directly when the outer reshape needs no shape operand.
struct CollapseReshapeChain : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    // A cast between it and the inner reshape changes no element.
    Value input = op.getInput();
    if (auto cast = input.getDefiningOp<tensor::CastOp>())
      input = cast.getSource();
    auto inner = input.getDefiningOp<ReshapeOp>();
    if (!inner || op.getShape())
      return failure();
    // Both inputs have the same element count, which is all that determines the
    // outer reshape's one dynamic dimension, if any.
    rewriter.modifyOpInPlace(op, [&] { op.getInputMutable().assign(inner.getInput()); });
    return success();
  }
};

/// A reshape whose shape operand is constant becomes a static reshape; the result
/// type is refined and cast back for existing users.
struct StaticReshapeFromConstantShape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    DenseIntElementsAttr shape;
    if (!op.getShape() || !matchPattern(op.getShape(), m_Constant(&shape)))
      return failure();
    auto input = cast<RankedTensorType>(op.getInput().getType());
    SmallVector<int64_t> dims;
    int64_t inferred = -1, known = 1;
    for (const APInt &v : shape.getValues<APInt>()) {
      int64_t d = v.getSExtValue();
      if (d == -1) {
        if (inferred >= 0)
          return failure();
        inferred = dims.size();
        dims.push_back(ShapedType::kDynamic);
        continue;
      }
      if (d < 0)
        return failure();
      known *= d;
      dims.push_back(d);
    }
    std::optional<int64_t> count = staticElementCount(input.getShape());
    if (inferred >= 0 && count && known != 0 && *count % known == 0)
      dims[inferred] = *count / known;
    // A shape that contradicts a static element count is an error at run time;
    // the static reshape built from it would not verify.
    if (count && staticElementCount(dims) != count)
      return failure();
    auto refined = RankedTensorType::get(dims, input.getElementType());
    if (!areCompatibleRefinements(op.getType(), refined))
      return failure();
    if (refined.getNumDynamicDims() > 1)
      return failure();
    Value reshaped = ReshapeOp::create(rewriter, op.getLoc(), refined, op.getInput(), Value());
    if (refined != op.getType())
      reshaped = tensor::CastOp::create(rewriter, op.getLoc(), op.getType(), reshaped);
    rewriter.replaceOp(op, reshaped);
    return success();
  }
};

/// A reshape whose run-time shape has elements known at compile time
/// (elementOf) gets those dimensions in its result type, and the -1 one too
/// when the input's dimensions that the other elements do not copy are
/// static (the head count of `[batch, sequence, -1, head_dim]` from
/// `[batch, sequence, width]`). The result is cast back for existing users,
/// which strata-refine-shapes then looks through.
struct RefineReshapeFromKnownShapeElements : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!op.getShape() || !type)
      return failure();
    auto input = cast<RankedTensorType>(op.getInput().getType());
    SmallVector<int64_t> dims(type.getShape());
    // What the input's elements are, less the dimensions copied into the
    // result and the result's static dimensions.
    SmallVector<bool> copied(input.getRank(), false);
    int64_t inferred = -1, other = 1;
    bool refined = false, othersKnown = true;
    for (auto [i, dim] : llvm::enumerate(dims)) {
      std::optional<ShapeElement> element = elementOf(op.getShape(), static_cast<int64_t>(i));
      if (element && element->value && *element->value == -1 && inferred < 0) {
        inferred = static_cast<int64_t>(i);
        continue;
      }
      if (element && element->of == op.getInput() && !copied[element->dim]) {
        copied[element->dim] = true;
        continue;
      }
      if (ShapedType::isDynamic(dim) && element && element->value && *element->value >= 0) {
        dim = *element->value;
        refined = true;
      }
      if (ShapedType::isDynamic(dim))
        othersKnown = false;
      else
        other *= dim;
    }
    if (inferred >= 0 && ShapedType::isDynamic(dims[inferred]) && othersKnown && other > 0) {
      int64_t rest = 1;
      for (auto [d, size] : llvm::enumerate(input.getShape()))
        if (!copied[d])
          rest = ShapedType::isDynamic(size) || rest < 0 ? -1 : rest * size;
      if (rest >= 0 && rest % other == 0) {
        dims[inferred] = rest / other;
        refined = true;
      }
    }
    if (!refined)
      return failure();
    std::optional<int64_t> count = staticElementCount(input.getShape());
    std::optional<int64_t> refinedCount = staticElementCount(dims);
    // A shape that contradicts a static element count is an error at run
    // time, left to the run-time check.
    if (count && refinedCount && count != refinedCount)
      return failure();
    if (count && !refinedCount) {
      int64_t known = 1;
      for (int64_t d : dims)
        if (!ShapedType::isDynamic(d))
          known *= d;
      if (known == 0 || *count % known != 0)
        return failure();
    }
    Value reshaped =
        ReshapeOp::create(rewriter, op.getLoc(), type.clone(dims), op.getInput(), op.getShape());
    rewriter.replaceOp(op, tensor::CastOp::create(rewriter, op.getLoc(), type, reshaped));
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<CollapseReshapeChain, StaticReshapeFromConstantShape,
               RefineReshapeFromKnownShapeElements>(context);
}

namespace {
/// The input of `transpose` if it only swaps the last two dimensions (and
/// its type is the input's with those two swapped), else null.
Value matrixTransposed(TransposeOp transpose) {
  if (!transpose)
    return nullptr;
  ArrayRef<int64_t> permutation = transpose.getPermutation();
  auto rank = static_cast<int64_t>(permutation.size());
  if (rank < 2)
    return nullptr;
  for (int64_t i = 0; i < rank - 2; ++i)
    if (permutation[i] != i)
      return nullptr;
  if (permutation[rank - 2] != rank - 1 || permutation[rank - 1] != rank - 2)
    return nullptr;
  auto input = cast<RankedTensorType>(transpose.getInput().getType());
  SmallVector<int64_t> swapped(input.getShape());
  std::swap(swapped[rank - 2], swapped[rank - 1]);
  if (input.clone(swapped) != transpose.getType())
    return nullptr;
  return transpose.getInput();
}

/// A matmul operand made by a transpose of its last two dimensions (a tied
/// language-model head `x @ Transpose(embedding)`, attention's `q @ k^T`)
/// becomes the operand's transpose flag: the product reads the matrix
/// transposed, by its strides, where the transpose copied it on every run.
struct FoldMatrixTranspose : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp op, PatternRewriter &rewriter) const override {
    Value lhs = matrixTransposed(op.getLhs().getDefiningOp<TransposeOp>());
    Value rhs = matrixTransposed(op.getRhs().getDefiningOp<TransposeOp>());
    if (!lhs && !rhs)
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      if (lhs) {
        op.getLhsMutable().assign(lhs);
        op.setTransposeLhs(!op.getTransposeLhs());
      }
      if (rhs) {
        op.getRhsMutable().assign(rhs);
        op.setTransposeRhs(!op.getTransposeRhs());
      }
    });
    return success();
  }
};
} // namespace

void MatMulOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<FoldMatrixTranspose>(context);
}

/// The constant of `type` whose element at each index `coords` is `input`'s
/// element at the index `source(coords)` writes into `from`: the fold of the
/// data-movement ops (transpose, slice) on constants.
static DenseElementsAttr
moveElements(DenseElementsAttr input, RankedTensorType type,
             function_ref<void(ArrayRef<int64_t> coords, MutableArrayRef<int64_t> from)> source) {
  auto values = llvm::to_vector(input.getValues<Attribute>());
  ArrayRef<int64_t> inputShape = input.getType().getShape();
  SmallVector<int64_t> coords(type.getRank()), from(inputShape.size());
  SmallVector<Attribute> result;
  for (int64_t linear = 0, e = type.getNumElements(); linear < e; ++linear) {
    for (int64_t d = type.getRank() - 1, rest = linear; d >= 0; --d) {
      coords[d] = rest % type.getDimSize(d);
      rest /= type.getDimSize(d);
    }
    source(coords, from);
    int64_t index = 0;
    for (auto [c, size] : llvm::zip(from, inputShape))
      index = index * size + c;
    result.push_back(values[index]);
  }
  return DenseElementsAttr::get(type, result);
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> permutation = getPermutation();
  if (llvm::equal(permutation, llvm::seq<int64_t>(0, permutation.size())) &&
      getInput().getType() == getType())
    return getInput();
  DenseElementsAttr input = denseOf(adaptor.getInput());
  RankedTensorType type = foldableType(getType());
  if (!input || !type)
    return {};
  return moveElements(input, type, [&](ArrayRef<int64_t> coords, MutableArrayRef<int64_t> from) {
    for (auto [i, p] : llvm::enumerate(permutation))
      from[p] = coords[i];
  });
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getStride(), [](int64_t s) { return s == 1; }))
    return getInput();
  DenseElementsAttr input = denseOf(adaptor.getInput());
  RankedTensorType type = foldableType(getType());
  if (!input || !type)
    return {};
  ArrayRef<int64_t> start = getStart(), stride = getStride();
  return moveElements(input, type, [&](ArrayRef<int64_t> coords, MutableArrayRef<int64_t> from) {
    for (auto [i, c] : llvm::enumerate(coords))
      from[i] = start[i] + c * stride[i];
  });
}

namespace {
/// A dynamic slice with constant bounds over static dimensions becomes a
/// `graph.slice`, with the bounds normalised by ONNX's clamping rules.
struct StaticSliceFromConstantBounds : OpRewritePattern<DynamicSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DynamicSliceOp op, PatternRewriter &rewriter) const override {
    auto readInts = [](Value v, SmallVectorImpl<int64_t> &out) {
      DenseIntElementsAttr attr;
      if (!v || !matchPattern(v, m_Constant(&attr)))
        return false;
      for (const APInt &x : attr.getValues<APInt>())
        out.push_back(x.getSExtValue());
      return true;
    };
    SmallVector<int64_t> starts, ends, axes, steps;
    if (!readInts(op.getStarts(), starts) || !readInts(op.getEnds(), ends))
      return failure();
    auto input = cast<RankedTensorType>(op.getInput().getType());
    if (op.getAxes() ? !readInts(op.getAxes(), axes)
                     : (llvm::append_range(axes, llvm::seq<int64_t>(0, starts.size())), false))
      return failure();
    if (op.getSteps() ? !readInts(op.getSteps(), steps) : (steps.assign(starts.size(), 1), false))
      return failure();
    FailureOr<SliceBounds> bounds =
        normalizeOnnxSlice(input.getShape(), starts, ends, axes, steps, std::nullopt);
    if (failed(bounds))
      return failure();
    SmallVector<int64_t> start = bounds->start, limit = bounds->limit, stride = bounds->stride;
    FailureOr<Shape> shape = inferSliceShape(input.getShape(), start, limit, stride, std::nullopt);
    if (failed(shape))
      return failure();
    auto refined = RankedTensorType::get(*shape, input.getElementType());
    if (!areCompatibleRefinements(op.getType(), refined))
      return failure();
    Value sliced =
        SliceOp::create(rewriter, op.getLoc(), refined, op.getInput(), start, limit, stride);
    if (refined != op.getType())
      sliced = tensor::CastOp::create(rewriter, op.getLoc(), op.getType(), sliced);
    rewriter.replaceOp(op, sliced);
    return success();
  }
};
} // namespace

void DynamicSliceOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                 MLIRContext *context) {
  patterns.add<StaticSliceFromConstantBounds>(context);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  RankedTensorType type = foldableType(getType());
  if (!type || type.getRank() != 1)
    return {};
  SmallVector<Attribute> result;
  for (Attribute a : adaptor.getInputs()) {
    DenseElementsAttr d = denseOf(a);
    if (!d)
      return {};
    llvm::append_range(result, d.getValues<Attribute>());
  }
  return DenseElementsAttr::get(type, result);
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = denseOf(adaptor.getInput());
  DenseElementsAttr indices = denseOf(adaptor.getIndices());
  RankedTensorType type = foldableType(getType());
  if (!input || !indices || !type || input.getType().getRank() != 1)
    return {};
  auto values = llvm::to_vector(input.getValues<Attribute>());
  int64_t n = values.size();
  SmallVector<Attribute> result;
  for (const APInt &i : indices.getValues<APInt>()) {
    int64_t index = i.getSExtValue();
    if (index < 0)
      index += n;
    if (index < 0 || index >= n)
      return {};
    result.push_back(values[index]);
  }
  return DenseElementsAttr::get(type, result);
}

namespace {
/// A broadcast whose run-time shape is known element by element (elementOf)
/// gets it as its static result type, and when that is its input's type it
/// is the input (ONNX's Attention expansion broadcasts the keys to the
/// shape they have when there are as many key heads as query heads). Either
/// result is cast back for existing users.
struct StaticBroadcastFromKnownShape : OpRewritePattern<BroadcastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BroadcastOp op, PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (!op.getShape() || type.hasStaticShape())
      return failure();
    SmallVector<int64_t> dims;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      std::optional<ShapeElement> element = elementOf(op.getShape(), i);
      if (!element || !element->value || *element->value < 0)
        return failure();
      dims.push_back(*element->value);
    }
    auto staticType = type.clone(dims);
    if (!areCompatibleRefinements(type, staticType))
      return failure();
    Value result = op.getInput();
    if (result.getType() != staticType) {
      if (failed(verifyBroadcastableTo(cast<RankedTensorType>(result.getType()).getShape(), dims,
                                       std::nullopt)))
        return failure();
      result = BroadcastOp::create(rewriter, op.getLoc(), staticType, result, Value());
    }
    rewriter.replaceOp(op, tensor::CastOp::create(rewriter, op.getLoc(), type, result));
    return success();
  }
};
} // namespace

void BroadcastOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<StaticBroadcastFromKnownShape>(context);
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  if (!getShape() && getInput().getType() == getType())
    return getInput();
  DenseElementsAttr input = denseOf(adaptor.getInput());
  auto type = cast<RankedTensorType>(getType());
  if (input && input.isSplat() && type.hasStaticShape())
    return DenseElementsAttr::get(type, input.getSplatValue<Attribute>());
  return {};
}

//===- StructuralToLinalg.cpp - Data-movement graph ops to tensor/linalg --===//
//
// Constants, transposes, reshapes, slices, concatenation, splits, gathers,
// broadcasts, tiles, shape_of, fill, range, trilu and inference-mode dropout. Pure data movement maps to the
// tensor dialect (extract_slice, concat, reshape) or to linalg ops whose indexing
// maps express the movement; gathers read with `tensor.extract` inside a
// `linalg.generic`.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"
#include "lib/lowering/ScalarOps.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

/// Size sources that read every dimension of `v` (same-shaped results).
SmallVector<std::pair<Value, int64_t>> allDims(Value v) {
  SmallVector<std::pair<Value, int64_t>> sources;
  for (int64_t i = 0, e = cast<RankedTensorType>(v.getType()).getRank(); i < e; ++i)
    sources.push_back({v, i});
  return sources;
}

/// Element `i` of a 1-D integer tensor as an index.
Value extractIndex(OpBuilder &b, Location loc, Value tensor, int64_t i) {
  Value position = arith::ConstantIndexOp::create(b, loc, i);
  Value v = tensor::ExtractOp::create(b, loc, tensor, ValueRange{position});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

/// `tensor.empty` of `type` whose dynamic dims are read from a 1-D shape tensor.
Value emptyFromShapeTensor(OpBuilder &b, Location loc, RankedTensorType type, Value shape) {
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(extractIndex(b, loc, shape, i));
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(), sizes);
}

/// `tensor.extract_slice` of `input` into `type` at static `offsets` and
/// `strides`; the sizes are the result's, read from `input` where dynamic (a
/// dynamic dimension is only ever kept whole).
Value staticSlice(OpBuilder &b, Location loc, Value input, RankedTensorType type,
                  ArrayRef<int64_t> offsets, ArrayRef<int64_t> strides) {
  SmallVector<OpFoldResult> offsetAttrs, sizes, strideAttrs;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    offsetAttrs.push_back(b.getIndexAttr(offsets[i]));
    strideAttrs.push_back(b.getIndexAttr(strides[i]));
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, input, i).getResult());
    else
      sizes.push_back(b.getIndexAttr(type.getDimSize(i)));
  }
  return tensor::ExtractSliceOp::create(b, loc, type, input, offsetAttrs, sizes,
                                        strideAttrs);
}

/// Copies `input` into `init`, element `i` of the result reading `input` at
/// `inputMap(i)` (a broadcast, a reversal).
Value copyThroughMap(OpBuilder &b, Location loc, Value input, Value init,
                     AffineMap inputMap) {
  auto type = cast<RankedTensorType>(init.getType());
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps = {inputMap,
                                 AffineMap::getMultiDimIdentityMap(rank, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{input}, ValueRange{init}, maps, iterators,
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, args[0]);
             })
      .getResult(0);
}

/// The constant's value with a signless element type, or null when it cannot be
/// reinterpreted (an unsigned blob; blobs are float weights in practice).
TypedAttr signlessValue(ElementsAttr value) {
  Type element = value.getElementType();
  if (signlessType(element) == element)
    return cast<TypedAttr>(value);
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.bitcast(signlessType(element));
  return nullptr;
}

/// Constants and weights become `arith.constant` (dense or `dense_resource`),
/// which bufferisation turns into read-only globals.
template <typename OpTy>
struct ConstantLikeToArith : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    TypedAttr value = signlessValue(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "unsigned blob");
    auto type = cast<RankedTensorType>(op.getType());
    Value c = arith::ConstantOp::create(rewriter, op.getLoc(), value);
    rewriter.replaceOp(op, restoreSignedness(rewriter, op.getLoc(), c, type));
    return success();
  }
};

struct TransposeToLinalg : OpRewritePattern<g::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::TransposeOp op, PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<std::pair<Value, int64_t>> sources;
    for (int64_t p : op.getPermutation())
      sources.push_back({op.getInput(), p});
    Value init = emptyTensor(rewriter, op.getLoc(), type, sources);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(), op.getInput(),
                                                       init, op.getPermutation())
                               .getResult());
    return success();
  }
};

/// `graph.reshape` between static shapes that only merge or split adjacent
/// dimensions becomes `tensor.collapse_shape` / `tensor.expand_shape` (views,
/// no copy); any other becomes `tensor.reshape` with an i64 shape tensor: the
/// operand (with -1 resolved from the element count) or the static result shape
/// (its one dynamic dimension computed from the count).
struct ReshapeToTensor : OpRewritePattern<g::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::ReshapeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = op.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    if (!op.getShape() && inType.hasStaticShape() && type.hasStaticShape()) {
      if (inType.getRank() > type.getRank()) {
        if (auto groups = getReassociationIndicesForCollapse(inType.getShape(),
                                                              type.getShape())) {
          rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, type, input, *groups);
          return success();
        }
      } else if (inType.getRank() < type.getRank()) {
        if (auto groups = getReassociationIndicesForCollapse(type.getShape(),
                                                              inType.getShape())) {
          rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, type, input, *groups);
          return success();
        }
      }
    }
    Type i64 = rewriter.getI64Type();
    auto constant = [&](int64_t v) {
      return arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(v))
          .getResult();
    };
    Value count = constant(1);
    for (int64_t i = 0; i < inType.getRank(); ++i)
      count = arith::MulIOp::create(
          rewriter, loc, count,
          arith::IndexCastOp::create(rewriter, loc, i64, dimSize(rewriter, loc, input, i)));
    SmallVector<Value> dims;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (op.getShape()) {
        Value position = arith::ConstantIndexOp::create(rewriter, loc, i);
        dims.push_back(tensor::ExtractOp::create(rewriter, loc, op.getShape(),
                                                 ValueRange{position}));
      } else {
        dims.push_back(constant(type.isDynamicDim(i) ? -1 : type.getDimSize(i)));
      }
    }
    // A -1 entry is the element count divided by the product of the others.
    Value minusOne = constant(-1), known = constant(1);
    SmallVector<Value> inferredHere;
    for (Value d : dims) {
      Value isInferred =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, d, minusOne);
      inferredHere.push_back(isInferred);
      known = arith::MulIOp::create(rewriter, loc, known,
                                    arith::SelectOp::create(rewriter, loc, isInferred,
                                                            constant(1), d));
    }
    Value inferred = arith::DivUIOp::create(rewriter, loc, count, known);
    SmallVector<Value> resolved;
    for (auto [d, isInferred] : llvm::zip(dims, inferredHere))
      resolved.push_back(arith::SelectOp::create(rewriter, loc, isInferred, inferred, d));
    auto shapeType = RankedTensorType::get({static_cast<int64_t>(resolved.size())}, i64);
    Value shape = tensor::FromElementsOp::create(rewriter, loc, shapeType, resolved);
    rewriter.replaceOp(op, tensor::ReshapeOp::create(rewriter, loc, type, input, shape)
                               .getResult());
    return success();
  }
};

/// A static slice: `tensor.extract_slice` for positive strides; a negative
/// stride walks backwards through an indexing map.
struct SliceToTensor : OpRewritePattern<g::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::SliceOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = op.getInput();
    int64_t rank = type.getRank();
    if (llvm::all_of(op.getStride(), [](int64_t s) { return s > 0; })) {
      rewriter.replaceOp(op, staticSlice(rewriter, loc, input, type, op.getStart(),
                                         op.getStride()));
      return success();
    }
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < rank; ++i)
      exprs.push_back(getAffineDimExpr(i, ctx) * op.getStride()[i] + op.getStart()[i]);
    Value init = emptyTensor(rewriter, loc, type, allDims(input));
    rewriter.replaceOp(op, copyThroughMap(rewriter, loc, input, init,
                                          AffineMap::get(rank, 0, exprs, ctx)));
    return success();
  }
};

/// ONNX slice semantics at run time, for positive steps: per sliced axis,
/// negative bounds count from the end and everything is clamped to the
/// dimension; `size = max(ceil((end - start) / step), 0)`.
struct DynamicSliceToTensor : OpRewritePattern<g::DynamicSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::DynamicSliceOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto boundsType = cast<RankedTensorType>(op.getStarts().getType());
    if (boundsType.isDynamicDim(0))
      return rewriter.notifyMatchFailure(op, "bounds of dynamic length");
    SmallVector<int64_t> axes, steps;
    DenseIntElementsAttr attr;
    if (op.getAxes()) {
      if (!matchPattern(op.getAxes(), m_Constant(&attr)))
        return rewriter.notifyMatchFailure(op, "run-time axes");
      for (const APInt &a : attr.getValues<APInt>())
        axes.push_back(a.getSExtValue() < 0 ? a.getSExtValue() + type.getRank()
                                            : a.getSExtValue());
    } else {
      axes = llvm::to_vector(llvm::seq<int64_t>(0, boundsType.getDimSize(0)));
    }
    if (op.getSteps()) {
      if (!matchPattern(op.getSteps(), m_Constant(&attr)))
        return rewriter.notifyMatchFailure(op, "run-time steps");
      for (const APInt &s : attr.getValues<APInt>())
        steps.push_back(s.getSExtValue());
    } else {
      steps.assign(axes.size(), 1);
    }
    if (llvm::any_of(steps, [](int64_t s) { return s <= 0; }))
      return rewriter.notifyMatchFailure(op, "non-positive step");
    Value input = op.getInput();
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      offsets.push_back(rewriter.getIndexAttr(0));
      sizes.push_back(tensor::DimOp::create(rewriter, loc, input, i).getResult());
      strides.push_back(rewriter.getIndexAttr(1));
    }
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    for (auto [n, axis] : llvm::enumerate(axes)) {
      Value dim = dimSize(rewriter, loc, input, axis);
      auto bound = [&](Value tensor) {
        Value v = extractIndex(rewriter, loc, tensor, n);
        Value negative = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt, v, zero);
        v = arith::SelectOp::create(rewriter, loc, negative,
                                    arith::AddIOp::create(rewriter, loc, v, dim), v);
        v = arith::MaxSIOp::create(rewriter, loc, v, zero);
        return arith::MinSIOp::create(rewriter, loc, v, dim).getResult();
      };
      Value start = bound(op.getStarts()), end = bound(op.getEnds());
      Value step = arith::ConstantIndexOp::create(rewriter, loc, steps[n]);
      Value span = arith::MaxSIOp::create(
          rewriter, loc, arith::SubIOp::create(rewriter, loc, end, start), zero);
      offsets[axis] = start;
      sizes[axis] = arith::CeilDivSIOp::create(rewriter, loc, span, step).getResult();
      strides[axis] = rewriter.getIndexAttr(steps[n]);
    }
    Value slice = tensor::ExtractSliceOp::create(rewriter, loc, input, offsets, sizes, strides);
    if (slice.getType() != type)
      slice = tensor::CastOp::create(rewriter, loc, type, slice);
    rewriter.replaceOp(op, slice);
    return success();
  }
};

/// `tensor.concat` of the operands that are not statically empty along the axis
/// (an empty one would be inserted at the end of the dimension, an offset
/// insert_slice does not allow).
struct ConcatToTensor : OpRewritePattern<g::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::ConcatOp op, PatternRewriter &rewriter) const override {
    int64_t axis = op.getAxis();
    SmallVector<Value> inputs;
    for (Value v : op.getInputs())
      if (cast<RankedTensorType>(v.getType()).getDimSize(axis) != 0)
        inputs.push_back(v);
    auto type = cast<RankedTensorType>(op.getType());
    if (inputs.empty()) {
      rewriter.replaceOp(op, emptyTensor(rewriter, op.getLoc(), type,
                                         allDims(op.getInputs().front())));
      return success();
    }
    Value result = inputs.size() == 1
                       ? inputs.front()
                       : tensor::ConcatOp::create(rewriter, op.getLoc(), type,
                                                  static_cast<uint64_t>(axis), inputs)
                             .getResult();
    if (result.getType() != type)
      result = tensor::CastOp::create(rewriter, op.getLoc(), type, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SplitToTensor : OpRewritePattern<g::SplitOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::SplitOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    int64_t axis = op.getAxis(), offset = 0;
    SmallVector<Value> pieces;
    for (auto [result, size] : llvm::zip(op.getResults(), op.getSizes())) {
      auto type = cast<RankedTensorType>(result.getType());
      if (size == 0) {
        // An empty piece may start at the end of the dimension, where
        // extract_slice does not allow an offset.
        pieces.push_back(emptyTensor(rewriter, loc, type, allDims(input)));
        continue;
      }
      SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
      offsets[axis] = offset;
      pieces.push_back(staticSlice(rewriter, loc, input, type, offsets, strides));
      offset += size;
    }
    rewriter.replaceOp(op, pieces);
    return success();
  }
};

/// Each result element reads its index from `indices` (negative ones wrap) and
/// extracts from the input at that position along `axis`.
struct GatherToLinalg : OpRewritePattern<g::GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::GatherOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = signlessView(rewriter, loc, op.getInput());
    auto inType = cast<RankedTensorType>(input.getType());
    Value indices = op.getIndices();
    int64_t axis = op.getAxis(), rank = type.getRank();
    int64_t indexRank = cast<RankedTensorType>(indices.getType()).getRank();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < indexRank; ++i)
      indexExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, indexExprs, ctx),
                                   AffineMap::getMultiDimIdentityMap(rank, ctx)};
    SmallVector<std::pair<Value, int64_t>> sources;
    for (int64_t i = 0; i < rank; ++i) {
      if (i < axis)
        sources.push_back({input, i});
      else if (i < axis + indexRank)
        sources.push_back({indices, i - axis});
      else
        sources.push_back({input, i - indexRank + 1});
    }
    Value init = emptyTensor(rewriter, loc, type.clone(inType.getElementType()), sources);
    Value axisSize = dimSize(rewriter, loc, input, axis);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{indices}, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value index = arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, index, arith::ConstantIndexOp::create(b, l, 0));
          index = arith::SelectOp::create(b, l, negative,
                                          arith::AddIOp::create(b, l, index, axisSize), index);
          SmallVector<Value> position;
          for (int64_t i = 0; i < axis; ++i)
            position.push_back(linalg::IndexOp::create(b, l, i));
          position.push_back(index);
          for (int64_t i = axis + indexRank; i < rank; ++i)
            position.push_back(linalg::IndexOp::create(b, l, i));
          linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, input, position)
                                            .getResult());
        });
    rewriter.replaceOp(op, restoreSignedness(rewriter, loc, generic.getResult(0), type));
    return success();
  }
};

struct BroadcastToLinalg : OpRewritePattern<g::BroadcastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::BroadcastOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Value init;
    if (op.getShape()) {
      init = emptyFromShapeTensor(rewriter, loc, type, op.getShape());
    } else {
      SmallVector<std::pair<Value, int64_t>> sources(type.getRank());
      int64_t offset = type.getRank() - inType.getRank();
      for (int64_t i = 0; i < type.getRank(); ++i) {
        if (type.isDynamicDim(i) && i < offset)
          return rewriter.notifyMatchFailure(op, "dynamic new dimension without a shape");
        if (type.isDynamicDim(i))
          sources[i] = {op.getInput(), i - offset};
      }
      init = emptyTensor(rewriter, loc, type, sources);
    }
    AffineMap map = broadcastMap(inType.getShape(), type.getShape(), type.getRank(), 0, ctx);
    rewriter.replaceOp(op, copyThroughMap(rewriter, loc, op.getInput(), init, map));
    return success();
  }
};

struct ShapeOfToTensor : OpRewritePattern<g::ShapeOfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::ShapeOfOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> dims;
    for (int64_t i = 0, e = cast<RankedTensorType>(op.getInput().getType()).getRank(); i < e;
         ++i)
      dims.push_back(arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(),
                                                dimSize(rewriter, loc, op.getInput(), i)));
    rewriter.replaceOp(op, tensor::FromElementsOp::create(rewriter, loc, op.getType(), dims)
                               .getResult());
    return success();
  }
};

struct FillToLinalg : OpRewritePattern<g::FillOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::FillOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense)
      return rewriter.notifyMatchFailure(op, "fill value is not dense");
    auto type = cast<RankedTensorType>(op.getType());
    Type signless = signlessType(type.getElementType());
    Value scalar = arith::ConstantOp::create(
        rewriter, loc, cast<TypedAttr>(dense.bitcast(signless).getSplatValue<Attribute>()));
    Value init = emptyFromShapeTensor(rewriter, loc, type.clone(signless), op.getShape());
    Value filled =
        linalg::FillOp::create(rewriter, loc, ValueRange{scalar}, ValueRange{init}).getResult(0);
    rewriter.replaceOp(op, restoreSignedness(rewriter, loc, filled, type));
    return success();
  }
};

/// `start + i * delta` for `i < max(ceil((limit - start) / delta), 0)`.
struct RangeToLinalg : OpRewritePattern<g::RangeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::RangeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    if (element.isUnsignedInteger())
      return rewriter.notifyMatchFailure(op, "unsigned range");
    bool isFloat = isa<FloatType>(element);
    auto scalar = [&](Value v) {
      return tensor::ExtractOp::create(rewriter, loc, v, ValueRange{}).getResult();
    };
    Value start = scalar(op.getStart()), limit = scalar(op.getLimit()),
          delta = scalar(op.getDelta());
    SmallVector<Value> sizes;
    if (type.isDynamicDim(0)) {
      Value length;
      if (isFloat) {
        Value q = arith::DivFOp::create(rewriter, loc,
                                        arith::SubFOp::create(rewriter, loc, limit, start), delta);
        Value c = math::CeilOp::create(rewriter, loc, q);
        length = arith::FPToSIOp::create(rewriter, loc, rewriter.getI64Type(), c);
      } else {
        Value diff = arith::SubIOp::create(rewriter, loc, limit, start);
        length = arith::CeilDivSIOp::create(rewriter, loc, diff, delta);
        length = buildScalarCast(rewriter, loc, length, element, rewriter.getI64Type());
      }
      Value zero = arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(0));
      length = arith::MaxSIOp::create(rewriter, loc, length, zero);
      sizes.push_back(arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(), length));
    }
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), element, sizes);
    MLIRContext *ctx = rewriter.getContext();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(1, ctx)},
        SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange) {
          Value i = arith::IndexCastOp::create(b, l, b.getI64Type(), linalg::IndexOp::create(b, l, 0));
          Value v = buildScalarCast(b, l, i, b.getI64Type(), element);
          Value r = isFloat ? arith::AddFOp::create(b, l, start,
                                                    arith::MulFOp::create(b, l, v, delta))
                                  .getResult()
                            : arith::AddIOp::create(b, l, start,
                                                    arith::MulIOp::create(b, l, v, delta))
                                  .getResult();
          linalg::YieldOp::create(b, l, r);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Keeps element (row, col) of the last two dims where `col - row >= k` (upper)
/// or `<= k` (lower); the rest become zero.
struct TriluToLinalg : OpRewritePattern<g::TriluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::TriluOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = signlessView(rewriter, loc, op.getInput());
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    Value k = op.getKValue()
                  ? tensor::ExtractOp::create(
                        rewriter, loc, op.getKValue(),
                        SmallVector<Value>(cast<RankedTensorType>(op.getKValue().getType())
                                               .getRank(),
                                           arith::ConstantIndexOp::create(rewriter, loc, 0)))
                        .getResult()
                  : arith::ConstantOp::create(rewriter, loc,
                                              rewriter.getI64IntegerAttr(op.getK()))
                        .getResult();
    Value init = emptyTensor(rewriter, loc, inType, allDims(input));
    SmallVector<AffineMap> maps(2, AffineMap::getMultiDimIdentityMap(rank, ctx));
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    bool upper = op.getUpper();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{inType}, ValueRange{input}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto index = [&](int64_t d) {
            return arith::IndexCastOp::create(b, l, b.getI64Type(), linalg::IndexOp::create(b, l, d))
                .getResult();
          };
          Value diff = arith::SubIOp::create(b, l, index(rank - 1), index(rank - 2));
          Value keep = arith::CmpIOp::create(
              b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle, diff, k);
          Type e = args[0].getType();
          Value zero = isa<FloatType>(e)
                           ? arith::ConstantOp::create(b, l, b.getFloatAttr(e, 0)).getResult()
                           : arith::ConstantOp::create(b, l, b.getIntegerAttr(e, 0)).getResult();
          linalg::YieldOp::create(b, l, arith::SelectOp::create(b, l, keep, args[0], zero)
                                            .getResult());
        });
    rewriter.replaceOp(op, restoreSignedness(rewriter, loc, generic.getResult(0), type));
    return success();
  }
};

/// Element `i` of the result reads the input at `i` with the `axis` coordinate
/// replaced by `indices[i]` (negative indices wrap).
struct GatherElementsToLinalg : OpRewritePattern<g::GatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::GatherElementsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = signlessView(rewriter, loc, op.getInput());
    Value indices = op.getIndices();
    int64_t axis = op.getAxis(), rank = type.getRank();
    Value init = emptyTensor(rewriter, loc,
                             type.clone(cast<RankedTensorType>(input.getType()).getElementType()),
                             allDims(indices));
    Value axisSize = dimSize(rewriter, loc, input, axis);
    SmallVector<AffineMap> maps(2, AffineMap::getMultiDimIdentityMap(rank, ctx));
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{indices}, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value index = arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, index, arith::ConstantIndexOp::create(b, l, 0));
          index = arith::SelectOp::create(b, l, negative,
                                          arith::AddIOp::create(b, l, index, axisSize), index);
          SmallVector<Value> position;
          for (int64_t i = 0; i < rank; ++i)
            position.push_back(i == axis ? index : linalg::IndexOp::create(b, l, i).getResult());
          linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, input, position)
                                            .getResult());
        });
    rewriter.replaceOp(op, restoreSignedness(rewriter, loc, generic.getResult(0), type));
    return success();
  }
};

/// Element `i` of the result is the input at `i mod size` in every dimension.
struct TileToLinalg : OpRewritePattern<g::TileOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::TileOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = signlessView(rewriter, loc, op.getInput());
    int64_t rank = type.getRank();
    SmallVector<Value> sizes, inputDims;
    for (int64_t i = 0; i < rank; ++i) {
      Value d = dimSize(rewriter, loc, input, i);
      inputDims.push_back(d);
      if (type.isDynamicDim(i))
        sizes.push_back(arith::MulIOp::create(rewriter, loc, d,
                                              extractIndex(rewriter, loc, op.getRepeats(), i)));
    }
    Value init = tensor::EmptyOp::create(
        rewriter, loc, type.getShape(),
        cast<RankedTensorType>(input.getType()).getElementType(), sizes);
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx)};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> position;
          for (int64_t i = 0; i < rank; ++i)
            position.push_back(
                arith::RemUIOp::create(b, l, linalg::IndexOp::create(b, l, i), inputDims[i]));
          linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, input, position)
                                            .getResult());
        });
    rewriter.replaceOp(op, restoreSignedness(rewriter, loc, generic.getResult(0), type));
    return success();
  }
};

/// Dropout in inference mode passes the input through with an all-true mask;
/// training mode (random) has no lowering.
struct InferenceDropout : OpRewritePattern<g::DropoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::DropoutOp op, PatternRewriter &rewriter) const override {
    if (op.getTraining() || op.getTrainingValue())
      return rewriter.notifyMatchFailure(op, "training mode");
    Location loc = op.getLoc();
    auto maskType = cast<RankedTensorType>(op.getMask().getType());
    Value yes = arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(true));
    Value mask = filledTensor(rewriter, loc, maskType, allDims(op.getInput()), yes);
    rewriter.replaceOp(op, {op.getInput(), mask});
    return success();
  }
};

} // namespace

void populateStructuralToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantLikeToArith<g::ConstantOp>, ConstantLikeToArith<g::WeightOp>,
               DynamicSliceToTensor, TransposeToLinalg, ReshapeToTensor, SliceToTensor,
               ConcatToTensor, SplitToTensor, GatherToLinalg, GatherElementsToLinalg,
               BroadcastToLinalg, ShapeOfToTensor, FillToLinalg, RangeToLinalg,
               TriluToLinalg, TileToLinalg, InferenceDropout>(patterns.getContext());
}

} // namespace strata

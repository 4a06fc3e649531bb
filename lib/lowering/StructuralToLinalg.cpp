//===- StructuralToLinalg.cpp - Data-movement graph ops to tensor/linalg --===//
//
// Constants, transposes, reshapes, concatenation, splits, gathers, broadcasts,
// tiles, shape_of, fill, range and trilu (slices are in SliceToTensor.cpp).
// Pure data movement maps to the tensor dialect (extract_slice, concat,
// reshape) or to linalg ops whose indexing maps express the movement; gathers
// read with `tensor.extract` inside a `linalg.generic`.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/graph/ScalarBuilders.h"
#include "dialects/program/RuntimeCheck.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

/// `tensor.empty` of `type` whose dynamic dims are read from a 1-D shape tensor;
/// a run-time check stops the program on a negative one.
Value emptyFromShapeTensor(OpBuilder &b, Location loc, RankedTensorType type, Value shape) {
  SmallVector<Value> sizes;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (!type.isDynamicDim(i))
      continue;
    Value size = extractIndex(b, loc, shape, i);
    program::emitRuntimeCheck(
        b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, size, zero),
        "dimension " + std::to_string(i) + " of the shape read at run time is negative");
    sizes.push_back(size);
  }
  SmallVector<Value> factors(sizes);
  for (int64_t d : type.getShape())
    if (!ShapedType::isDynamic(d))
      factors.push_back(arith::ConstantIndexOp::create(b, loc, d));
  checkByteSize(b, loc, type.getElementType(), factors);
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(), sizes);
}

/// Constants and weights become `arith.constant` (dense or `dense_resource`),
/// which bufferisation turns into read-only globals.
template <typename OpTy> struct ConstantLikeToArith : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

struct TransposeToLinalg : OpRewritePattern<g::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::TransposeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = op.getInput();
    SmallVector<std::pair<Value, int64_t>> sources;
    for (int64_t p : op.getPermutation())
      sources.push_back({input, p});
    Value init = emptyTensor(rewriter, loc, type, sources);
    Value transposed =
        linalg::TransposeOp::create(rewriter, loc, input, init, op.getPermutation()).getResult()[0];
    rewriter.replaceOp(op, transposed);
    return success();
  }
};

/// Stops the program unless the dimensions `dims` (i64), none negative, hold
/// exactly `count` elements: a reshape to more would read past its input.
/// Their product is taken with overflow detection, so that no wrapped product
/// passes for the count.
void checkElementCount(OpBuilder &b, Location loc, ArrayRef<Value> dims, Value count) {
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  Value product = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1));
  Value valid = arith::ConstantIntOp::create(b, loc, 1, 1);
  for (Value d : dims) {
    valid = arith::AndIOp::create(
        b, loc, valid, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, d, zero));
    auto extended = arith::MulUIExtendedOp::create(b, loc, product, d);
    valid = arith::AndIOp::create(
        b, loc, valid,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, extended.getHigh(), zero));
    product = extended.getLow();
  }
  valid = arith::AndIOp::create(
      b, loc, valid, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, product, count));
  program::emitRuntimeCheck(b, loc, valid,
                            "the shape read at run time does not hold the input's elements");
}

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
    auto replace = [&](Value reshaped) {
      rewriter.replaceOp(op, reshaped);
      return success();
    };
    if (!op.getShape() && inType.hasStaticShape() && type.hasStaticShape()) {
      if (inType.getRank() > type.getRank()) {
        if (auto groups = getReassociationIndicesForCollapse(inType.getShape(), type.getShape()))
          return replace(tensor::CollapseShapeOp::create(rewriter, loc, type, input, *groups));
      } else if (inType.getRank() < type.getRank()) {
        if (auto groups = getReassociationIndicesForCollapse(type.getShape(), inType.getShape()))
          return replace(tensor::ExpandShapeOp::create(rewriter, loc, type, input, *groups));
      }
    }
    Type i64 = rewriter.getI64Type();
    auto constant = [&](int64_t v) {
      return arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(v)).getResult();
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
        dims.push_back(
            tensor::ExtractOp::create(rewriter, loc, op.getShape(), ValueRange{position}));
      } else {
        dims.push_back(constant(type.isDynamicDim(i) ? -1 : type.getDimSize(i)));
      }
    }
    // A -1 entry is the element count divided by the product of the others,
    // which must not be 0 (as onnxruntime requires: any size would do). The
    // division is by 1 instead of 0, so that it never traps.
    Value minusOne = constant(-1), known = constant(1);
    Value anyInferred = arith::ConstantIntOp::create(rewriter, loc, 0, 1);
    SmallVector<Value> inferredHere;
    for (Value d : dims) {
      Value isInferred =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, d, minusOne);
      inferredHere.push_back(isInferred);
      anyInferred = arith::OrIOp::create(rewriter, loc, anyInferred, isInferred);
      known = arith::MulIOp::create(
          rewriter, loc, known, arith::SelectOp::create(rewriter, loc, isInferred, constant(1), d));
    }
    Value knownZero =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, known, constant(0));
    program::emitRuntimeCheck(
        rewriter, loc,
        arith::XOrIOp::create(rewriter, loc,
                              arith::AndIOp::create(rewriter, loc, anyInferred, knownZero),
                              arith::ConstantIntOp::create(rewriter, loc, 1, 1)),
        "the shape read at run time has -1 beside a 0, which leaves the -1 undefined");
    Value divisor = arith::MaxUIOp::create(rewriter, loc, known, constant(1));
    Value inferred = arith::DivUIOp::create(rewriter, loc, count, divisor);
    SmallVector<Value> resolved;
    for (auto [d, isInferred] : llvm::zip(dims, inferredHere))
      resolved.push_back(arith::SelectOp::create(rewriter, loc, isInferred, inferred, d));
    checkElementCount(rewriter, loc, resolved, count);
    auto shapeType = RankedTensorType::get({static_cast<int64_t>(resolved.size())}, i64);
    Value shape = tensor::FromElementsOp::create(rewriter, loc, shapeType, resolved);
    return replace(tensor::ReshapeOp::create(rewriter, loc, type, input, shape));
  }
};

/// `tensor.concat` of the operands that are not statically empty along the axis
/// (an empty one would be inserted at the end of the dimension, an offset
/// insert_slice does not allow). The result takes its sizes beside the axis
/// from the first operand, so a run-time check stops the program where
/// another's differ (it would be written outside the result).
struct ConcatToTensor : OpRewritePattern<g::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::ConcatOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getAxis();
    Value first = op.getInputs().front();
    auto firstType = cast<RankedTensorType>(first.getType());
    for (auto [i, input] : llvm::enumerate(op.getInputs().drop_front())) {
      auto type = cast<RankedTensorType>(input.getType());
      for (int64_t d = 0; d < type.getRank(); ++d) {
        if (d == axis || (!type.isDynamicDim(d) && !firstType.isDynamicDim(d)))
          continue;
        Value size = tensor::DimOp::create(rewriter, loc, input, d);
        Value expected = tensor::DimOp::create(rewriter, loc, first, d);
        program::emitRuntimeCheck(
            rewriter, loc,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, size, expected),
            "input " + std::to_string(i + 1) + " has size of dimension " + std::to_string(d) +
                " other than input 0's: the inputs must agree beside the axis");
      }
    }
    SmallVector<Value> inputs;
    for (Value v : op.getInputs())
      if (cast<RankedTensorType>(v.getType()).getDimSize(axis) != 0)
        inputs.push_back(v);
    auto type = cast<RankedTensorType>(op.getType());
    Value result;
    if (inputs.empty())
      result = emptyTensor(rewriter, loc, type, allDims(op.getInputs().front()));
    else if (inputs.size() == 1)
      result = inputs.front();
    else
      result = tensor::ConcatOp::create(rewriter, loc, type, static_cast<uint64_t>(axis), inputs);
    if (result.getType() != type)
      result = tensor::CastOp::create(rewriter, loc, type, result);
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
      Value piece;
      if (size == 0) {
        // An empty piece may start at the end of the dimension, where
        // extract_slice does not allow an offset.
        piece = emptyTensor(rewriter, loc, type, allDims(input));
      } else {
        SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
        offsets[axis] = offset;
        piece = staticSlice(rewriter, loc, input, type, offsets, strides);
        offset += size;
      }
      pieces.push_back(piece);
    }
    rewriter.replaceOp(op, pieces);
    return success();
  }
};

/// Each result element reads its index from `indices` (negative ones wrap,
/// any out of range stops the program) and extracts from the input at that
/// position along `axis`.
struct GatherToLinalg : OpRewritePattern<g::GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::GatherOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = op.getInput();
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
    Value init = emptyTensor(rewriter, loc, type, sources);
    Value axisSize = dimSize(rewriter, loc, input, axis);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{indices}, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value index = checkedIndex(b, l, args[0], axisSize, axis);
          SmallVector<Value> position;
          for (int64_t i = 0; i < axis; ++i)
            position.push_back(linalg::IndexOp::create(b, l, i));
          position.push_back(index);
          for (int64_t i = axis + indexRank; i < rank; ++i)
            position.push_back(linalg::IndexOp::create(b, l, i));
          linalg::YieldOp::create(b, l,
                                  tensor::ExtractOp::create(b, l, input, position).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct BroadcastToLinalg : OpRewritePattern<g::BroadcastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::BroadcastOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = op.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
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
          sources[i] = {input, i - offset};
      }
      init = emptyTensor(rewriter, loc, type, sources);
    }
    // A dynamic input dimension under a run-time shape may be 1 where the
    // result's is not: the input is then read element by element, broadcasting
    // it. Any other dimension not statically 1 is read as it is. Either way an
    // input dimension of another size than the result's (and not 1) would be
    // read outside its bounds.
    bool elementwise = op.getShape() && !inType.hasStaticShape();
    int64_t offset = type.getRank() - inType.getRank();
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    SmallVector<Value> dims;
    for (int64_t j = 0; j < inType.getRank(); ++j)
      dims.push_back(dimSize(rewriter, loc, input, j));
    for (int64_t j = 0; j < inType.getRank(); ++j) {
      int64_t i = offset + j;
      if (inType.getDimSize(j) == 1 || (!inType.isDynamicDim(j) && !type.isDynamicDim(i)))
        continue;
      Value size = dims[j];
      Value fits = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, size,
                                         dimSize(rewriter, loc, init, i));
      if (elementwise && inType.isDynamicDim(j))
        fits = arith::OrIOp::create(
            rewriter, loc, fits,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, size, one));
      program::emitRuntimeCheck(rewriter, loc, fits,
                                "dimension " + std::to_string(j) +
                                    " of the input differs from dimension " + std::to_string(i) +
                                    " of the result and is not 1");
    }
    if (elementwise) {
      SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(type.getRank(), ctx)};
      SmallVector<utils::IteratorType> iterators(type.getRank(), utils::IteratorType::parallel);
      auto generic = linalg::GenericOp::create(
          rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init}, maps, iterators,
          [&](OpBuilder &b, Location l, ValueRange) {
            linalg::YieldOp::create(b, l, extractBroadcast(b, l, input, dims, type.getRank()));
          });
      rewriter.replaceOp(op, generic.getResult(0));
      return success();
    }
    AffineMap map = broadcastMap(inType.getShape(), type.getShape(), type.getRank(), 0, ctx);
    rewriter.replaceOp(op, copyThroughMap(rewriter, loc, input, init, map));
    return success();
  }
};

struct ShapeOfToTensor : OpRewritePattern<g::ShapeOfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::ShapeOfOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> dims;
    for (int64_t i = 0, e = cast<RankedTensorType>(op.getInput().getType()).getRank(); i < e; ++i)
      dims.push_back(arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(),
                                                dimSize(rewriter, loc, op.getInput(), i)));
    rewriter.replaceOp(
        op, tensor::FromElementsOp::create(rewriter, loc, op.getType(), dims).getResult());
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
    Value scalar =
        arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(dense.getSplatValue<Attribute>()));
    Value init = emptyFromShapeTensor(rewriter, loc, type, op.getShape());
    Value filled =
        linalg::FillOp::create(rewriter, loc, ValueRange{scalar}, ValueRange{init}).getResult(0);
    rewriter.replaceOp(op, filled);
    return success();
  }
};

/// `start + i * delta` for `i < max(ceil((limit - start) / delta), 0)`; with
/// `is_unsigned` the length is 0 when `limit` is below `start`.
struct RangeToLinalg : OpRewritePattern<g::RangeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::RangeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    bool isFloat = isa<FloatType>(element);
    auto scalar = [&](Value v) {
      return tensor::ExtractOp::create(rewriter, loc, v, ValueRange{}).getResult();
    };
    Value start = scalar(op.getStart()), limit = scalar(op.getLimit()),
          delta = scalar(op.getDelta());
    SmallVector<Value> sizes;
    if (type.isDynamicDim(0)) {
      // The length divides by delta.
      Value noStep = g::buildScalarConstant(rewriter, loc, element, 0);
      Value nonZero =
          isFloat ? arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::ONE, delta, noStep)
                        .getResult()
                  : arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne, delta, noStep)
                        .getResult();
      program::emitRuntimeCheck(rewriter, loc, nonZero, "the range's delta is 0");
      Value length;
      if (isFloat) {
        Value q = arith::DivFOp::create(rewriter, loc,
                                        arith::SubFOp::create(rewriter, loc, limit, start), delta);
        Value c = math::CeilOp::create(rewriter, loc, q);
        length = arith::FPToSIOp::create(rewriter, loc, rewriter.getI64Type(), c);
      } else if (op.getIsUnsigned()) {
        Value diff = arith::SubIOp::create(rewriter, loc, limit, start);
        Value none = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, limit, start);
        length = arith::SelectOp::create(rewriter, loc, none,
                                         g::buildScalarConstant(rewriter, loc, element, 0),
                                         arith::CeilDivUIOp::create(rewriter, loc, diff, delta));
        length = g::buildScalarCast(rewriter, loc, length, rewriter.getI64Type(),
                                    /*inputUnsigned=*/true, /*resultUnsigned=*/false);
      } else {
        Value diff = arith::SubIOp::create(rewriter, loc, limit, start);
        length = arith::CeilDivSIOp::create(rewriter, loc, diff, delta);
        length = g::buildScalarCast(rewriter, loc, length, rewriter.getI64Type(),
                                    /*inputUnsigned=*/false, /*resultUnsigned=*/false);
      }
      Value zero = arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(0));
      length = arith::MaxSIOp::create(rewriter, loc, length, zero);
      sizes.push_back(arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(), length));
      checkByteSize(rewriter, loc, element, sizes);
    }
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), element, sizes);
    MLIRContext *ctx = rewriter.getContext();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(1, ctx)},
        SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange) {
          Value i =
              arith::IndexCastOp::create(b, l, b.getI64Type(), linalg::IndexOp::create(b, l, 0));
          Value v = g::buildScalarCast(b, l, i, element, /*inputUnsigned=*/false,
                                       /*resultUnsigned=*/false);
          Value r = isFloat
                        ? arith::AddFOp::create(b, l, start, arith::MulFOp::create(b, l, v, delta))
                              .getResult()
                        : arith::AddIOp::create(b, l, start, arith::MulIOp::create(b, l, v, delta))
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
    Value input = op.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    Value k =
        op.getKValue()
            ? tensor::ExtractOp::create(
                  rewriter, loc, op.getKValue(),
                  SmallVector<Value>(cast<RankedTensorType>(op.getKValue().getType()).getRank(),
                                     arith::ConstantIndexOp::create(rewriter, loc, 0)))
                  .getResult()
            : arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(op.getK()))
                  .getResult();
    Value init = emptyTensor(rewriter, loc, inType, allDims(input));
    SmallVector<AffineMap> maps(2, AffineMap::getMultiDimIdentityMap(rank, ctx));
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    bool upper = op.getUpper();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{inType}, ValueRange{input}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto index = [&](int64_t d) {
            return arith::IndexCastOp::create(b, l, b.getI64Type(),
                                              linalg::IndexOp::create(b, l, d))
                .getResult();
          };
          Value diff = arith::SubIOp::create(b, l, index(rank - 1), index(rank - 2));
          Value keep = arith::CmpIOp::create(
              b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle, diff, k);
          Type e = args[0].getType();
          Value zero = isa<FloatType>(e)
                           ? arith::ConstantOp::create(b, l, b.getFloatAttr(e, 0)).getResult()
                           : arith::ConstantOp::create(b, l, b.getIntegerAttr(e, 0)).getResult();
          linalg::YieldOp::create(b, l,
                                  arith::SelectOp::create(b, l, keep, args[0], zero).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Element `i` of the result reads the input at `i` with the `axis` coordinate
/// replaced by `indices[i]` (negative indices wrap, any out of range stops the
/// program).
struct GatherElementsToLinalg : OpRewritePattern<g::GatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::GatherElementsOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = op.getInput();
    Value indices = op.getIndices();
    int64_t axis = op.getAxis(), rank = type.getRank();
    Value init = emptyTensor(rewriter, loc, type, allDims(indices));
    Value axisSize = dimSize(rewriter, loc, input, axis);
    SmallVector<AffineMap> maps(2, AffineMap::getMultiDimIdentityMap(rank, ctx));
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{indices}, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value index = checkedIndex(b, l, args[0], axisSize, axis);
          SmallVector<Value> position;
          for (int64_t i = 0; i < rank; ++i)
            position.push_back(i == axis ? index : linalg::IndexOp::create(b, l, i).getResult());
          linalg::YieldOp::create(b, l,
                                  tensor::ExtractOp::create(b, l, input, position).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
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
    Value input = op.getInput();
    int64_t rank = type.getRank();
    SmallVector<Value> sizes, inputDims, factors;
    for (int64_t i = 0; i < rank; ++i) {
      Value d = dimSize(rewriter, loc, input, i);
      inputDims.push_back(d);
      if (!type.isDynamicDim(i)) {
        factors.push_back(arith::ConstantIndexOp::create(rewriter, loc, type.getDimSize(i)));
        continue;
      }
      factors.push_back(d);
      Value repeats = extractIndex(rewriter, loc, op.getRepeats(), i);
      program::emitRuntimeCheck(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge, repeats,
                                arith::ConstantIndexOp::create(rewriter, loc, 0)),
          "the repeat count of dimension " + std::to_string(i) + " is negative");
      sizes.push_back(arith::MulIOp::create(rewriter, loc, d, repeats));
      factors.push_back(repeats);
    }
    checkByteSize(rewriter, loc, type.getElementType(), factors);
    Value init =
        tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType(), sizes);
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx)};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> position;
          for (int64_t i = 0; i < rank; ++i)
            position.push_back(
                arith::RemUIOp::create(b, l, linalg::IndexOp::create(b, l, i), inputDims[i]));
          linalg::YieldOp::create(b, l,
                                  tensor::ExtractOp::create(b, l, input, position).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateStructuralToLinalgPatterns(RewritePatternSet &patterns) {
  patterns
      .add<ConstantLikeToArith<g::ConstantOp>, TransposeToLinalg, ReshapeToTensor, ConcatToTensor,
           SplitToTensor, GatherToLinalg, GatherElementsToLinalg, BroadcastToLinalg,
           ShapeOfToTensor, FillToLinalg, RangeToLinalg, TriluToLinalg, TileToLinalg>(
          patterns.getContext());
}

} // namespace strata

//===- ReductionToLinalg.cpp - Reductions and softmax to linalg -----------===//
//
// `graph.reduce` of every kind, `graph.arg_reduce`, `graph.softmax` and
// `graph.log_softmax`. A reduction is one `linalg.generic` whose output drops
// the reduced dimensions (with an optional elementwise prologue on the input),
// then an elementwise epilogue, then `tensor.expand_shape` for `keep_dims`.
// Axes read at run time give a loop nest over the input that combines each
// element into the output element at its index with the reduced coordinates
// set to 0. Softmax and log-softmax subtract the maximum before exponentiating.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/graph/ScalarBuilders.h"
#include "dialects/program/RuntimeCheck.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

using ScalarFn = llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// The input's shape without `axes`.
RankedTensorType reducedType(RankedTensorType type, ArrayRef<int64_t> axes) {
  SmallVector<int64_t> dims;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!llvm::is_contained(axes, i))
      dims.push_back(type.getDimSize(i));
  return type.clone(dims);
}

/// Map from the input's iteration space to the reduced tensor's indices.
AffineMap reducedMap(int64_t rank, ArrayRef<int64_t> axes, MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    if (!llvm::is_contained(axes, i))
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Size sources of the reduced tensor's dims: the input's kept dims.
SmallVector<std::pair<Value, int64_t>> keptDimSources(Value x, ArrayRef<int64_t> axes) {
  SmallVector<std::pair<Value, int64_t>> sources;
  for (int64_t i = 0, e = cast<RankedTensorType>(x.getType()).getRank(); i < e; ++i)
    if (!llvm::is_contained(axes, i))
      sources.push_back({x, i});
  return sources;
}

/// Reduces `x` over `axes`: `acc = combine(acc, prologue(x, side...))` from
/// `init`, where each `side` tensor has the reduced shape.
Value reduceOver(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes, Value init,
                 ValueRange side, ScalarFn prologue, ScalarFn combine) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  RankedTensorType outType = reducedType(type, axes);
  Value out = filledTensor(b, loc, outType, keptDimSources(x, axes), init);
  AffineMap reduced = reducedMap(rank, axes, ctx);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<Value> inputs = {x};
  for (Value s : side) {
    inputs.push_back(s);
    maps.push_back(reduced);
  }
  maps.push_back(reduced);
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < rank; ++i)
    iterators.push_back(llvm::is_contained(axes, i) ? utils::IteratorType::reduction
                                                    : utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, inputs, ValueRange{out}, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value v = prologue(nb, l, args.drop_back());
               linalg::YieldOp::create(nb, l, combine(nb, l, {args.back(), v}));
             })
      .getResult(0);
}

/// Applies `fn` elementwise to same-shaped `inputs`, or to `inputs[0]` and tensors
/// of its shape without `axes` (read broadcast along them).
Value mapElementwise(OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<int64_t> broadcastAxes,
                     ScalarFn fn) {
  MLIRContext *ctx = b.getContext();
  Value first = inputs.front();
  auto type = cast<RankedTensorType>(first.getType());
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx)};
  for (size_t i = 1; i < inputs.size(); ++i)
    maps.push_back(reducedMap(rank, broadcastAxes, ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<std::pair<Value, int64_t>> sources;
  for (int64_t i = 0; i < rank; ++i)
    sources.push_back({first, i});
  Value out = emptyTensor(b, loc, type, sources);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(b, loc, TypeRange{type}, inputs, ValueRange{out}, maps,
                                   iterators,
                                   [&](OpBuilder &nb, Location l, ValueRange args) {
                                     linalg::YieldOp::create(nb, l, fn(nb, l, args.drop_back()));
                                   })
      .getResult(0);
}

/// Re-inserts the reduced dimensions as size 1.
Value keepDims(OpBuilder &b, Location loc, Value reduced, RankedTensorType keptType,
               ArrayRef<int64_t> axes) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t i = 0; i < keptType.getRank(); ++i) {
    pending.push_back(i);
    if (!llvm::is_contained(axes, i)) {
      groups.push_back(pending);
      pending.clear();
    }
  }
  if (!pending.empty() && !groups.empty())
    groups.back().append(pending.begin(), pending.end());
  return tensor::ExpandShapeOp::create(b, loc, keptType, reduced, groups);
}

Value constantOf(OpBuilder &b, Location loc, Type t, double v) {
  if (auto ft = dyn_cast<FloatType>(t))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, v));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, static_cast<int64_t>(v)));
}

Value add(OpBuilder &b, Location l, Value x, Value y) {
  return isa<FloatType>(x.getType()) ? arith::AddFOp::create(b, l, x, y).getResult()
                                     : arith::AddIOp::create(b, l, x, y).getResult();
}

Value mul(OpBuilder &b, Location l, Value x, Value y) {
  return isa<FloatType>(x.getType()) ? arith::MulFOp::create(b, l, x, y).getResult()
                                     : arith::MulIOp::create(b, l, x, y).getResult();
}

Value maxOf(OpBuilder &b, Location l, Value x, Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, l, x, y);
  return isUnsigned ? arith::MaxUIOp::create(b, l, x, y).getResult()
                    : arith::MaxSIOp::create(b, l, x, y).getResult();
}

Value minOf(OpBuilder &b, Location l, Value x, Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, l, x, y);
  return isUnsigned ? arith::MinUIOp::create(b, l, x, y).getResult()
                    : arith::MinSIOp::create(b, l, x, y).getResult();
}

/// The index `count` as a scalar of `t` (integer or float).
Value countAs(OpBuilder &b, Location loc, Value count, Type t) {
  Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
  if (isa<FloatType>(t))
    return arith::SIToFPOp::create(b, loc, t, asInt);
  return arith::TruncIOp::create(b, loc, t, asInt).getResult();
}

/// The number of reduced elements as a scalar of `t`.
Value reducedCount(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes, Type t) {
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t a : axes)
    count = arith::MulIOp::create(b, loc, count, dimSize(b, loc, x, a));
  return countAs(b, loc, count, t);
}

Value maxOver(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes, bool isUnsigned) {
  Type t = cast<RankedTensorType>(x.getType()).getElementType();
  return reduceOver(
      b, loc, x, axes, extremeValue(b, loc, t, true, isUnsigned), {},
      [](OpBuilder &, Location, ValueRange a) { return a[0]; },
      [&](OpBuilder &nb, Location l, ValueRange a) {
        return maxOf(nb, l, a[0], a[1], isUnsigned);
      });
}

/// `sum(exp(x - m))` over `axes`, with `m` the maximum over them.
Value sumExpShifted(OpBuilder &b, Location loc, Value x, Value m, ArrayRef<int64_t> axes) {
  Type t = cast<RankedTensorType>(x.getType()).getElementType();
  return reduceOver(
      b, loc, x, axes, constantOf(b, loc, t, 0), ValueRange{m},
      [](OpBuilder &nb, Location l, ValueRange a) -> Value {
        return math::ExpOp::create(nb, l, arith::SubFOp::create(nb, l, a[0], a[1]));
      },
      [](OpBuilder &nb, Location l, ValueRange a) { return add(nb, l, a[0], a[1]); });
}

/// Whether each dimension of a tensor of `rank` is reduced by the run-time
/// `axes` (1-D; negative entries count from the end, an empty tensor means all).
SmallVector<Value> reducedByRuntimeAxes(OpBuilder &b, Location loc, Value axes, int64_t rank) {
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value length = dimSize(b, loc, axes, 0);
  SmallVector<Value> none(rank, arith::ConstantOp::create(b, loc, b.getBoolAttr(false)));
  auto loop = scf::ForOp::create(
      b, loc, c0, length, c1, none, [&](OpBuilder &nb, Location l, Value n, ValueRange flags) {
        Value entry = tensor::ExtractOp::create(nb, l, axes, ValueRange{n});
        Value axis =
            normalizeAxis(nb, l, arith::IndexCastOp::create(nb, l, nb.getIndexType(), entry), rank);
        SmallVector<Value> next;
        for (int64_t d = 0; d < rank; ++d) {
          Value here = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, axis,
                                             arith::ConstantIndexOp::create(nb, l, d));
          next.push_back(arith::OrIOp::create(nb, l, flags[d], here));
        }
        scf::YieldOp::create(nb, l, next);
      });
  Value empty = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, length, c0);
  SmallVector<Value> reduced;
  for (Value flag : loop.getResults())
    reduced.push_back(arith::OrIOp::create(b, loc, flag, empty));
  return reduced;
}

/// Reduces `x` over the dimensions flagged in `reduced` into a tensor of its
/// rank (all dimensions dynamic) that has size 1 where flagged: a loop nest
/// over `x` combines `prologue(x, side...)` into the output element at the
/// element's index with the flagged coordinates set to 0. Each `side` tensor
/// has the output's shape.
Value reduceFlagged(OpBuilder &b, Location loc, Value x, ArrayRef<Value> reduced, Value init,
                    ValueRange side, ScalarFn prologue, ScalarFn combine) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> dims, sizes;
  for (int64_t d = 0; d < rank; ++d) {
    dims.push_back(dimSize(b, loc, x, d));
    sizes.push_back(arith::SelectOp::create(b, loc, reduced[d], c1, dims.back()));
  }
  auto outType = RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                                       type.getElementType());
  Value empty =
      tensor::EmptyOp::create(b, loc, outType.getShape(), outType.getElementType(), sizes);
  Value out = linalg::FillOp::create(b, loc, ValueRange{init}, ValueRange{empty}).getResult(0);
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, SmallVector<Value>(rank, c0), dims, SmallVector<Value>(rank, c1), ValueRange{out},
      [&](OpBuilder &nb, Location l, ValueRange ivs, ValueRange carried) -> scf::ValueVector {
        SmallVector<Value> at;
        for (int64_t d = 0; d < rank; ++d)
          at.push_back(arith::SelectOp::create(nb, l, reduced[d], c0, ivs[d]));
        SmallVector<Value> args = {tensor::ExtractOp::create(nb, l, x, ivs)};
        for (Value s : side)
          args.push_back(tensor::ExtractOp::create(nb, l, s, at));
        Value acc = tensor::ExtractOp::create(nb, l, carried[0], at);
        Value next = combine(nb, l, {acc, prologue(nb, l, args)});
        return {tensor::InsertOp::create(nb, l, next, carried[0], at)};
      });
  return nest.results.front();
}

/// The number of elements each output of `reduceFlagged` combines, as a
/// scalar of `t`.
Value flaggedCount(OpBuilder &b, Location loc, Value x, ArrayRef<Value> reduced, Type t) {
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  for (auto [d, flag] : llvm::enumerate(reduced))
    count = arith::MulIOp::create(b, loc, count,
                                  arith::SelectOp::create(b, loc, flag, dimSize(b, loc, x, d), c1));
  return countAs(b, loc, count, t);
}

/// The output of `reduceFlagged` as `type`, without the flagged dimensions
/// unless `type` keeps them: a `tensor.reshape` whose dynamic entries are the
/// sizes of the unflagged dimensions in order.
Value shapeFlagged(OpBuilder &b, Location loc, Value r, ArrayRef<Value> reduced,
                   RankedTensorType type) {
  if (type.getRank() == static_cast<int64_t>(reduced.size()))
    return tensor::CastOp::create(b, loc, type, r);
  Type i64 = b.getI64Type();
  auto constant = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v)).getResult();
  };
  SmallVector<Value> entries;
  for (int64_t m = 0; m < type.getRank(); ++m) {
    if (!type.isDynamicDim(m)) {
      entries.push_back(constant(type.getDimSize(m)));
      continue;
    }
    Value size = constant(1), position = constant(0);
    for (auto [d, flag] : llvm::enumerate(reduced)) {
      Value kept = arith::XOrIOp::create(b, loc, flag,
                                         arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
      Value isM = arith::AndIOp::create(
          b, loc, kept,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, position, constant(m)));
      Value dim = arith::IndexCastOp::create(b, loc, i64, dimSize(b, loc, r, d));
      size = arith::SelectOp::create(b, loc, isM, dim, size);
      position = arith::AddIOp::create(b, loc, position, arith::ExtUIOp::create(b, loc, i64, kept));
    }
    entries.push_back(size);
  }
  auto shapeType = RankedTensorType::get({type.getRank()}, i64);
  Value shape = tensor::FromElementsOp::create(b, loc, shapeType, entries);
  return tensor::ReshapeOp::create(b, loc, type, r, shape);
}

struct ReduceToGeneric : OpRewritePattern<g::ReduceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(g::ReduceOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    bool isUnsigned = op.getIsUnsigned();
    Value x = op.getInput();
    Type t = cast<RankedTensorType>(x.getType()).getElementType();
    ArrayRef<int64_t> axes = op.getAxes();
    SmallVector<Value> flags;
    if (Value axesValue = op.getAxesValue())
      flags = reducedByRuntimeAxes(rewriter, loc, axesValue,
                                   cast<RankedTensorType>(x.getType()).getRank());
    auto reduce = [&](Value init, ValueRange side, ScalarFn prologue, ScalarFn combine) {
      return op.getAxesValue()
                 ? reduceFlagged(rewriter, loc, x, flags, init, side, prologue, combine)
                 : reduceOver(rewriter, loc, x, axes, init, side, prologue, combine);
    };
    auto identity = [](OpBuilder &, Location, ValueRange a) { return a[0]; };
    auto square = [](OpBuilder &nb, Location l, ValueRange a) { return mul(nb, l, a[0], a[0]); };
    auto sum = [](OpBuilder &nb, Location l, ValueRange a) { return add(nb, l, a[0], a[1]); };
    auto max = [&](OpBuilder &nb, Location l, ValueRange a) {
      return maxOf(nb, l, a[0], a[1], isUnsigned);
    };
    Value zero = constantOf(rewriter, loc, t, 0);
    Value lowest = extremeValue(rewriter, loc, t, true, isUnsigned);
    Value r;
    switch (op.getKind()) {
    case g::ReductionKind::sum:
    case g::ReductionKind::mean:
    case g::ReductionKind::log_sum:
      r = reduce(zero, {}, identity, sum);
      break;
    case g::ReductionKind::sum_square:
    case g::ReductionKind::l2:
      r = reduce(zero, {}, square, sum);
      break;
    case g::ReductionKind::l1:
      r = reduce(
          zero, {},
          [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
            if (isa<FloatType>(a[0].getType()))
              return math::AbsFOp::create(nb, l, a[0]);
            return isUnsigned ? a[0] : math::AbsIOp::create(nb, l, a[0]).getResult();
          },
          sum);
      break;
    case g::ReductionKind::prod:
      r = reduce(constantOf(rewriter, loc, t, 1), {}, identity,
                 [](OpBuilder &nb, Location l, ValueRange a) { return mul(nb, l, a[0], a[1]); });
      break;
    case g::ReductionKind::max:
      r = reduce(lowest, {}, identity, max);
      break;
    case g::ReductionKind::min:
      r = reduce(extremeValue(rewriter, loc, t, false, isUnsigned), {}, identity,
                 [&](OpBuilder &nb, Location l, ValueRange a) {
                   return minOf(nb, l, a[0], a[1], isUnsigned);
                 });
      break;
    case g::ReductionKind::log_sum_exp: {
      Value m = reduce(lowest, {}, identity, max);
      Value s = reduce(
          zero, ValueRange{m},
          [](OpBuilder &nb, Location l, ValueRange a) -> Value {
            return math::ExpOp::create(nb, l, arith::SubFOp::create(nb, l, a[0], a[1]));
          },
          sum);
      r = mapElementwise(
          rewriter, loc, {s, m}, {}, [](OpBuilder &nb, Location l, ValueRange a) -> Value {
            return arith::AddFOp::create(nb, l, math::LogOp::create(nb, l, a[0]), a[1]);
          });
      break;
    }
    }
    if (op.getKind() == g::ReductionKind::mean) {
      Value count = op.getAxesValue() ? flaggedCount(rewriter, loc, x, flags, t)
                                      : reducedCount(rewriter, loc, x, axes, t);
      // An integer division by 0 would trap; a float one gives NaN, as in ONNX.
      if (!isa<FloatType>(t))
        program::emitRuntimeCheck(
            rewriter, loc,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne, count,
                                  g::buildScalarConstant(rewriter, loc, t, 0)),
            "the integer mean of an empty reduction divides by 0");
      r = mapElementwise(
          rewriter, loc, {r}, {}, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
            if (isa<FloatType>(t))
              return arith::DivFOp::create(nb, l, a[0], count);
            return isUnsigned ? arith::DivUIOp::create(nb, l, a[0], count).getResult()
                              : arith::DivSIOp::create(nb, l, a[0], count).getResult();
          });
    } else if (op.getKind() == g::ReductionKind::l2) {
      r = mapElementwise(rewriter, loc, {r}, {},
                         [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                           return math::SqrtOp::create(nb, l, a[0]);
                         });
    } else if (op.getKind() == g::ReductionKind::log_sum) {
      r = mapElementwise(rewriter, loc, {r}, {},
                         [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                           return math::LogOp::create(nb, l, a[0]);
                         });
    }
    if (op.getAxesValue())
      r = shapeFlagged(rewriter, loc, r, flags, resultType);
    else if (op.getKeepDims())
      r = keepDims(rewriter, loc, r, resultType, axes);
    rewriter.replaceOp(op, r);
    return success();
  }
};

template <typename OpTy, bool Log> struct SoftmaxToGeneric : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    int64_t axis = op.getAxis();
    Value m = maxOver(rewriter, loc, x, {axis}, false);
    Value s = sumExpShifted(rewriter, loc, x, m, {axis});
    Value y = mapElementwise(
        rewriter, loc, {x, m, s}, {axis}, [](OpBuilder &nb, Location l, ValueRange a) -> Value {
          Value shifted = arith::SubFOp::create(nb, l, a[0], a[1]);
          if (Log)
            return arith::SubFOp::create(nb, l, shifted, math::LogOp::create(nb, l, a[2]));
          return arith::DivFOp::create(nb, l, math::ExpOp::create(nb, l, shifted), a[2]);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct ArgReduceToGeneric : OpRewritePattern<g::ArgReduceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(g::ArgReduceOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    bool isUnsigned = op.getIsUnsigned();
    bool isMax = op.getKind() == g::ReductionKind::max;
    bool last = op.getSelectLastIndex();
    Value x = op.getInput();
    Type t = cast<RankedTensorType>(x.getType()).getElementType();
    int64_t axis = op.getAxis(), rank = inType.getRank();
    RankedTensorType valueType = reducedType(cast<RankedTensorType>(x.getType()), {axis});
    RankedTensorType indexType = valueType.clone(rewriter.getI64Type());
    auto sources = keptDimSources(x, {axis});
    Value best = filledTensor(rewriter, loc, valueType, sources,
                              extremeValue(rewriter, loc, t, isMax, isUnsigned));
    Value bestIndex = filledTensor(rewriter, loc, indexType, sources,
                                   constantOf(rewriter, loc, rewriter.getI64Type(), 0));
    AffineMap reduced = reducedMap(rank, {axis}, ctx);
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx), reduced, reduced};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, indexType}, ValueRange{x}, ValueRange{best, bestIndex},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange a) {
          Value v = a[0], cur = a[1], curIndex = a[2];
          Value index =
              arith::IndexCastOp::create(b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isa<FloatType>(t)) {
            better = arith::CmpFOp::create(
                b, l, isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT, v, cur);
          } else {
            arith::CmpIPredicate p =
                isMax ? (isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
                      : (isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt);
            better = arith::CmpIOp::create(b, l, p, v, cur);
          }
          // The first element always wins, so an all-equal row yields index 0
          // (or the last index with select_last_index).
          Value first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, index,
                                              constantOf(b, l, b.getI64Type(), 0));
          better = arith::OrIOp::create(b, l, better, first);
          if (last) {
            Value equal =
                isa<FloatType>(t)
                    ? arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, v, cur).getResult()
                    : arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, v, cur).getResult();
            better = arith::OrIOp::create(b, l, better, equal);
          }
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, v, cur),
                         arith::SelectOp::create(b, l, better, index, curIndex)});
        });
    Value r = generic.getResult(1);
    if (op.getKeepDims())
      r = keepDims(rewriter, loc, r, cast<RankedTensorType>(op.getType()), {axis});
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void populateReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceToGeneric, ArgReduceToGeneric, SoftmaxToGeneric<g::SoftmaxOp, false>,
               SoftmaxToGeneric<g::LogSoftmaxOp, true>>(patterns.getContext());
}

} // namespace strata

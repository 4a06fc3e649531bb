//===- SliceToTensor.cpp - Static and run-time slices to tensor/linalg ----===//
//
// `graph.slice` (normalised static bounds) and `graph.dynamic_slice` (ONNX
// `Slice` bounds read at run time). A window whose strides are all known to be
// positive is a `tensor.extract_slice`; one with a negative or run-time stride
// is a `linalg.generic` that reads the input at `start + i * step` in each
// dimension.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/program/RuntimeCheck.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

/// A static slice: `tensor.extract_slice` for positive strides; a negative
/// stride walks backwards through an indexing map.
struct SliceToTensor : OpRewritePattern<g::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::SliceOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = op.getInput();
    int64_t rank = type.getRank();
    Value slice;
    if (llvm::all_of(op.getStride(), [](int64_t s) { return s > 0; })) {
      slice = staticSlice(rewriter, loc, input, type, op.getStart(), op.getStride());
    } else {
      MLIRContext *ctx = rewriter.getContext();
      SmallVector<AffineExpr> exprs;
      for (int64_t i = 0; i < rank; ++i)
        exprs.push_back(getAffineDimExpr(i, ctx) * op.getStride()[i] + op.getStart()[i]);
      Value init = emptyTensor(rewriter, loc, type, allDims(input));
      slice = copyThroughMap(rewriter, loc, input, init, AffineMap::get(rank, 0, exprs, ctx));
    }
    rewriter.replaceOp(op, slice);
    return success();
  }
};

/// Elements `start, start + step, ...` (`size` of them) of one dimension, as
/// index values.
struct Window {
  Value start, size, step;
};

/// Element `n` of the optional 1-D bounds tensor `bounds` as an index, or
/// `fallback` without one; constants are folded so that later decisions can
/// see them.
Value boundAt(OpBuilder &b, Location loc, Value bounds, int64_t n, int64_t fallback) {
  if (!bounds)
    return arith::ConstantIndexOp::create(b, loc, fallback);
  Value position = arith::ConstantIndexOp::create(b, loc, n);
  Value v = b.createOrFold<tensor::ExtractOp>(loc, bounds, ValueRange{position});
  return b.createOrFold<arith::IndexCastOp>(loc, b.getIndexType(), v);
}

/// The ONNX window of one slice entry over a dimension of size `dim`: negative
/// `start` and `end` count from the end, then both are clamped to `[0, dim]`
/// for a positive step or to `[0, dim - 1]` and `[-1, dim - 1]` for a negative
/// one; `size = max(ceil((end - start) / step), 0)`.
Window onnxWindow(OpBuilder &b, Location loc, Value start, Value end, Value step, Value dim) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v).getResult(); };
  auto lt = [&](Value x, Value y) {
    return b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, y);
  };
  auto select = [&](Value cond, Value x, Value y) {
    return b.createOrFold<arith::SelectOp>(loc, cond, x, y);
  };
  auto clamp = [&](Value v, Value lo, Value hi) {
    Value above = b.createOrFold<arith::MaxSIOp>(loc, v, lo);
    return b.createOrFold<arith::MinSIOp>(loc, above, hi);
  };
  auto fromEnd = [&](Value v) {
    return select(lt(v, c(0)), b.createOrFold<arith::AddIOp>(loc, v, dim), v);
  };
  Value forward = lt(c(0), step);
  Value last = b.createOrFold<arith::SubIOp>(loc, dim, c(1));
  Value hi = select(forward, dim, last);
  start = clamp(fromEnd(start), c(0), hi);
  end = clamp(fromEnd(end), select(forward, c(0), c(-1)), hi);
  Value span = b.createOrFold<arith::SubIOp>(loc, end, start);
  Value count = b.createOrFold<arith::CeilDivSIOp>(loc, span, step);
  return {start, b.createOrFold<arith::MaxSIOp>(loc, count, c(0)), step};
}

/// ONNX slice semantics at run time. Each entry `n` of the bounds replaces the
/// window of dimension `axes[n]`; a run-time axis selects the dimension it
/// names among all of them. Constant bounds fold, so constant positive steps
/// still give a `tensor.extract_slice`.
struct DynamicSliceToTensor : OpRewritePattern<g::DynamicSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::DynamicSliceOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto boundsType = cast<RankedTensorType>(op.getStarts().getType());
    if (boundsType.isDynamicDim(0))
      return rewriter.notifyMatchFailure(op, "bounds of dynamic length");
    int64_t rank = type.getRank();
    DenseIntElementsAttr constantAxes;
    if (op.getAxes() && matchPattern(op.getAxes(), m_Constant(&constantAxes)) &&
        llvm::any_of(constantAxes.getValues<APInt>(), [&](const APInt &a) {
          return a.getSExtValue() < -rank || a.getSExtValue() >= rank;
        }))
      return rewriter.notifyMatchFailure(op, "constant axis out of range");
    Value input = op.getInput();
    SmallVector<Window> windows;
    for (int64_t d = 0; d < rank; ++d)
      windows.push_back({arith::ConstantIndexOp::create(rewriter, loc, 0),
                         dimSize(rewriter, loc, input, d),
                         arith::ConstantIndexOp::create(rewriter, loc, 1)});
    for (int64_t n = 0, e = boundsType.getDimSize(0); n < e; ++n) {
      Value start = boundAt(rewriter, loc, op.getStarts(), n, 0);
      Value end = boundAt(rewriter, loc, op.getEnds(), n, 0);
      Value step = boundAt(rewriter, loc, op.getSteps(), n, 1);
      // The window's length divides by the step.
      if (std::optional<int64_t> known = getConstantIntValue(step); !known || *known == 0)
        program::emitRuntimeCheck(
            rewriter, loc,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne, step,
                                  arith::ConstantIndexOp::create(rewriter, loc, 0)),
            "step " + std::to_string(n) + " of the slice is 0");
      Value axis = boundAt(rewriter, loc, op.getAxes(), n, n);
      if (std::optional<int64_t> known = getConstantIntValue(axis)) {
        int64_t d = *known < 0 ? *known + rank : *known;
        windows[d] = onnxWindow(rewriter, loc, start, end, step, dimSize(rewriter, loc, input, d));
        continue;
      }
      axis = normalizeAxis(rewriter, loc, axis, rank);
      for (int64_t d = 0; d < rank; ++d) {
        Value here = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, axis,
                                           arith::ConstantIndexOp::create(rewriter, loc, d));
        Window w = onnxWindow(rewriter, loc, start, end, step, dimSize(rewriter, loc, input, d));
        auto pick = [&](Value x, Value y) {
          std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
          if (cx && cy && *cx == *cy)
            return y;
          return arith::SelectOp::create(rewriter, loc, here, x, y).getResult();
        };
        windows[d] = {pick(w.start, windows[d].start), pick(w.size, windows[d].size),
                      pick(w.step, windows[d].step)};
      }
    }
    bool forward = llvm::all_of(windows, [](const Window &w) {
      std::optional<int64_t> step = getConstantIntValue(w.step);
      return step && *step > 0;
    });
    Value slice = forward ? extractWindows(rewriter, loc, input, windows)
                          : gatherWindows(rewriter, loc, input, type, windows);
    if (slice.getType() != type)
      slice = tensor::CastOp::create(rewriter, loc, type, slice);
    rewriter.replaceOp(op, slice);
    return success();
  }

  /// The windows as one `tensor.extract_slice` (their steps are constant).
  static Value extractWindows(OpBuilder &b, Location loc, Value input, ArrayRef<Window> windows) {
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (const Window &w : windows) {
      offsets.push_back(getAsOpFoldResult(w.start));
      sizes.push_back(getAsOpFoldResult(w.size));
      strides.push_back(getAsOpFoldResult(w.step));
    }
    return tensor::ExtractSliceOp::create(b, loc, input, offsets, sizes, strides);
  }

  /// The windows read element by element: result index `i` reads the input at
  /// `start + i * step` in every dimension.
  static Value gatherWindows(OpBuilder &b, Location loc, Value input, RankedTensorType type,
                             ArrayRef<Window> windows) {
    SmallVector<Value> sizes;
    for (auto [d, w] : llvm::enumerate(windows))
      if (type.isDynamicDim(d))
        sizes.push_back(w.size);
    Value init = tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(), sizes);
    int64_t rank = type.getRank();
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, b.getContext())};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    return linalg::GenericOp::create(
               b, loc, TypeRange{type}, ValueRange{}, ValueRange{init}, maps, iterators,
               [&](OpBuilder &nb, Location l, ValueRange) {
                 SmallVector<Value> position;
                 for (auto [d, w] : llvm::enumerate(windows)) {
                   Value i = linalg::IndexOp::create(nb, l, d);
                   Value offset = nb.createOrFold<arith::MulIOp>(l, i, w.step);
                   position.push_back(nb.createOrFold<arith::AddIOp>(l, w.start, offset));
                 }
                 linalg::YieldOp::create(
                     nb, l, tensor::ExtractOp::create(nb, l, input, position).getResult());
               })
        .getResult(0);
  }
};

} // namespace

void populateSliceToTensorPatterns(RewritePatternSet &patterns) {
  patterns.add<SliceToTensor, DynamicSliceToTensor>(patterns.getContext());
}

} // namespace strata

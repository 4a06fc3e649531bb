//===- ShapeHandlers.cpp - Shape and data-movement ONNX ops ---------------===//
//
// Reshape, Transpose, Slice, Concat, Split, Gather, Expand, Tile, Pad, Squeeze,
// Unsqueeze, Flatten, Shape, Size, ConstantOfShape, Range, Trilu and Constant.
// Constant shape operands give static graph ops; run-time ones give graph ops
// with shape operands and dynamic result dimensions, refined from ONNX's
// declared output types where those are more precise.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"
#include "lib/onnx/TensorConversion.h"

#include "dialects/graph/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

/// The declared type of output `i` when it refines `fallback` (same element type
/// and rank), else `fallback`.
RankedTensorType refineWithDeclared(NodeContext &n, int64_t i, RankedTensorType fallback) {
  std::optional<RankedTensorType> declared = n.declaredOutputType(i);
  if (declared && areCompatibleRefinements(fallback, *declared))
    return *declared;
  return fallback;
}

/// Length of a 1-D shape-like input, which must be static.
FailureOr<int64_t> staticLength(NodeContext &n, int64_t i, StringRef what) {
  RankedTensorType t = n.inputType(i);
  if (t.getRank() != 1 || t.isDynamicDim(0))
    return n.emitError() << what << " must be a 1-D tensor of static length, got " << t;
  // The length becomes the rank of a result; no model has one this large.
  constexpr int64_t kMaxRank = 64;
  if (t.getDimSize(0) > kMaxRank)
    return n.emitError() << what << " has " << t.getDimSize(0)
                         << " elements, more than the largest supported rank (" << kMaxRank << ")";
  return t.getDimSize(0);
}

/// `shape` (1-D i64 of length `length`) prefixed with ones up to `target`.
Value padShapeFront(NodeContext &n, Value shape, int64_t length, int64_t target) {
  if (length == target)
    return shape;
  SmallVector<int64_t> ones(target - length, 1);
  return n.create<ConcatOp>(ValueRange{i64Constant(n, ones), shape}, static_cast<int64_t>(0));
}

LogicalResult reshape(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  bool allowZero = n.intAttr("allowzero", 0) != 0;
  if (std::optional<SmallVector<int64_t>> shape = n.constantInts(1)) {
    SmallVector<int64_t> dims, from;
    int64_t inferred = -1, known = 1;
    for (auto [i, d] : llvm::enumerate(*shape)) {
      if (d == 0 && !allowZero) {
        if (static_cast<int64_t>(i) >= in.getRank())
          return n.emitError() << "shape entry " << i << " is 0 (copy) but the input "
                               << "has rank " << in.getRank();
        d = in.getDimSize(i);
        from.push_back(i);
      } else if (d == -1) {
        if (inferred >= 0)
          return n.emitError() << "shape has more than one -1";
        inferred = i;
        d = kDyn;
        from.push_back(-1);
      } else if (d < 0) {
        return n.emitError() << "shape entry " << d << " is negative";
      } else {
        from.push_back(i);
      }
      if (!ShapedType::isDynamic(d) && llvm::MulOverflow(known, d, known))
        return n.emitError() << "shape has more elements than 64 bits can count";
      dims.push_back(d);
    }
    std::optional<int64_t> count = staticElementCount(in.getShape());
    if (inferred >= 0 && count) {
      if (known == 0 || *count % known != 0)
        return n.emitError() << "cannot reshape " << *count << " elements to "
                             << "a shape with a -1 and static dimensions of product " << known;
      dims[inferred] = *count / known;
    } else if (count && inferred < 0 && llvm::none_of(dims, ShapedType::isDynamic) &&
               known != *count) {
      return n.emitError() << "inconsistent shapes: cannot reshape " << in << " to "
                           << "a shape of " << known << " elements";
    }
    return n.setOutputs({reshapeWithDims(n, x, dims, from)});
  }
  FailureOr<int64_t> length = staticLength(n, 1, "Reshape's shape");
  if (failed(length))
    return failure();
  Value shape = castTo(n, n.input(1), n.builder().getI64Type());
  if (!allowZero) {
    Value inShape = shapeOf(n, x);
    Value source =
        *length <= in.getRank()
            ? shapeSlice(n, x, 0, *length)
            : n.create<ConcatOp>(
                   ValueRange{inShape,
                              i64Constant(n, SmallVector<int64_t>(*length - in.getRank(), 1))},
                   static_cast<int64_t>(0))
                  .getResult();
    Value isZero = n.create<CompareOp>(ComparisonDirection::eq, shape, i64Constant(n, {0}));
    shape = n.create<WhereOp>(isZero, source, shape);
  }
  auto result = refineWithDeclared(
      n, 0, RankedTensorType::get(SmallVector<int64_t>(*length, kDyn), in.getElementType()));
  return n.setOutputs({n.create<ReshapeOp>(result, x, shape).getResult()});
}

LogicalResult transpose(NodeContext &n) {
  Value x = n.input(0);
  int64_t rank = tensorType(x).getRank();
  SmallVector<int64_t> perm;
  if (std::optional<SmallVector<int64_t>> p = n.intsAttr("perm"))
    perm = *p;
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  FailureOr<Shape> shape = inferTransposeShape(tensorType(x).getShape(), perm, n.loc());
  if (failed(shape))
    return failure();
  return n.setOutputs({n.create<TransposeOp>(x, perm).getResult()});
}

LogicalResult slice(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  std::optional<SmallVector<int64_t>> starts = n.constantInts(1), ends = n.constantInts(2);
  std::optional<SmallVector<int64_t>> axes = n.hasInput(3) ? n.constantInts(3) : std::nullopt;
  std::optional<SmallVector<int64_t>> steps = n.hasInput(4) ? n.constantInts(4) : std::nullopt;
  bool constantBounds = starts && ends && (axes || !n.hasInput(3)) && (steps || !n.hasInput(4));
  if (constantBounds) {
    if (!n.hasInput(3))
      axes = llvm::to_vector(llvm::seq<int64_t>(0, starts->size()));
    if (!n.hasInput(4))
      steps = SmallVector<int64_t>(starts->size(), 1);
    FailureOr<SliceBounds> bounds =
        normalizeOnnxSlice(in.getShape(), *starts, *ends, *axes, *steps, std::nullopt);
    if (succeeded(bounds))
      return n.setOutputs(
          {n.create<SliceOp>(x, bounds->start, bounds->limit, bounds->stride).getResult()});
  }
  SmallVector<int64_t> dims(in.getShape());
  if (axes) {
    for (int64_t a : *axes)
      if (a >= -in.getRank() && a < in.getRank())
        dims[a < 0 ? a + in.getRank() : a] = kDyn;
  } else {
    dims.assign(in.getRank(), kDyn);
  }
  auto result = refineWithDeclared(n, 0, RankedTensorType::get(dims, in.getElementType()));
  return n.setOutputs(
      {n.create<DynamicSliceOp>(result, x, n.input(1), n.input(2), n.input(3), n.input(4))
           .getResult()});
}

LogicalResult concat(NodeContext &n) {
  SmallVector<Value> inputs;
  for (int64_t i = 0; i < n.numInputs(); ++i)
    if (n.hasInput(i))
      inputs.push_back(n.input(i));
  int64_t rank = tensorType(inputs.front()).getRank();
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", 0), rank, n.loc());
  if (failed(axis))
    return failure();
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : inputs) {
    if (elementType(v) != elementType(inputs.front()))
      return n.emitError() << "inputs have different element types";
    shapes.push_back(tensorType(v).getShape());
  }
  if (failed(inferConcatShape(shapes, *axis, n.loc())))
    return failure();
  return n.setOutputs({n.create<ConcatOp>(inputs, *axis).getResult()});
}

LogicalResult split(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  if (in.getRank() == 0)
    return n.emitError() << "cannot split a rank-0 tensor";
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", 0), in.getRank(), n.loc());
  if (failed(axis))
    return failure();
  int64_t dim = in.getDimSize(*axis);
  int64_t outputs = n.numOutputs();
  SmallVector<int64_t> sizes;
  if (n.hasInput(1)) {
    std::optional<SmallVector<int64_t>> s = n.constantInts(1);
    if (!s) {
      for (int64_t i = 0; i < outputs; ++i) {
        std::optional<RankedTensorType> t = n.declaredOutputType(i);
        if (!t || t->getRank() != in.getRank() || t->isDynamicDim(*axis))
          return n.unsupported("a run-time 'split' input whose output sizes are not "
                               "declared");
        sizes.push_back(t->getDimSize(*axis));
      }
    } else {
      sizes = *s;
    }
  } else if (std::optional<SmallVector<int64_t>> s = n.intsAttr("split")) {
    sizes = *s;
  } else {
    if (ShapedType::isDynamic(dim))
      return n.unsupported("an even split of a dynamic dimension");
    int64_t parts = n.hasAttr("num_outputs") ? n.intAttr("num_outputs", 1) : outputs;
    if (parts != outputs)
      return n.emitError() << "num_outputs is " << parts << " but the node has " << outputs
                           << " outputs";
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::max<int64_t>(std::min(chunk, dim - i * chunk), 0));
  }
  if (failed(inferSplitShapes(in.getShape(), *axis, sizes, n.loc())))
    return failure();
  auto op = n.create<SplitOp>(x, *axis, sizes);
  return n.setOutputs(op.getResults());
}

LogicalResult gather(NodeContext &n) {
  Value x = n.input(0);
  if (!isa<IntegerType>(elementType(n.input(1))))
    return n.emitError() << "indices must be int32 or int64, got " << tensorType(n.input(1));
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", 0), tensorType(x).getRank(), n.loc());
  if (failed(axis) || failed(inferGatherShape(tensorType(x).getShape(),
                                              tensorType(n.input(1)).getShape(), *axis, n.loc())))
    return failure();
  return n.setOutputs({n.create<GatherOp>(x, n.input(1), *axis).getResult()});
}

LogicalResult expand(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  FailureOr<int64_t> length = staticLength(n, 1, "Expand's shape");
  if (failed(length))
    return failure();
  int64_t rank = std::max(*length, in.getRank());
  SmallVector<int64_t> target(rank, kDyn);
  std::optional<SmallVector<int64_t>> shape = n.constantInts(1);
  for (int64_t i = 0; i < rank; ++i) {
    int64_t xi = i - (rank - in.getRank());
    int64_t si = i - (rank - *length);
    int64_t xd = xi >= 0 ? in.getDimSize(xi) : 1;
    int64_t sd = shape && si >= 0 ? (*shape)[si] : (si >= 0 ? kDyn : 1);
    if (sd == 1)
      target[i] = xd;
    else if (xd == 1 || (!ShapedType::isDynamic(xd) && sd == xd))
      target[i] = sd;
    else if (!ShapedType::isDynamic(xd) && !ShapedType::isDynamic(sd))
      return n.emitError() << "inconsistent shapes: cannot expand dimension of size " << xd
                           << " to " << sd;
    else
      target[i] = ShapedType::isDynamic(sd) ? kDyn : sd;
  }
  auto result = refineWithDeclared(n, 0, RankedTensorType::get(target, in.getElementType()));
  if (result.hasStaticShape())
    return n.setOutputs({n.create<BroadcastOp>(result, x, Value()).getResult()});
  Value xShape = padShapeFront(n, shapeOf(n, x), in.getRank(), rank);
  Value sShape = padShapeFront(n, castTo(n, n.input(1), n.builder().getI64Type()), *length, rank);
  Value runtime = n.create<MaxOp>(xShape, sShape);
  return n.setOutputs({n.create<BroadcastOp>(result, x, runtime).getResult()});
}

LogicalResult tile(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  SmallVector<int64_t> dims(in.getRank(), kDyn);
  if (std::optional<SmallVector<int64_t>> reps = n.constantInts(1)) {
    if (static_cast<int64_t>(reps->size()) != in.getRank())
      return n.emitError() << "repeats has " << reps->size() << " entries for rank "
                           << in.getRank();
    for (int64_t i = 0; i < in.getRank(); ++i)
      if (!in.isDynamicDim(i))
        dims[i] = in.getDimSize(i) * (*reps)[i];
  }
  auto result = refineWithDeclared(n, 0, RankedTensorType::get(dims, in.getElementType()));
  return n.setOutputs(
      {n.create<TileOp>(result, x, castTo(n, n.input(1), n.builder().getI64Type())).getResult()});
}

/// The element of a dimension of `size` that position `i` (possibly outside
/// `[0, size)`) copies in Pad's `edge`, `wrap` or `reflect` mode; reflection
/// repeats with period `2 * (size - 1)`, as numpy.pad's does.
int64_t padSource(StringRef mode, int64_t i, int64_t size) {
  if (mode == "edge")
    return std::clamp<int64_t>(i, 0, size - 1);
  if (mode == "wrap")
    return (i % size + size) % size;
  if (size == 1)
    return 0;
  int64_t period = 2 * (size - 1), j = (i % period + period) % period;
  return j < size ? j : period - j;
}

/// `count` copies of the rank-0 `value` along `axis`, the other dimensions
/// those of `like`.
Value padFill(NodeContext &n, Value like, Value value, int64_t axis, int64_t count) {
  RankedTensorType t = tensorType(like);
  SmallVector<int64_t> dims(t.getShape());
  dims[axis] = count;
  auto type = RankedTensorType::get(dims, t.getElementType());
  Value shape;
  if (!type.hasStaticShape()) {
    SmallVector<Value> pieces;
    if (axis > 0)
      pieces.push_back(shapeSlice(n, like, 0, axis));
    pieces.push_back(i64Constant(n, {count}));
    if (axis + 1 < t.getRank())
      pieces.push_back(shapeSlice(n, like, axis + 1, t.getRank()));
    shape = n.create<ConcatOp>(pieces, static_cast<int64_t>(0));
  }
  return n.create<BroadcastOp>(type, value, shape);
}

/// Pad with constant pads (and axes, opset 18): per padded axis, `constant`
/// crops negative pads and concatenates fills; `edge`, `reflect` and `wrap`
/// (opset 19) gather each output position's source element. Negative pads in
/// those modes are refused: ONNX leaves open whether they crop before or after
/// the copying.
LogicalResult pad(NodeContext &n) {
  // Bounds the pads and the index vectors of the gathers, which have one entry
  // per output element along the axis.
  constexpr int64_t kMaxPad = int64_t(1) << 24;
  Value x = n.input(0);
  int64_t rank = tensorType(x).getRank();
  std::string mode = n.stringAttr("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect" &&
      (mode != "wrap" || n.opset() < 19))
    return n.emitError() << "mode must be constant, edge, reflect"
                         << (n.opset() >= 19 ? " or wrap" : "") << ", not '" << mode << "'";
  std::optional<SmallVector<int64_t>> pads = n.constantInts(1);
  if (!pads)
    return n.unsupported("Pad with run-time pads");
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  if (n.hasInput(3)) {
    std::optional<SmallVector<int64_t>> given = n.constantInts(3);
    if (!given)
      return n.unsupported("Pad with run-time axes");
    axes.clear();
    for (int64_t a : *given) {
      FailureOr<int64_t> axis = normalizeAxis(a, rank, n.loc());
      if (failed(axis))
        return failure();
      if (llvm::is_contained(axes, *axis))
        return n.emitError() << "axis " << a << " appears twice in axes";
      axes.push_back(*axis);
    }
  }
  int64_t numAxes = axes.size();
  if (static_cast<int64_t>(pads->size()) != 2 * numAxes)
    return n.emitError() << "pads has " << pads->size() << " entries; " << numAxes
                         << " padded axes need " << 2 * numAxes;
  Value value;
  if (mode == "constant") {
    value = n.hasInput(2) ? n.input(2) : scalarLike(n, x, 0);
    RankedTensorType t = tensorType(value);
    if (t.getElementType() != elementType(x) || t.getRank() > 1 || !t.hasStaticShape() ||
        t.getNumElements() != 1)
      return n.emitError() << "constant_value must be one element of the input's type, got " << t;
    if (t.getRank() == 1)
      value = n.create<ReshapeOp>(RankedTensorType::get({}, t.getElementType()), value, Value());
  }
  for (auto [i, axis] : llvm::enumerate(axes)) {
    int64_t before = (*pads)[i], after = (*pads)[i + numAxes];
    int64_t size = tensorType(x).getDimSize(axis);
    if (before == 0 && after == 0)
      continue;
    if (llvm::any_of(ArrayRef<int64_t>{before, after},
                     [](int64_t p) { return p < -kMaxPad || p > kMaxPad; }))
      return n.emitError() << "pads " << before << " and " << after
                           << " exceed the supported magnitude " << kMaxPad;
    bool grows = before >= 0 && after >= 0;
    if (mode != "constant" && !grows)
      return n.unsupported("negative pads in mode '" + mode + "'");
    bool gathers = mode != "constant" || !grows;
    if (gathers && (ShapedType::isDynamic(size) || size > kMaxPad))
      return n.unsupported("Pad cropping or copying from a dynamic dimension "
                           "or one of more than " +
                           std::to_string(kMaxPad) + " elements");
    if (!grows && std::max<int64_t>(-before, 0) + std::max<int64_t>(-after, 0) > size)
      return n.emitError() << "pads " << before << " and " << after << " remove more than the "
                           << size << " elements of dimension " << axis;
    if (mode != "constant") {
      if (size == 0)
        return n.emitError() << "cannot pad the empty dimension " << axis << " in mode '" << mode
                             << "'";
      SmallVector<int64_t> sources;
      for (int64_t j = -before; j < size + after; ++j)
        sources.push_back(padSource(mode, j, size));
      x = n.create<GatherOp>(x, i64Constant(n, sources), axis);
      continue;
    }
    if (!grows)
      x = n.create<GatherOp>(
          x,
          i64Constant(n, llvm::to_vector(llvm::seq<int64_t>(std::max<int64_t>(-before, 0),
                                                            size - std::max<int64_t>(-after, 0)))),
          axis);
    SmallVector<Value> parts;
    if (before > 0)
      parts.push_back(padFill(n, x, value, axis, before));
    parts.push_back(x);
    if (after > 0)
      parts.push_back(padFill(n, x, value, axis, after));
    if (parts.size() > 1)
      x = n.create<ConcatOp>(parts, axis);
  }
  return n.setOutputs({x});
}

/// Squeeze and Unsqueeze with run-time axes: only the element count is
/// preserved, so the result is a reshape to the declared output type, which
/// must be static (as it is when the model's shapes are inferred).
LogicalResult reshapeToDeclared(NodeContext &n, StringRef what) {
  Value x = n.input(0);
  std::optional<RankedTensorType> declared = n.declaredOutputType(0);
  if (!declared || !declared->hasStaticShape() || !tensorType(x).hasStaticShape() ||
      declared->getElementType() != elementType(x) ||
      declared->getNumElements() != tensorType(x).getNumElements())
    return n.unsupported((what + " with run-time axes and no static declared output type").str());
  return n.setOutputs({n.create<ReshapeOp>(*declared, x, Value()).getResult()});
}

LogicalResult squeezeOp(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  std::optional<SmallVector<int64_t>> axes = intsFromInputOrAttr(n, 1, "axes");
  if (n.hasInput(1) && !axes)
    return reshapeToDeclared(n, "Squeeze");
  SmallVector<int64_t> normalized;
  if (axes) {
    FailureOr<SmallVector<int64_t>> a = normalizeAxes(n, *axes, in.getRank());
    if (failed(a))
      return failure();
    normalized = *a;
    for (int64_t axis : normalized)
      if (!in.isDynamicDim(axis) && in.getDimSize(axis) != 1)
        return n.emitError() << "cannot squeeze dimension " << axis << " of size "
                             << in.getDimSize(axis);
  } else {
    for (int64_t i = 0; i < in.getRank(); ++i) {
      if (in.isDynamicDim(i))
        return n.unsupported("Squeeze without axes of a tensor with dynamic dimensions");
      if (in.getDimSize(i) == 1)
        normalized.push_back(i);
    }
  }
  return n.setOutputs({squeeze(n, x, normalized)});
}

LogicalResult unsqueezeOp(NodeContext &n) {
  Value x = n.input(0);
  std::optional<SmallVector<int64_t>> axes = intsFromInputOrAttr(n, 1, "axes");
  if (!axes)
    return reshapeToDeclared(n, "Unsqueeze");
  FailureOr<SmallVector<int64_t>> a =
      normalizeAxes(n, *axes, tensorType(x).getRank() + axes->size());
  if (failed(a))
    return failure();
  return n.setOutputs({unsqueeze(n, x, *a)});
}

LogicalResult flatten(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  int64_t axis = n.intAttr("axis", 1);
  if (axis < 0)
    axis += in.getRank();
  if (axis < 0 || axis > in.getRank())
    return n.emitError() << "axis " << n.intAttr("axis", 1) << " is out of range";
  auto product = [&](int64_t b, int64_t e) -> int64_t {
    int64_t p = 1;
    for (int64_t i = b; i < e; ++i) {
      if (in.isDynamicDim(i))
        return kDyn;
      p *= in.getDimSize(i);
    }
    return p;
  };
  int64_t outer = product(0, axis), inner = product(axis, in.getRank());
  auto result = RankedTensorType::get({outer, inner}, in.getElementType());
  if (!ShapedType::isDynamic(outer) || !ShapedType::isDynamic(inner))
    return n.setOutputs({reshapeWithDims(
        n, x, {outer, inner},
        {ShapedType::isDynamic(outer) ? -1 : 0, ShapedType::isDynamic(inner) ? -1 : 1})});
  Value leading =
      n.create<ReduceOp>(RankedTensorType::get({1}, n.builder().getI64Type()), ReductionKind::prod,
                         shapeSlice(n, x, 0, axis), Value(), ArrayRef<int64_t>{0}, true);
  Value shape =
      n.create<ConcatOp>(ValueRange{leading, i64Constant(n, {-1})}, static_cast<int64_t>(0));
  return n.setOutputs({n.create<ReshapeOp>(result, x, shape).getResult()});
}

LogicalResult shape(NodeContext &n) {
  Value x = n.input(0);
  int64_t rank = tensorType(x).getRank();
  int64_t start = n.intAttr("start", 0), end = n.intAttr("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  if (end < start)
    end = start;
  return n.setOutputs({shapeSlice(n, x, start, end)});
}

LogicalResult size(NodeContext &n) {
  Value x = n.input(0);
  if (std::optional<int64_t> count = staticElementCount(tensorType(x).getShape()))
    return n.setOutputs({scalarConstant(n, n.builder().getI64Type(), *count)});
  return n.setOutputs(
      {n.create<ReduceOp>(RankedTensorType::get({}, n.builder().getI64Type()), ReductionKind::prod,
                          shapeOf(n, x), Value(), ArrayRef<int64_t>{0}, false)
           .getResult()});
}

/// A tensor attribute of the node as an inline constant (attributes hold their
/// data in the node, never in external files).
FailureOr<ElementsAttr> inlineTensor(NodeContext &n, const ::onnx::TensorProto &t) {
  // Read with no model folder, external data would resolve against the
  // working directory.
  if (t.data_location() == ::onnx::TensorProto::EXTERNAL || t.external_data_size() > 0)
    return n.emitError() << "tensor attribute '" << t.name()
                         << "' refers to external data; attributes must hold their data";
  TensorStorage storage(nullptr, "");
  llvm::Expected<ElementsAttr> attr = storage.convert(n.context(), t, true);
  if (!attr)
    return n.emitError() << llvm::toString(attr.takeError());
  return *attr;
}

LogicalResult constantOfShape(NodeContext &n) {
  ElementsAttr value;
  if (const ::onnx::TensorProto *t = n.tensorAttr("value")) {
    FailureOr<ElementsAttr> attr = inlineTensor(n, *t);
    if (failed(attr))
      return failure();
    value = *attr;
  } else {
    auto type = RankedTensorType::get({1}, n.builder().getF32Type());
    value = cast<ElementsAttr>(DenseElementsAttr::get(type, 0.0f));
  }
  if (value.getNumElements() != 1)
    return n.emitError() << "ConstantOfShape's value must hold one element, not "
                         << value.getNumElements();
  Type element = value.getElementType();
  value = cast<ElementsAttr>(
      cast<DenseElementsAttr>(value).reshape(RankedTensorType::get({1}, element)));
  if (std::optional<SmallVector<int64_t>> shape = n.constantInts(0)) {
    if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
      return n.emitError() << "ConstantOfShape's shape has a negative dimension";
    auto type = RankedTensorType::get(*shape, element);
    return n.setOutputs(
        {n.create<ConstantOp>(cast<ElementsAttr>(DenseElementsAttr::get(
                                  type, cast<DenseElementsAttr>(value).getValues<Attribute>()[0])))
             .getResult()});
  }
  FailureOr<int64_t> length = staticLength(n, 0, "ConstantOfShape's input");
  if (failed(length))
    return failure();
  auto result =
      refineWithDeclared(n, 0, RankedTensorType::get(SmallVector<int64_t>(*length, kDyn), element));
  return n.setOutputs(
      {n.create<FillOp>(result, castTo(n, n.input(0), n.builder().getI64Type()), value)
           .getResult()});
}

/// 16-bit floating-point Range (opset 27) computes in `stash_type` (float by
/// default, or double) and rounds each element once.
LogicalResult range(NodeContext &n) {
  Type element = elementType(n.input(0));
  Type compute = element;
  if (element.isF16() || element.isBF16()) {
    int64_t stash = n.intAttr("stash_type", ::onnx::TensorProto::FLOAT);
    if (stash != ::onnx::TensorProto::FLOAT && stash != ::onnx::TensorProto::DOUBLE)
      return n.emitError() << "stash_type must be 1 (float) or 11 (double), not " << stash;
    compute = stash == ::onnx::TensorProto::FLOAT ? Type(n.builder().getF32Type())
                                                  : Type(n.builder().getF64Type());
  }
  for (int i = 0; i < 3; ++i)
    if (!n.inputType(i).hasStaticShape() || n.inputType(i).getNumElements() != 1)
      return n.emitError() << "start, limit and delta must be scalars, got " << n.inputType(i);
  int64_t length = kDyn;
  std::optional<int64_t> s = n.constantInt(0), l = n.constantInt(1), d = n.constantInt(2);
  std::optional<int64_t> span = s && l ? llvm::checkedSub(*l, *s) : std::nullopt;
  if (span && d && *d != 0 && !llvm::divideSignedWouldOverflow(*span, *d))
    length = std::max<int64_t>(llvm::divideCeilSigned(*span, *d), 0);
  std::optional<double> fs = n.constantFloat(0), fl = n.constantFloat(1), fd = n.constantFloat(2);
  if (fs && fl && fd && *fd != 0)
    length = std::max<int64_t>(static_cast<int64_t>(std::ceil((*fl - *fs) / *fd)), 0);
  auto result = refineWithDeclared(n, 0, RankedTensorType::get({length}, element));
  Value start = castTo(n, n.input(0), compute);
  Value limit = castTo(n, n.input(1), compute);
  Value delta = castTo(n, n.input(2), compute);
  Value y = n.create<RangeOp>(result.clone(compute), start, limit, delta);
  return n.setOutputs({castTo(n, y, element)});
}

LogicalResult trilu(NodeContext &n) {
  Value x = n.input(0);
  if (tensorType(x).getRank() < 2)
    return n.emitError() << "input must have rank >= 2";
  bool upper = n.intAttr("upper", 1) != 0;
  int64_t k = 0;
  Value kValue;
  if (n.hasInput(1)) {
    if (std::optional<int64_t> c = n.constantInt(1))
      k = *c;
    else
      kValue = castTo(n, n.input(1), n.builder().getI64Type());
  }
  return n.setOutputs({n.create<TriluOp>(x, kValue, upper, k).getResult()});
}

LogicalResult constant(NodeContext &n) {
  OpBuilder &b = n.builder();
  ElementsAttr value;
  if (const ::onnx::TensorProto *t = n.tensorAttr("value")) {
    FailureOr<ElementsAttr> attr = inlineTensor(n, *t);
    if (failed(attr))
      return failure();
    value = *attr;
  } else if (n.hasAttr("value_float")) {
    value = cast<ElementsAttr>(DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                                      n.floatAttr("value_float", 0)));
  } else if (n.hasAttr("value_int")) {
    value = cast<ElementsAttr>(DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                                      n.intAttr("value_int", 0)));
  } else if (std::optional<SmallVector<int64_t>> ints = n.intsAttr("value_ints")) {
    value = cast<ElementsAttr>(DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(ints->size())}, b.getI64Type()),
        ArrayRef<int64_t>(*ints)));
  } else if (n.hasAttr("value_floats")) {
    SmallVector<float> floats;
    for (const auto &attr : n.node().attribute())
      if (attr.name() == "value_floats")
        floats.assign(attr.floats().begin(), attr.floats().end());
    value = cast<ElementsAttr>(DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(floats.size())}, b.getF32Type()),
        ArrayRef<float>(floats)));
  } else {
    return n.unsupported("a Constant without a numeric value (sparse or string)");
  }
  return n.setOutputs({n.create<ConstantOp>(value).getResult()});
}

} // namespace

void registerShapeHandlers(HandlerRegistry &r) {
  r.add("Reshape", 5, reshape);
  r.add("Transpose", 1, transpose);
  r.add("Slice", 10, slice);
  r.add("Concat", 4, concat);
  r.add("Split", 1, split);
  r.add("Gather", 1, gather);
  r.add("Expand", 8, expand);
  r.add("Tile", 6, tile);
  r.add("Squeeze", 1, squeezeOp);
  r.add("Unsqueeze", 1, unsqueezeOp);
  r.add("Flatten", 1, flatten);
  r.add("Shape", 1, shape);
  r.add("Size", 1, size);
  r.add("ConstantOfShape", 9, constantOfShape);
  r.add("Range", 11, range);
  r.add("Trilu", 14, trilu);
  // Pad-2 takes its pads as an attribute.
  r.add("Pad", 11, pad);
  r.add("Constant", 1, constant);
}

} // namespace strata::onnx

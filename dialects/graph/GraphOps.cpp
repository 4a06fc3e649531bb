//===- GraphOps.cpp - Graph op type inference and verifiers ---------------===//
//
// `inferReturnTypes` and `verify` of the graph ops. Shape rules live in
// TypeInference.cpp; this file applies them to op operands and checks the
// constraints the rules do not cover (element types, operand roles).
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/GraphCost.h"
#include "dialects/graph/GraphDialect.h"
#include "dialects/graph/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace strata::graph;

static RankedTensorType tensorTypeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

static ArrayRef<int64_t> shapeOf(Value v) { return tensorTypeOf(v).getShape(); }

static Type elementOf(Value v) { return tensorTypeOf(v).getElementType(); }

static LogicalResult pushTensor(FailureOr<Shape> shape, Type element,
                                SmallVectorImpl<Type> &results) {
  if (failed(shape))
    return failure();
  results.push_back(RankedTensorType::get(*shape, element));
  return success();
}

static LogicalResult inferBroadcastResult(ValueRange operands, Type element,
                                          std::optional<Location> loc,
                                          SmallVectorImpl<Type> &results) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : operands)
    shapes.push_back(shapeOf(v));
  return pushTensor(inferBroadcastShape(shapes, loc), element, results);
}

static bool isScalarLike(Value v) {
  std::optional<int64_t> n = staticElementCount(shapeOf(v));
  return n && *n == 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

#define GRAPH_BINARY_INFERENCE(OpClass)                                                            \
  LogicalResult OpClass::inferReturnTypes(MLIRContext *, std::optional<Location> loc,              \
                                          Adaptor adaptor, SmallVectorImpl<Type> &results) {       \
    return inferBroadcastResult({adaptor.getLhs(), adaptor.getRhs()}, elementOf(adaptor.getLhs()), \
                                loc, results);                                                     \
  }
GRAPH_BINARY_INFERENCE(AddOp)
GRAPH_BINARY_INFERENCE(SubOp)
GRAPH_BINARY_INFERENCE(MulOp)
GRAPH_BINARY_INFERENCE(DivOp)
GRAPH_BINARY_INFERENCE(PowOp)
GRAPH_BINARY_INFERENCE(MaxOp)
GRAPH_BINARY_INFERENCE(MinOp)
GRAPH_BINARY_INFERENCE(AndOp)
GRAPH_BINARY_INFERENCE(OrOp)
GRAPH_BINARY_INFERENCE(XorOp)
GRAPH_BINARY_INFERENCE(ModOp)
#undef GRAPH_BINARY_INFERENCE

LogicalResult ModOp::verify() {
  if (isa<FloatType>(elementOf(getLhs())) && !getFmod())
    return emitOpError("on floating-point operands requires fmod = true");
  return success();
}

LogicalResult CompareOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &results) {
  return inferBroadcastResult({adaptor.getLhs(), adaptor.getRhs()}, IntegerType::get(ctx, 1), loc,
                              results);
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  return inferBroadcastResult({adaptor.getCondition(), adaptor.getOnTrue(), adaptor.getOnFalse()},
                              elementOf(adaptor.getOnTrue()), loc, results);
}

LogicalResult WhereOp::verify() {
  if (elementOf(getOnTrue()) != elementOf(getOnFalse()))
    return emitOpError("value operands differ in element type: ")
           << elementOf(getOnTrue()) << " vs " << elementOf(getOnFalse());
  return success();
}

//===----------------------------------------------------------------------===//
// Constants, weights, shapes
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location>, Adaptor adaptor,
                                           SmallVectorImpl<Type> &results) {
  results.push_back(adaptor.getValue().getType());
  return success();
}

LogicalResult ShapeOfOp::verify() {
  int64_t rank = tensorTypeOf(getInput()).getRank();
  int64_t length = tensorTypeOf(getResult()).getDimSize(0);
  if (!ShapedType::isDynamic(length) && length != rank)
    return emitOpError("result has ") << length << " elements for an operand of rank " << rank;
  return success();
}

LogicalResult FillOp::verify() {
  int64_t length = shapeOf(getShape())[0];
  RankedTensorType result = tensorTypeOf(getResult());
  if (!ShapedType::isDynamic(length) && length != result.getRank())
    return emitOpError("shape operand has ")
           << length << " elements for a result of rank " << result.getRank();
  auto valueType = cast<ShapedType>(getValue().getType());
  if (valueType.getNumElements() != 1)
    return emitOpError("value must have exactly one element");
  if (valueType.getElementType() != result.getElementType())
    return emitOpError("value element type ")
           << valueType.getElementType() << " differs from the result's "
           << result.getElementType();
  return success();
}

LogicalResult RangeOp::verify() {
  RankedTensorType result = tensorTypeOf(getResult());
  if (result.getRank() != 1)
    return emitOpError("result must be 1-D");
  for (Value v : {getStart(), getLimit(), getDelta()}) {
    if (tensorTypeOf(v).getRank() != 0)
      return emitOpError("start, limit and delta must be rank-0 tensors");
    if (elementOf(v) != result.getElementType())
      return emitOpError("operand element type ")
             << elementOf(v) << " differs from the result's " << result.getElementType();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  RankedTensorType input = tensorTypeOf(getInput());
  RankedTensorType result = tensorTypeOf(getResult());
  if (input.getElementType() != result.getElementType())
    return emitOpError("changes the element type from ")
           << input.getElementType() << " to " << result.getElementType();
  // The element count constrains the static dimensions whether or not a shape
  // operand gives the dimensions at run time.
  std::optional<int64_t> in = staticElementCount(input.getShape());
  std::optional<int64_t> out = staticElementCount(result.getShape());
  if (in && out && *in != *out)
    return emitOpError("changes the element count from ") << *in << " to " << *out;
  if (Value shape = getShape()) {
    int64_t length = shapeOf(shape)[0];
    if (!ShapedType::isDynamic(length) && length != result.getRank())
      return emitOpError("shape operand has ")
             << length << " elements for a result of rank " << result.getRank();
  } else if (result.getNumDynamicDims() > 1) {
    return emitOpError("without a shape operand the result may have at most one "
                       "dynamic dimension");
  }
  if (in && !out) {
    int64_t known = 1;
    for (int64_t d : result.getShape())
      if (!ShapedType::isDynamic(d))
        known *= d;
    // Without a shape operand the count must also determine the dynamic
    // dimension, which a zero static dimension leaves open.
    bool divides = known != 0 ? *in % known == 0 : getShape() && *in == 0;
    if (!divides)
      return emitOpError("element count ")
             << *in << " is not a multiple of the static result dimensions";
  }
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &results) {
  return pushTensor(inferTransposeShape(shapeOf(adaptor.getInput()), adaptor.getPermutation(), loc),
                    elementOf(adaptor.getInput()), results);
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  return pushTensor(inferSliceShape(shapeOf(adaptor.getInput()), adaptor.getStart(),
                                    adaptor.getLimit(), adaptor.getStride(), loc),
                    elementOf(adaptor.getInput()), results);
}

LogicalResult DynamicSliceOp::verify() {
  RankedTensorType input = tensorTypeOf(getInput());
  RankedTensorType result = tensorTypeOf(getResult());
  if (input.getElementType() != result.getElementType() || input.getRank() != result.getRank())
    return emitOpError("result must have the operand's element type and rank");
  for (auto [i, d, r] : llvm::enumerate(input.getShape(), result.getShape()))
    if (!ShapedType::isDynamic(d) && !ShapedType::isDynamic(r) && r > d)
      return emitOpError("result dimension ")
             << i << " of size " << r << " exceeds the operand's " << d;
  SmallVector<Value> bounds = {getStarts(), getEnds()};
  if (getAxes())
    bounds.push_back(getAxes());
  if (getSteps())
    bounds.push_back(getSteps());
  int64_t length = ShapedType::kDynamic;
  for (Value v : bounds) {
    RankedTensorType t = tensorTypeOf(v);
    if (t.getRank() != 1)
      return emitOpError("starts, ends, axes and steps must be 1-D");
    int64_t n = t.getDimSize(0);
    if (!areCompatibleDims(length, n))
      return emitOpError("starts, ends, axes and steps differ in length");
    if (!ShapedType::isDynamic(n))
      length = n;
  }
  if (!ShapedType::isDynamic(length) && length > input.getRank())
    return emitOpError("slices ") << length << " axes of a rank-" << input.getRank() << " tensor";
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &results) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "concat needs at least one operand");
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : adaptor.getInputs())
    shapes.push_back(shapeOf(v));
  return pushTensor(inferConcatShape(shapes, adaptor.getAxis(), loc),
                    elementOf(adaptor.getInputs().front()), results);
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  FailureOr<SmallVector<Shape>> shapes =
      inferSplitShapes(shapeOf(adaptor.getInput()), adaptor.getAxis(), adaptor.getSizes(), loc);
  if (failed(shapes))
    return failure();
  for (const Shape &s : *shapes)
    results.push_back(RankedTensorType::get(s, elementOf(adaptor.getInput())));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &results) {
  return pushTensor(inferGatherShape(shapeOf(adaptor.getInput()), shapeOf(adaptor.getIndices()),
                                     adaptor.getAxis(), loc),
                    elementOf(adaptor.getInput()), results);
}

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                 Adaptor adaptor, SmallVectorImpl<Type> &results) {
  return pushTensor(inferGatherElementsShape(shapeOf(adaptor.getInput()),
                                             shapeOf(adaptor.getIndices()), adaptor.getAxis(), loc),
                    elementOf(adaptor.getInput()), results);
}

LogicalResult BroadcastOp::verify() {
  RankedTensorType result = tensorTypeOf(getResult());
  if (elementOf(getInput()) != result.getElementType())
    return emitOpError("changes the element type");
  if (Value shape = getShape()) {
    int64_t length = shapeOf(shape)[0];
    if (!ShapedType::isDynamic(length) && length != result.getRank())
      return emitOpError("shape operand has ")
             << length << " elements for a result of rank " << result.getRank();
  }
  return verifyBroadcastableTo(shapeOf(getInput()), result.getShape(), getLoc());
}

LogicalResult TileOp::verify() {
  RankedTensorType input = tensorTypeOf(getInput());
  RankedTensorType result = tensorTypeOf(getResult());
  if (input.getElementType() != result.getElementType() || input.getRank() != result.getRank())
    return emitOpError("result must have the operand's element type and rank");
  int64_t length = shapeOf(getRepeats())[0];
  if (!ShapedType::isDynamic(length) && length != input.getRank())
    return emitOpError("repeats has ") << length << " elements for rank " << input.getRank();
  for (auto [i, d, r] : llvm::enumerate(input.getShape(), result.getShape())) {
    if (ShapedType::isDynamic(d) || ShapedType::isDynamic(r))
      continue;
    if (d == 0 ? r != 0 : r % d != 0)
      return emitOpError("result dimension ")
             << i << " of size " << r << " is not a multiple of the operand's " << d;
  }
  return success();
}

LogicalResult TriluOp::verify() {
  if (tensorTypeOf(getInput()).getRank() < 2)
    return emitOpError("operand must have rank >= 2");
  if (Value k = getKValue(); k && !isScalarLike(k))
    return emitOpError("k operand must hold one element");
  return success();
}

LogicalResult CumSumOp::verify() {
  int64_t rank = tensorTypeOf(getInput()).getRank();
  if (Value axis = getAxisValue()) {
    if (!isScalarLike(axis))
      return emitOpError("axis operand must hold one element");
    return success();
  }
  // I64Attr getters return uint64_t; read the axis signed so -1 is reported as
  // such.
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  return success();
}

LogicalResult CacheWriteOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                             Adaptor adaptor, SmallVectorImpl<Type> &results) {
  results.push_back(adaptor.getCache().getType());
  return success();
}

LogicalResult CacheWriteOp::verify() {
  ArrayRef<int64_t> cache = shapeOf(getCache()), fresh = shapeOf(getFresh());
  int64_t rank = cache.size(), axis = static_cast<int64_t>(getAxis());
  if (rank < 2)
    return emitOpError("cache must have rank 2 or more (entries, then positions)");
  if (axis < 1 || axis >= rank)
    return emitOpError("axis ") << axis << " must be a dimension after the first, of " << rank;
  if (elementOf(getFresh()) != elementOf(getCache()))
    return emitOpError("fresh must have the cache's element type");
  if (static_cast<int64_t>(fresh.size()) != rank)
    return emitOpError("fresh must have the cache's rank");
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && failed(verifyCompatibleShape({cache[d]}, {fresh[d]})))
      return emitOpError("fresh must have the cache's size in dimension ") << d;
  if (!ShapedType::isDynamic(cache[axis]) && !ShapedType::isDynamic(fresh[axis]) &&
      fresh[axis] > cache[axis])
    return emitOpError("fresh has more positions than the cache");
  if (failed(verifyCompatibleShape(shapeOf(getLengths()), cache.take_front())))
    return emitOpError("must have one length per entry of the cache");
  return success();
}

LogicalResult CheckRangeOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                             Adaptor adaptor, SmallVectorImpl<Type> &results) {
  results.push_back(adaptor.getValues().getType());
  return success();
}

LogicalResult CheckRangeOp::verify() {
  if (!isScalarLike(getLimit()))
    return emitOpError("limit must hold one integer");
  if (getMessage().empty())
    return emitOpError("message must say what failed");
  return success();
}

LogicalResult ScatterAddOp::verify() {
  auto updates = tensorTypeOf(getUpdates());
  auto result = tensorTypeOf(getResult());
  if (updates.getRank() < 1)
    return emitOpError("updates must have rank 1 or more");
  if (result.getElementType() != updates.getElementType())
    return emitOpError("result must have the updates' element type");
  if (static_cast<int64_t>(getRows()) < 0)
    return emitOpError("rows must not be negative");
  if (failed(verifyCompatibleShape(tensorTypeOf(getIndices()).getShape(),
                                   updates.getShape().take_front())))
    return emitOpError("must have one index per row of updates");
  SmallVector<int64_t> shape{static_cast<int64_t>(getRows())};
  llvm::append_range(shape, updates.getShape().drop_front());
  if (failed(verifyCompatibleShape(result.getShape(), shape)))
    return emitOpError("result must have 'rows' rows of the updates' other dimensions");
  return success();
}

LogicalResult DropoutOp::verify() {
  if (shapeOf(getInput()) != shapeOf(getOutput()) || shapeOf(getInput()) != shapeOf(getMask()))
    return emitOpError("output and mask must have the input's shape");
  if (elementOf(getOutput()) != elementOf(getInput()))
    return emitOpError("output must have the input's element type");
  if (Value ratio = getRatioValue(); ratio && !isScalarLike(ratio))
    return emitOpError("ratio operand must hold one element");
  if (Value training = getTrainingValue(); training && !isScalarLike(training))
    return emitOpError("training operand must hold one element");
  if (getRatio().convertToFloat() < 0 || getRatio().convertToFloat() >= 1)
    return emitOpError("ratio must be in [0, 1)");
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  RankedTensorType result = tensorTypeOf(getResult());
  if (elementOf(getInput()) != result.getElementType())
    return emitOpError("changes the element type");
  if (getAxesValue()) {
    if (tensorTypeOf(getAxesValue()).getRank() != 1)
      return emitOpError("axes operand must be 1-D");
    int64_t rank = tensorTypeOf(getInput()).getRank();
    if (getKeepDims() ? result.getRank() != rank : result.getRank() > rank)
      return emitOpError("result of rank ") << result.getRank() << " cannot be a reduction of rank "
                                            << rank << (getKeepDims() ? " with keep_dims" : "");
    return success();
  }
  FailureOr<Shape> shape =
      inferReduceShape(shapeOf(getInput()), getAxes(), getKeepDims(), getLoc());
  if (failed(shape))
    return failure();
  if (!areCompatibleRefinements(RankedTensorType::get(*shape, result.getElementType()), result))
    return emitOpError("result type ") << result << " does not match the reduced shape";
  return success();
}

LogicalResult ArgReduceOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &results) {
  int64_t axis = adaptor.getAxis();
  return pushTensor(
      inferReduceShape(shapeOf(adaptor.getInput()), {axis}, adaptor.getKeepDims(), loc),
      IntegerType::get(ctx, 64), results);
}

LogicalResult ArgReduceOp::verify() {
  if (getKind() != ReductionKind::max && getKind() != ReductionKind::min)
    return emitOpError("kind must be max or min");
  return success();
}

LogicalResult TopKOp::verify() {
  RankedTensorType input = tensorTypeOf(getInput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= input.getRank())
    return emitOpError("axis ") << axis << " is out of range for rank " << input.getRank();
  if (!isScalarLike(getK()))
    return emitOpError("k must hold one element");
  if (shapeOf(getValues()) != shapeOf(getIndices()))
    return emitOpError("values and indices must have one shape");
  if (elementOf(getValues()) != input.getElementType())
    return emitOpError("values must have the operand's element type");
  ArrayRef<int64_t> values = shapeOf(getValues());
  if (static_cast<int64_t>(values.size()) != input.getRank())
    return emitOpError("values must have the operand's rank");
  for (auto [i, d] : llvm::enumerate(input.getShape())) {
    int64_t v = values[i];
    if (static_cast<int64_t>(i) != axis) {
      if (!areCompatibleDims(d, v))
        return emitOpError("values dimension ")
               << i << " is " << v << ", expected " << d << " as in the operand";
      continue;
    }
    if (!ShapedType::isDynamic(d) && !ShapedType::isDynamic(v) && v > d)
      return emitOpError("selects ") << v << " elements from a dimension of " << d;
  }
  return success();
}

static LogicalResult verifySoftmaxAxis(Operation *op, Value input, int64_t axis) {
  int64_t rank = tensorTypeOf(input).getRank();
  if (axis < 0 || axis >= rank)
    return op->emitOpError("axis ") << axis << " is out of range for rank " << rank;
  return success();
}

LogicalResult SoftmaxOp::verify() { return verifySoftmaxAxis(*this, getInput(), getAxis()); }

LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxAxis(*this, getInput(), getAxis()); }

//===----------------------------------------------------------------------===//
// Contractions and transformer ops
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &results) {
  return pushTensor(inferMatMulShape(shapeOf(adaptor.getLhs()), shapeOf(adaptor.getRhs()),
                                     adaptor.getTransposeLhs(), adaptor.getTransposeRhs(), loc),
                    elementOf(adaptor.getLhs()), results);
}

LogicalResult MatMulNBitsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                              Adaptor adaptor, SmallVectorImpl<Type> &results) {
  for (Value bytes : {adaptor.getWeights(), adaptor.getZeroPoints()})
    if (bytes && !elementOf(bytes).isInteger(8))
      return emitOptionalError(loc, "packed weights and zero points must be 8-bit integers");
  if (elementOf(adaptor.getScales()) != elementOf(adaptor.getLhs()))
    return emitOptionalError(loc, "scales must have lhs's element type");
  std::optional<ArrayRef<int64_t>> zeroPoints;
  if (adaptor.getZeroPoints())
    zeroPoints = shapeOf(adaptor.getZeroPoints());
  return pushTensor(inferMatMulNBitsShape(shapeOf(adaptor.getLhs()), shapeOf(adaptor.getWeights()),
                                          shapeOf(adaptor.getScales()), zeroPoints,
                                          adaptor.getBits(), adaptor.getBlockSize(), loc),
                    elementOf(adaptor.getLhs()), results);
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  return pushTensor(inferConvShape(shapeOf(adaptor.getInput()), shapeOf(adaptor.getFilter()),
                                   adaptor.getStrides(), adaptor.getDilations(), adaptor.getPads(),
                                   adaptor.getGroup(), loc),
                    elementOf(adaptor.getInput()), results);
}

LogicalResult EinsumOp::verify() {
  StringRef equation = getEquation();
  auto [lhs, rhs] = equation.split("->");
  if (lhs.size() == equation.size())
    return emitOpError("equation '") << equation << "' must have an explicit '->'";
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != getInputs().size())
    return emitOpError("equation names ")
           << terms.size() << " operands but the op has " << getInputs().size();
  llvm::DenseMap<char, int64_t> sizes;
  for (auto [term, input] : llvm::zip(terms, getInputs())) {
    ArrayRef<int64_t> shape = shapeOf(input);
    if (term.size() != shape.size())
      return emitOpError("subscripts '") << term << "' do not match rank " << shape.size();
    // A letter repeated within one operand takes its diagonal, which needs
    // equal sizes; across operands a size of 1 broadcasts.
    llvm::DenseMap<char, int64_t> termSizes;
    for (auto [c, d] : llvm::zip(term, shape)) {
      if (!llvm::isAlpha(c))
        return emitOpError("subscript '") << c << "' is not a letter";
      auto [diag, first] = termSizes.try_emplace(c, d);
      if (!first && !areCompatibleDims(diag->second, d))
        return emitOpError("subscript '")
               << c << "' repeats in '" << term << "' with sizes " << diag->second << " and " << d;
      if (ShapedType::isDynamic(diag->second))
        diag->second = d;
      auto [it, inserted] = sizes.try_emplace(c, d);
      if (!inserted && d != 1 && it->second != 1 && !areCompatibleDims(it->second, d))
        return emitOpError("subscript '") << c << "' has sizes " << it->second << " and " << d;
      if (it->second == 1)
        it->second = d;
    }
  }
  ArrayRef<int64_t> result = shapeOf(getResult());
  if (rhs.size() != result.size())
    return emitOpError("result subscripts '") << rhs << "' do not match rank " << result.size();
  for (auto [c, d] : llvm::zip(rhs, result)) {
    auto it = sizes.find(c);
    if (it == sizes.end())
      return emitOpError("result subscript '") << c << "' names no operand dimension";
    if (!areCompatibleDims(it->second, d))
      return emitOpError("result dimension '") << c << "' is " << d << ", expected " << it->second;
  }
  return success();
}

static LogicalResult verifyNormScale(Operation *op, Value input, Value scale, int64_t axis,
                                     StringRef role) {
  ArrayRef<int64_t> in = shapeOf(input);
  if (axis < 0 || axis >= static_cast<int64_t>(in.size()))
    return op->emitOpError("axis ") << axis << " is out of range for rank " << in.size();
  if (elementOf(scale) != elementOf(input))
    return op->emitOpError(role) << " element type differs from the input's";
  if (failed(verifyBroadcastableTo(shapeOf(scale), in.drop_front(axis), std::nullopt)))
    return op->emitOpError(role) << " of shape " << tensorTypeOf(scale)
                                 << " does not broadcast to the normalised dimensions";
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &results) {
  RankedTensorType input = tensorTypeOf(adaptor.getInput());
  FailureOr<Shape> stats = inferNormStatsShape(input.getShape(), adaptor.getAxis(), loc);
  if (failed(stats))
    return failure();
  results.push_back(input);
  results.push_back(RankedTensorType::get(*stats, input.getElementType()));
  results.push_back(RankedTensorType::get(*stats, input.getElementType()));
  return success();
}

LogicalResult LayerNormOp::verify() {
  if (failed(verifyNormScale(*this, getInput(), getScale(), getAxis(), "scale")))
    return failure();
  if (getBias())
    return verifyNormScale(*this, getInput(), getBias(), getAxis(), "bias");
  return success();
}

LogicalResult RMSNormOp::inferReturnTypes(MLIRContext *, std::optional<Location>, Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  results.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult RMSNormOp::verify() {
  return verifyNormScale(*this, getInput(), getScale(), getAxis(), "scale");
}

/// Whether `shape` has the rank of `expected` and agrees with it where both are
/// static.
static bool matchesShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> expected) {
  return shape.size() == expected.size() && llvm::all_of(llvm::zip(shape, expected), [](auto dims) {
           return areCompatibleDims(std::get<0>(dims), std::get<1>(dims));
         });
}

LogicalResult AttentionOp::verify() {
  auto rank4 = [](Value v) { return tensorTypeOf(v).getRank() == 4; };
  if (!rank4(getQuery()) || !rank4(getKey()) || !rank4(getValue()))
    return emitOpError("query, key and value must be 4-D [batch, heads, sequence, "
                       "head_dim]");
  Type element = elementOf(getQuery());
  for (Value v : {getKey(), getValue(), getPastKey(), getPastValue()})
    if (v && elementOf(v) != element)
      return emitOpError("query, key, value and the past must have one element type");
  ArrayRef<int64_t> q = shapeOf(getQuery()), k = shapeOf(getKey()), v = shapeOf(getValue());
  if (!areCompatibleDims(q[0], k[0]) || !areCompatibleDims(k[0], v[0]))
    return emitOpError("query, key and value differ in batch size");
  if (!areCompatibleDims(k[1], v[1]) || !areCompatibleDims(k[2], v[2]))
    return emitOpError("key and value differ in heads or sequence length");
  if (!areCompatibleDims(q[3], k[3]))
    return emitOpError("query head_dim ") << q[3] << " differs from key head_dim " << k[3];
  if (!ShapedType::isDynamic(q[1]) && !ShapedType::isDynamic(k[1]) &&
      (k[1] == 0 || q[1] % k[1] != 0))
    return emitOpError("query heads (")
           << q[1] << ") must be a multiple of key/value heads (" << k[1] << ")";
  if (int64_t mode = getQkMode(); mode < 0 || mode > 3)
    return emitOpError("qk_mode must be 0, 1, 2 or 3");
  if (static_cast<bool>(getPastKey()) != static_cast<bool>(getPastValue()))
    return emitOpError("past_key and past_value come together");
  // Length of the key/value sequence once the past is prepended.
  int64_t kvLength = k[2];
  if (getPastKey()) {
    ArrayRef<int64_t> pk = shapeOf(getPastKey()), pv = shapeOf(getPastValue());
    if (pk.size() != 4 || pv.size() != 4)
      return emitOpError("past_key and past_value must be 4-D");
    if (!matchesShape(pk, {k[0], k[1], pk[2], k[3]}) ||
        !matchesShape(pv, {v[0], v[1], pk[2], v[3]}))
      return emitOpError("past_key and past_value must be [batch, key/value heads, "
                         "past sequence, head_dim] as key and value");
    kvLength = ShapedType::isDynamic(pk[2]) || ShapedType::isDynamic(k[2]) ? ShapedType::kDynamic
                                                                           : pk[2] + k[2];
  }
  SmallVector<int64_t> scores = {q[0], q[1], q[2], kvLength};
  if (getMask()) {
    ArrayRef<int64_t> m = shapeOf(getMask());
    if (m.size() > 4)
      return emitOpError("mask has rank ") << m.size() << ", at most 4 expected";
    Type me = elementOf(getMask());
    if (!me.isInteger(1) && me != element)
      return emitOpError("mask must be i1 or have the query's element type");
    if (failed(verifyBroadcastableTo(m, scores, std::nullopt)))
      return emitOpError("mask of shape ")
             << tensorTypeOf(getMask())
             << " does not broadcast to the scores [batch, query heads, query "
                "sequence, key sequence]";
  }
  for (Value r : getResults())
    if (elementOf(r) != element)
      return emitOpError("results must have the query's element type");
  if (shapeOf(getResult()).size() != 4 || shapeOf(getPresentKey()).size() != 4 ||
      shapeOf(getPresentValue()).size() != 4 || shapeOf(getQk()).size() != 4)
    return emitOpError("result, present_key, present_value and qk must be 4-D");
  if (!matchesShape(shapeOf(getResult()), {q[0], q[1], q[2], v[3]}))
    return emitOpError("result must be [batch, query heads, query sequence, value "
                       "head_dim]");
  if (!matchesShape(shapeOf(getPresentKey()), {k[0], k[1], kvLength, k[3]}) ||
      !matchesShape(shapeOf(getPresentValue()), {v[0], v[1], kvLength, v[3]}))
    return emitOpError("present_key and present_value must be [batch, key/value "
                       "heads, past + new sequence, head_dim]");
  if (!matchesShape(shapeOf(getQk()), scores))
    return emitOpError("qk must be [batch, query heads, query sequence, past + new "
                       "sequence]");
  return success();
}

LogicalResult RotaryOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (x.size() != 4)
    return emitOpError("input must be 4-D [batch, heads, sequence, head_dim]");
  for (Value table : {getCos(), getSin()}) {
    ArrayRef<int64_t> t = shapeOf(table);
    if (t.size() != 3)
      return emitOpError("cos and sin must be 3-D [batch, sequence, rotary_dim / 2]");
    if (!areCompatibleDims(t[0], x[0]) && t[0] != 1)
      return emitOpError("cos/sin batch ") << t[0] << " does not match " << x[0];
    if (!areCompatibleDims(t[1], x[2]))
      return emitOpError("cos/sin sequence ") << t[1] << " does not match " << x[2];
    if (!ShapedType::isDynamic(t[2]) && !ShapedType::isDynamic(x[3]) && 2 * t[2] > x[3])
      return emitOpError("rotary_dim ") << 2 * t[2] << " exceeds head_dim " << x[3];
    if (elementOf(table) != elementOf(getInput()))
      return emitOpError("cos and sin must have the input's element type");
  }
  if (shapeOf(getCos()) != shapeOf(getSin()))
    return emitOpError("cos and sin differ in shape");
  return success();
}

static LogicalResult verifyQuantParams(Operation *op, Value input, Value scale, Value zeroPoint,
                                       int64_t axis) {
  ArrayRef<int64_t> s = shapeOf(scale);
  int64_t rank = tensorTypeOf(input).getRank();
  if (s.size() > 1)
    return op->emitOpError("scale must be a scalar or 1-D (per channel)");
  if (s.size() == 1 && !isScalarLike(scale)) {
    if (axis < 0 || axis >= rank)
      return op->emitOpError("axis ") << axis << " is out of range for rank " << rank;
    if (!areCompatibleDims(s[0], shapeOf(input)[axis]))
      return op->emitOpError("per-channel scale has ")
             << s[0] << " entries for a dimension of " << shapeOf(input)[axis];
  }
  if (zeroPoint && shapeOf(zeroPoint) != s)
    return op->emitOpError("zero_point must have the shape of scale");
  return success();
}

LogicalResult QuantizeOp::verify() {
  Type result = elementOf(getResult());
  if (!isa<IntegerType>(result) || result.getIntOrFloatBitWidth() > 16)
    return emitOpError("result must be an integer type of at most 16 bits");
  if (getZeroPoint() && elementOf(getZeroPoint()) != result)
    return emitOpError("zero_point element type must be the result's");
  bool isUnsigned8 =
      result.isUnsignedInteger(8) || (result.isSignlessInteger(8) && getIsUnsigned());
  if (!getZeroPoint() && !isUnsigned8)
    return emitOpError("without zero_point the result must be ui8 (or i8 with is_unsigned)");
  if (shapeOf(getInput()) != shapeOf(getResult()))
    return emitOpError("result must have the input's shape");
  return verifyQuantParams(*this, getInput(), getScale(), getZeroPoint(), getAxis());
}

LogicalResult DequantizeOp::verify() {
  if (!isa<IntegerType>(elementOf(getInput())))
    return emitOpError("input must be integer");
  if (getZeroPoint() && elementOf(getZeroPoint()) != elementOf(getInput()))
    return emitOpError("zero_point element type must be the input's");
  if (elementOf(getResult()) != elementOf(getScale()))
    return emitOpError("result element type must be the scale's");
  if (shapeOf(getInput()) != shapeOf(getResult()))
    return emitOpError("result must have the input's shape");
  return verifyQuantParams(*this, getInput(), getScale(), getZeroPoint(), getAxis());
}

LogicalResult FusionGroupOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != 0)
    return emitOpError("region must have no arguments (it reads values from above)");
  auto yield = dyn_cast_or_null<YieldOp>(body.empty() ? nullptr : &body.back());
  if (!yield)
    return emitOpError("region must end in 'graph.yield'");
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yields ") << yield.getValues().size() << " value(s) of types "
                                  << yield.getValues().getTypes() << " but has results of types "
                                  << getResultTypes();
  return success();
}

#define GET_OP_CLASSES
#include "dialects/graph/GraphOps.cpp.inc"

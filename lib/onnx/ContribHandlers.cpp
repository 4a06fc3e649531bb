//===- ContribHandlers.cpp - onnxruntime com.microsoft ops ----------------===//
//
// The fused transformer ops onnxruntime's optimiser emits besides attention
// (ContribAttentionHandlers.cpp): fused normalisations with residual adds,
// embeddings with layer normalisation and GELU variants. Each becomes graph
// ops; a form whose onnxruntime semantics the graph ops cannot reproduce
// exactly is reported as unsupported, naming the form.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"

#include "dialects/graph/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

constexpr llvm::StringLiteral kDomain = "com.microsoft";

/// `input + skip (+ bias)`, the residual sum the Skip*Normalization ops
/// normalise.
FailureOr<Value> residualSum(NodeContext &n, int64_t biasInput) {
  if (failed(checkElementwiseOperands(n, {n.input(0), n.input(1)})))
    return failure();
  Value sum = n.create<AddOp>(n.input(0), n.input(1));
  if (n.hasInput(biasInput)) {
    if (failed(checkElementwiseOperands(n, {sum, n.input(biasInput)})))
      return failure();
    sum = n.create<AddOp>(sum, n.input(biasInput));
  }
  return sum;
}

LogicalResult skipLayerNorm(NodeContext &n) {
  FailureOr<Value> residual = residualSum(n, 4);
  if (failed(residual))
    return failure();
  Value sum = *residual;
  if (tensorType(sum).getRank() == 0)
    return n.emitError() << "input and skip must be [batch, sequence, hidden], got scalars";
  int64_t axis = tensorType(sum).getRank() - 1;
  Value beta = n.hasInput(3) ? n.input(3) : Value();
  auto op = n.create<LayerNormOp>(sum, n.input(2), beta, n.builder().getI64IntegerAttr(axis),
                                  n.builder().getF32FloatAttr(n.floatAttr("epsilon", 1e-12f)));
  return n.setOutputs({op.getResult(), op.getMean(), op.getInvStdDev(), sum});
}

LogicalResult skipSimplifiedLayerNorm(NodeContext &n) {
  if (n.wantsOutput(1) || n.wantsOutput(2))
    return n.unsupported("SkipSimplifiedLayerNormalization's mean and inv_std_var "
                         "outputs");
  FailureOr<Value> residual = residualSum(n, 3);
  if (failed(residual))
    return failure();
  Value sum = *residual;
  int64_t axis = tensorType(sum).getRank() - 1;
  Value y = n.create<RMSNormOp>(sum, n.input(2), n.builder().getI64IntegerAttr(axis),
                                n.builder().getF32FloatAttr(n.floatAttr("epsilon", 1e-12f)));
  return n.setOutputs({y, Value(), Value(), sum});
}

LogicalResult simplifiedLayerNorm(NodeContext &n) {
  if (n.wantsOutput(1))
    return n.unsupported("SimplifiedLayerNormalization's inv_std_var output");
  Value x = n.input(0);
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", -1), tensorType(x).getRank(), n.loc());
  if (failed(axis))
    return failure();
  Value y = n.create<RMSNormOp>(x, n.input(1), n.builder().getI64IntegerAttr(*axis),
                                n.builder().getF32FloatAttr(n.floatAttr("epsilon", 1e-5f)));
  return n.setOutputs({y});
}

/// Word + position (+ segment) embeddings, then layer normalisation.
LogicalResult embedLayerNorm(NodeContext &n) {
  Value ids = n.input(0);
  RankedTensorType idt = tensorType(ids);
  if (idt.getRank() != 2)
    return n.emitError() << "input_ids must be 2-D [batch, sequence], got " << idt;
  Value positionTable = n.input(3);
  if (tensorType(positionTable).getRank() != 2)
    return n.emitError() << "position_embedding must be 2-D [positions, hidden], got "
                         << tensorType(positionTable);
  if (failed(inferGatherShape(tensorType(n.input(2)).getShape(), idt.getShape(), 0, n.loc())))
    return failure();
  Value sum = n.create<GatherOp>(n.input(2), ids, static_cast<int64_t>(0));
  // Without position_ids, the first S rows of the table: a slice when S is
  // static, a gather of positions 0..S-1 when it is not.
  Value positions;
  int64_t sequence = idt.getDimSize(1);
  if (n.hasInput(8)) {
    if (failed(inferGatherShape(tensorType(positionTable).getShape(),
                                tensorType(n.input(8)).getShape(), 0, n.loc())))
      return failure();
    positions = n.create<GatherOp>(positionTable, n.input(8), static_cast<int64_t>(0));
  } else if (ShapedType::isDynamic(sequence)) {
    Value steps = positionsAlong(n, ids, 1);
    if (failed(inferGatherShape(tensorType(positionTable).getShape(), tensorType(steps).getShape(),
                                0, n.loc())))
      return failure();
    positions = n.create<GatherOp>(positionTable, steps, static_cast<int64_t>(0));
  } else {
    SmallVector<int64_t> start = {0, 0}, stride = {1, 1},
                         limit = {sequence, tensorType(positionTable).getDimSize(1)};
    if (failed(
            inferSliceShape(tensorType(positionTable).getShape(), start, limit, stride, n.loc())))
      return failure();
    positions = n.create<SliceOp>(positionTable, start, limit, stride);
  }
  if (failed(checkElementwiseOperands(n, {sum, positions})))
    return failure();
  sum = n.create<AddOp>(sum, positions);
  if (n.hasInput(1) != n.hasInput(4))
    return n.emitError() << "segment_ids and segment_embedding must be given together";
  if (n.hasInput(1)) {
    if (failed(inferGatherShape(tensorType(n.input(4)).getShape(),
                                tensorType(n.input(1)).getShape(), 0, n.loc())))
      return failure();
    Value segments = n.create<GatherOp>(n.input(4), n.input(1), static_cast<int64_t>(0));
    if (failed(checkElementwiseOperands(n, {sum, segments})))
      return failure();
    sum = n.create<AddOp>(sum, segments);
  }
  int64_t axis = tensorType(sum).getRank() - 1;
  auto op = n.create<LayerNormOp>(sum, n.input(5), n.input(6), n.builder().getI64IntegerAttr(axis),
                                  n.builder().getF32FloatAttr(n.floatAttr("epsilon", 1e-12f)));
  Value maskIndex;
  if (n.wantsOutput(1)) {
    if (!n.hasInput(7) || n.intAttr("mask_index_type", 1) != 1)
      return n.unsupported("EmbedLayerNormalization's mask_index without a mask or "
                           "with mask_index_type other than 1");
    if (tensorType(n.input(7)).getRank() != 2)
      return n.emitError() << "mask must be 2-D [batch, sequence], got " << tensorType(n.input(7));
    Value mask = castTo(n, n.input(7), n.builder().getI32Type());
    RankedTensorType mt = tensorType(mask);
    maskIndex = n.create<ReduceOp>(RankedTensorType::get({mt.getDimSize(0)}, mt.getElementType()),
                                   ReductionKind::sum, mask, Value(), ArrayRef<int64_t>{1}, false);
  }
  return n.setOutputs({op.getResult(), maskIndex, sum});
}

LogicalResult gelu(NodeContext &n) {
  return n.setOutputs({n.create<GeluOp>(n.input(0), GeluApproximation::none).getResult()});
}

LogicalResult biasGelu(NodeContext &n) {
  if (failed(checkElementwiseOperands(n, {n.input(0), n.input(1)})))
    return failure();
  Value x = n.create<AddOp>(n.input(0), n.input(1));
  return n.setOutputs({n.create<GeluOp>(x, GeluApproximation::none).getResult()});
}

LogicalResult fastGelu(NodeContext &n) {
  Value x = n.input(0);
  if (n.hasInput(1)) {
    if (failed(checkElementwiseOperands(n, {x, n.input(1)})))
      return failure();
    x = n.create<AddOp>(x, n.input(1));
  }
  return n.setOutputs({n.create<GeluOp>(x, GeluApproximation::tanh).getResult()});
}

} // namespace

void registerContribHandlers(HandlerRegistry &r) {
  r.add(kDomain, "SkipLayerNormalization", 1, kLatestOpset, skipLayerNorm);
  r.add(kDomain, "SkipSimplifiedLayerNormalization", 1, kLatestOpset, skipSimplifiedLayerNorm);
  // onnxruntime registers SimplifiedLayerNormalization in the default domain;
  // exporters use either.
  r.add(kDomain, "SimplifiedLayerNormalization", 1, kLatestOpset, simplifiedLayerNorm);
  r.add("", "SimplifiedLayerNormalization", 1, kLatestOpset, simplifiedLayerNorm);
  r.add(kDomain, "EmbedLayerNormalization", 1, kLatestOpset, embedLayerNorm);
  r.add(kDomain, "FastGelu", 1, kLatestOpset, fastGelu);
  r.add(kDomain, "BiasGelu", 1, kLatestOpset, biasGelu);
  r.add(kDomain, "Gelu", 1, kLatestOpset, gelu);
}

} // namespace strata::onnx

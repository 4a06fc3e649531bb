//===- EncodingHandlers.cpp - Categorical encodings -----------------------===//
//
// OneHot (opset 11+): compares the indices, with negative ones counted from
// `depth`, against an iota over the new axis and selects the on or off value.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"

#include "dialects/graph/TypeInference.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

/// `values[i]` of the 2-element `values` input as a rank-0 tensor.
Value valueAt(NodeContext &n, Value values, int64_t i) {
  SmallVector<int64_t> start = {i}, limit = {i + 1}, stride = {1};
  Value slice = n.create<SliceOp>(values, start, limit, stride);
  return reshapeWithDims(n, slice, {}, {});
}

LogicalResult oneHot(NodeContext &n) {
  Value indices = n.input(0), depthValue = n.input(1), values = n.input(2);
  RankedTensorType valuesType = tensorType(values);
  if (valuesType.getRank() != 1 || valuesType.getDimSize(0) != 2)
    return n.emitError() << "values must be a 1-D tensor of 2 elements, got " << valuesType;
  if (!tensorType(depthValue).hasStaticShape() || tensorType(depthValue).getNumElements() != 1)
    return n.emitError() << "depth must be a scalar or a 1-element tensor, got "
                         << tensorType(depthValue);
  int64_t rank = tensorType(indices).getRank() + 1;
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", -1), rank, n.loc());
  if (failed(axis))
    return failure();

  Type i64 = n.builder().getI64Type();
  int64_t depth = ShapedType::kDynamic;
  if (std::optional<int64_t> d = n.constantInt(1))
    depth = *d;
  else if (std::optional<double> d = n.constantFloat(1))
    depth = static_cast<int64_t>(*d);
  if (!ShapedType::isDynamic(depth) && depth < 0)
    return n.emitError() << "depth must not be negative, got " << depth;
  // Float depths and indices truncate toward zero, as ONNX's cast does.
  Value depthScalar = castTo(n, reshapeWithDims(n, depthValue, {}, {}), i64);
  Value iota = n.create<RangeOp>(RankedTensorType::get({depth}, i64), scalarConstant(n, i64, 0),
                                 depthScalar, scalarConstant(n, i64, 1));
  SmallVector<int64_t> iotaDims(rank, 1), iotaFrom(rank, 0);
  iotaDims[*axis] = depth;
  iota = reshapeWithDims(n, iota, iotaDims, iotaFrom);

  Value index = castTo(n, indices, i64);
  Value negative = n.create<CompareOp>(ComparisonDirection::lt, index, scalarConstant(n, i64, 0));
  index = n.create<WhereOp>(negative, n.create<AddOp>(index, depthScalar), index);
  Value hot = n.create<CompareOp>(ComparisonDirection::eq, unsqueeze(n, index, {*axis}), iota);
  return n.setOutputs(
      {n.create<WhereOp>(hot, valueAt(n, values, 1), valueAt(n, values, 0)).getResult()});
}

} // namespace

void registerEncodingHandlers(HandlerRegistry &r) { r.add("OneHot", 11, oneHot); }

} // namespace strata::onnx

//===- IndexingHandlers.cpp - Multi-dimensional indexing ------------------===//
//
// GatherElements, which maps to `graph.gather_elements`, and GatherND,
// rewritten as one `graph.gather`: the indexed dimensions of `data` (with the
// batch dimensions in front of them) are flattened into one, and the index
// tuples become linear indices into it. Dimension sizes come from
// `graph.shape_of`, so dynamic shapes work; the arithmetic folds when they are
// static.
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

/// The most batch entries GatherND's offsets are built for as a constant
/// (64 MiB of int64).
constexpr int64_t kMaxBatchEntries = int64_t(1) << 23;

/// The product of dimensions `begin..end` of `v` as a rank-0 i64 tensor.
Value dimProduct(NodeContext &n, Value v, int64_t begin, int64_t end) {
  auto scalar = RankedTensorType::get({}, n.builder().getI64Type());
  Value product = scalarConstant(n, n.builder().getI64Type(), 1);
  for (int64_t d = begin; d < end; ++d) {
    Value size = n.create<ReshapeOp>(scalar, shapeSlice(n, v, d, d + 1), Value());
    product = n.create<MulOp>(product, size);
  }
  return product;
}

LogicalResult gatherElements(NodeContext &n) {
  Value data = n.input(0), indices = n.input(1);
  RankedTensorType dt = tensorType(data);
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", 0), dt.getRank(), n.loc());
  if (failed(axis) || failed(inferGatherElementsShape(dt.getShape(), tensorType(indices).getShape(),
                                                      *axis, n.loc())))
    return failure();
  return n.setOutputs({n.create<GatherElementsOp>(data, indices, *axis).getResult()});
}

LogicalResult gatherND(NodeContext &n) {
  Value data = n.input(0), indices = n.input(1);
  RankedTensorType dt = tensorType(data), it = tensorType(indices);
  int64_t batchDims = n.intAttr("batch_dims", 0);
  int64_t dataRank = dt.getRank(), indexRank = it.getRank();
  if (indexRank < 1 || batchDims < 0 || batchDims >= std::min(dataRank, indexRank))
    return n.emitError() << "batch_dims " << batchDims << " is invalid for data " << dt
                         << " and indices " << it;
  int64_t depth = it.getDimSize(indexRank - 1);
  if (ShapedType::isDynamic(depth))
    return n.unsupported("GatherND with a dynamic index tuple length");
  if (depth < 1 || depth > dataRank - batchDims)
    return n.emitError() << "index tuples of length " << depth << " do not fit data " << dt
                         << " after " << batchDims << " batch dimensions";
  Type i64 = n.builder().getI64Type();
  Value idx = castTo(n, indices, i64);

  // Negative indices count from the end of their own dimension: normalise them
  // before they are mixed into one linear index.
  Value sizes = shapeSlice(n, data, batchDims, batchDims + depth);
  Value isNegative = n.create<CompareOp>(ComparisonDirection::lt, idx, scalarConstant(n, i64, 0));
  idx = n.create<WhereOp>(isNegative, n.create<AddOp>(idx, sizes), idx);

  // Row-major strides of the indexed dimensions, then the dot product with
  // them.
  SmallVector<Value> strides;
  for (int64_t c = 0; c < depth; ++c)
    strides.push_back(unsqueeze(n, dimProduct(n, data, batchDims + c + 1, batchDims + depth), {0}));
  Value strideVector = depth == 1
                           ? strides.front()
                           : n.create<ConcatOp>(strides, static_cast<int64_t>(0)).getResult();
  Value weighted = n.create<MulOp>(idx, strideVector);
  SmallVector<int64_t> linearDims(it.getShape().drop_back());
  Value linear = n.create<ReduceOp>(RankedTensorType::get(linearDims, i64), ReductionKind::sum,
                                    weighted, Value(), ArrayRef<int64_t>{indexRank - 1}, false);

  if (batchDims > 0) {
    // Offset each batch entry by its position among the flattened batch
    // dimensions times the size of the indexed block.
    ArrayRef<int64_t> batchShape = it.getShape().take_front(batchDims);
    if (llvm::any_of(batchShape, ShapedType::isDynamic))
      return n.unsupported("GatherND with batch_dims > 0 and dynamic batch dimensions");
    int64_t batchCount = 1;
    for (int64_t d : batchShape)
      if (llvm::MulOverflow(batchCount, d, batchCount) || batchCount > kMaxBatchEntries)
        return n.unsupported("GatherND with batch_dims > 0 and more than 2^23 batch entries");
    SmallVector<int64_t> iota(batchCount);
    for (int64_t i = 0; i < batchCount; ++i)
      iota[i] = i;
    SmallVector<int64_t> iotaShape(batchShape);
    iotaShape.append(indexRank - 1 - batchDims, 1);
    auto iotaType = RankedTensorType::get(iotaShape, i64);
    Value batchIndex = n.create<ConstantOp>(
        cast<ElementsAttr>(DenseElementsAttr::get(iotaType, ArrayRef<int64_t>(iota))));
    Value block = dimProduct(n, data, batchDims, batchDims + depth);
    linear = n.create<AddOp>(linear, n.create<MulOp>(batchIndex, block));
  }

  // data [b..., d_1..d_depth, rest...] -> [b * d_1 * ... * d_depth, rest...].
  SmallVector<int64_t> flatDims = {ShapedType::kDynamic}, flatFrom = {-1};
  int64_t flatSize = 1;
  for (int64_t d = 0; d < batchDims + depth; ++d)
    flatSize = dt.isDynamicDim(d) || ShapedType::isDynamic(flatSize) ? ShapedType::kDynamic
                                                                     : flatSize * dt.getDimSize(d);
  flatDims.front() = flatSize;
  for (int64_t d = batchDims + depth; d < dataRank; ++d) {
    flatDims.push_back(dt.getDimSize(d));
    flatFrom.push_back(d);
  }
  Value flat = reshapeWithDims(n, data, flatDims, flatFrom);
  return n.setOutputs({n.create<GatherOp>(flat, linear, static_cast<int64_t>(0)).getResult()});
}

} // namespace

void registerIndexingHandlers(HandlerRegistry &r) {
  r.add("GatherElements", 11, gatherElements);
  r.add("GatherND", 11, gatherND);
}

} // namespace strata::onnx

//===- ContribQuantHandlers.cpp - onnxruntime's weight-only quantisation --===//
//
// com.microsoft.MatMulNBits, the int4/int8 weight-only matrix product that
// onnxruntime-genai's model builder and onnxruntime's quantisers write: the
// packed weights become the operand of `graph.matmul_nbits` as they are (they
// stay packed in the weights file), with the scales and zero points reshaped
// to one row per output feature.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"

#include "dialects/graph/TypeInference.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

/// `v` (`[rows * columns]` or `[rows, columns]`) as `[rows, columns]`.
FailureOr<Value> asRows(NodeContext &n, Value v, int64_t rows, int64_t columns, StringRef what) {
  RankedTensorType t = tensorType(v);
  bool flat = t.getRank() == 1 && areCompatibleDims(t.getDimSize(0), rows * columns);
  bool matrix = t.getRank() == 2 && areCompatibleDims(t.getDimSize(0), rows) &&
                areCompatibleDims(t.getDimSize(1), columns);
  if (!flat && !matrix)
    return n.emitError() << what << " must be [" << rows * columns << "] or [" << rows << ", "
                         << columns << "], got " << t;
  return reshapeWithDims(n, v, {rows, columns}, {-2, -2});
}

LogicalResult matMulNBits(NodeContext &n) {
  if (n.hasInput(4))
    return n.unsupported("MatMulNBits with g_idx (act-order group indices)");
  int64_t k = n.intAttr("K", 0), outputs = n.intAttr("N", 0), bits = n.intAttr("bits", 4),
          blockSize = n.intAttr("block_size", 0);
  if (k <= 0 || outputs <= 0 || blockSize <= 0)
    return n.emitError() << "K (" << k << "), N (" << outputs << ") and block_size (" << blockSize
                         << ") must be positive";
  if (bits != 2 && bits != 4 && bits != 8)
    return n.unsupported("MatMulNBits with bits = " + std::to_string(bits) +
                         " (2, 4 and 8 are supported)");
  Value a = n.input(0), weights = n.input(1);
  if (tensorType(a).getRank() < 1 || !areCompatibleDims(tensorType(a).getShape().back(), k))
    return n.emitError() << "input A must end in K = " << k << ", got " << tensorType(a);
  int64_t blocks = (k + blockSize - 1) / blockSize;
  RankedTensorType wt = tensorType(weights);
  if (!wt.getElementType().isInteger(8) || wt.getRank() != 3)
    return n.emitError() << "B must be uint8 [N, blocks, block_size * bits / 8], got " << wt;
  FailureOr<Value> scales = asRows(n, n.input(2), outputs, blocks, "scales");
  if (failed(scales))
    return failure();
  if (elementType(*scales) != elementType(a))
    return n.emitError() << "scales must have A's element type";
  Value zeroPoints;
  if (n.hasInput(3)) {
    if (!elementType(n.input(3)).isInteger(8))
      return n.unsupported("MatMulNBits with floating-point zero points");
    FailureOr<Value> packed =
        asRows(n, n.input(3), outputs, (blocks * bits + 7) / 8, "zero_points");
    if (failed(packed))
      return failure();
    zeroPoints = *packed;
  }
  std::optional<ArrayRef<int64_t>> zpShape;
  if (zeroPoints)
    zpShape = tensorType(zeroPoints).getShape();
  if (failed(inferMatMulNBitsShape(tensorType(a).getShape(), wt.getShape(),
                                   tensorType(*scales).getShape(), zpShape, bits, blockSize,
                                   n.loc())))
    return failure();
  OpBuilder &b = n.builder();
  Value y = n.create<MatMulNBitsOp>(a, weights, *scales, zeroPoints, b.getI64IntegerAttr(bits),
                                    b.getI64IntegerAttr(blockSize));
  if (n.hasInput(5)) {
    if (failed(checkElementwiseOperands(n, {y, n.input(5)})))
      return failure();
    y = n.create<AddOp>(y, n.input(5));
  }
  return n.setOutputs({y});
}

} // namespace

void registerContribQuantHandlers(HandlerRegistry &r) {
  r.add("com.microsoft", "MatMulNBits", 1, kLatestOpset, matMulNBits);
}

} // namespace strata::onnx

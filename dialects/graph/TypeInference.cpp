//===- TypeInference.cpp - Shape functions of graph ops -------------------===//
//
// The shape rules behind graph op verifiers and `inferReturnTypes`, also used by
// the ONNX importer to compute the result types it builds.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/TypeInference.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace strata::graph {

static constexpr int64_t kDynamic = ShapedType::kDynamic;

bool areCompatibleDims(int64_t a, int64_t b) { return a == kDynamic || b == kDynamic || a == b; }

std::optional<int64_t> staticElementCount(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d == kDynamic || llvm::MulOverflow(count, d, count))
      return std::nullopt;
  }
  return count;
}

FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank, OptLoc loc) {
  if (axis < -rank || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", rank);
  return axis < 0 ? axis + rank : axis;
}

FailureOr<Shape> inferBroadcastShape(ArrayRef<ArrayRef<int64_t>> shapes, OptLoc loc) {
  size_t rank = 0;
  for (ArrayRef<int64_t> s : shapes)
    rank = std::max(rank, s.size());
  Shape result(rank, 1);
  for (ArrayRef<int64_t> s : shapes) {
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &out = result[rank - s.size() + i];
      int64_t d = s[i];
      if (d == 1)
        continue;
      if (out == 1) {
        out = d;
      } else if (d != kDynamic && out != kDynamic && d != out) {
        return emitOptionalError(loc, "shapes do not broadcast: dimension ", d, " against ", out);
      } else if (out == kDynamic) {
        out = d;
      }
    }
  }
  return result;
}

LogicalResult verifyBroadcastableTo(ArrayRef<int64_t> input, ArrayRef<int64_t> target, OptLoc loc) {
  if (input.size() > target.size())
    return emitOptionalError(loc, "cannot broadcast rank ", input.size(), " to lower rank ",
                             target.size());
  size_t offset = target.size() - input.size();
  for (size_t i = 0; i < input.size(); ++i) {
    int64_t d = input[i], t = target[offset + i];
    if (d != 1 && !areCompatibleDims(d, t))
      return emitOptionalError(loc, "dimension ", i, " of size ", d, " cannot broadcast to ", t);
  }
  return success();
}

FailureOr<Shape> inferTransposeShape(ArrayRef<int64_t> input, ArrayRef<int64_t> permutation,
                                     OptLoc loc) {
  if (permutation.size() != input.size())
    return emitOptionalError(loc, "permutation has ", permutation.size(), " entries for rank ",
                             input.size());
  llvm::SmallVector<bool> seen(input.size(), false);
  Shape result;
  for (int64_t p : permutation) {
    if (p < 0 || p >= static_cast<int64_t>(input.size()) || seen[p])
      return emitOptionalError(loc, "permutation is not a permutation of 0..", input.size() - 1);
    seen[p] = true;
    result.push_back(input[p]);
  }
  return result;
}

FailureOr<Shape> inferSliceShape(ArrayRef<int64_t> input, ArrayRef<int64_t> start,
                                 ArrayRef<int64_t> limit, ArrayRef<int64_t> stride, OptLoc loc) {
  if (start.size() != input.size() || limit.size() != input.size() || stride.size() != input.size())
    return emitOptionalError(loc,
                             "start, limit and stride need one entry per "
                             "dimension (rank ",
                             input.size(), ")");
  Shape result;
  for (size_t i = 0; i < input.size(); ++i) {
    int64_t d = input[i], b = start[i], e = limit[i], s = stride[i];
    if (s == 0)
      return emitOptionalError(loc, "stride of dimension ", i, " is zero");
    if (d == kDynamic) {
      if (b != 0 || e != -1 || s != 1)
        return emitOptionalError(loc, "dynamic dimension ", i,
                                 " can only be kept whole (start 0, limit -1, "
                                 "stride 1)");
      result.push_back(kDynamic);
      continue;
    }
    bool ok = s > 0 ? (0 <= b && b <= e && e <= d) : (-1 <= e && e <= b && b < d);
    if (!ok)
      return emitOptionalError(loc, "slice [", b, ", ", e, ") step ", s, " of dimension ", i,
                               " (size ", d, ") is not normalised");
    int64_t span = s > 0 ? e - b : b - e;
    int64_t step = s > 0 ? s : -s;
    result.push_back((span + step - 1) / step);
  }
  return result;
}

FailureOr<Shape> inferConcatShape(ArrayRef<ArrayRef<int64_t>> inputs, int64_t axis, OptLoc loc) {
  if (inputs.empty())
    return emitOptionalError(loc, "concat needs at least one operand");
  size_t rank = inputs.front().size();
  if (axis < 0 || axis >= static_cast<int64_t>(rank))
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", rank);
  Shape result(inputs.front());
  result[axis] = 0;
  for (ArrayRef<int64_t> s : inputs) {
    if (s.size() != rank)
      return emitOptionalError(loc, "operands have different ranks (", s.size(), " and ", rank,
                               ")");
    for (size_t i = 0; i < rank; ++i) {
      if (static_cast<int64_t>(i) == axis) {
        result[i] = (result[i] == kDynamic || s[i] == kDynamic) ? kDynamic : result[i] + s[i];
        continue;
      }
      if (!areCompatibleDims(result[i], s[i]))
        return emitOptionalError(loc, "operands differ in dimension ", i, " (", result[i], " vs ",
                                 s[i], ")");
      if (result[i] == kDynamic)
        result[i] = s[i];
    }
  }
  return result;
}

FailureOr<SmallVector<Shape>> inferSplitShapes(ArrayRef<int64_t> input, int64_t axis,
                                               ArrayRef<int64_t> sizes, OptLoc loc) {
  if (axis < 0 || axis >= static_cast<int64_t>(input.size()))
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", input.size());
  int64_t total = 0;
  SmallVector<Shape> results;
  for (int64_t size : sizes) {
    if (size < 0)
      return emitOptionalError(loc, "split size ", size, " is negative");
    total += size;
    Shape s(input);
    s[axis] = size;
    results.push_back(s);
  }
  if (input[axis] != kDynamic && total != input[axis])
    return emitOptionalError(loc, "split sizes add up to ", total, " but the dimension is ",
                             input[axis]);
  return results;
}

FailureOr<Shape> inferGatherShape(ArrayRef<int64_t> input, ArrayRef<int64_t> indices, int64_t axis,
                                  OptLoc loc) {
  if (input.empty())
    return emitOptionalError(loc, "cannot gather from a rank-0 tensor");
  if (axis < 0 || axis >= static_cast<int64_t>(input.size()))
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", input.size());
  Shape result(input.begin(), input.begin() + axis);
  result.append(indices.begin(), indices.end());
  result.append(input.begin() + axis + 1, input.end());
  return result;
}

FailureOr<Shape> inferGatherElementsShape(ArrayRef<int64_t> input, ArrayRef<int64_t> indices,
                                          int64_t axis, OptLoc loc) {
  if (input.empty())
    return emitOptionalError(loc, "cannot gather from a rank-0 tensor");
  if (indices.size() != input.size())
    return emitOptionalError(loc, "indices have rank ", indices.size(), ", the input has rank ",
                             input.size());
  if (axis < 0 || axis >= static_cast<int64_t>(input.size()))
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", input.size());
  for (size_t i = 0; i < input.size(); ++i) {
    int64_t d = input[i], k = indices[i];
    if (static_cast<int64_t>(i) != axis && d != kDynamic && k != kDynamic && k > d)
      return emitOptionalError(loc, "indices dimension ", i, " of size ", k,
                               " exceeds the input's ", d);
  }
  return Shape(indices);
}

FailureOr<Shape> inferReduceShape(ArrayRef<int64_t> input, ArrayRef<int64_t> axes, bool keepDims,
                                  OptLoc loc) {
  int64_t previous = -1;
  for (int64_t a : axes) {
    if (a <= previous || a >= static_cast<int64_t>(input.size()))
      return emitOptionalError(loc,
                               "reduction axes must be ascending, unique and "
                               "below the rank ",
                               input.size());
    previous = a;
  }
  Shape result;
  for (int64_t i = 0, e = input.size(); i < e; ++i) {
    if (!llvm::is_contained(axes, i))
      result.push_back(input[i]);
    else if (keepDims)
      result.push_back(1);
  }
  return result;
}

FailureOr<Shape> inferMatMulShape(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs, bool transposeLhs,
                                  bool transposeRhs, OptLoc loc) {
  if (lhs.size() < 2 || rhs.size() < 2)
    return emitOptionalError(loc, "matmul operands need rank >= 2 (got ", lhs.size(), " and ",
                             rhs.size(), ")");
  int64_t m = lhs[lhs.size() - (transposeLhs ? 1 : 2)];
  int64_t kl = lhs[lhs.size() - (transposeLhs ? 2 : 1)];
  int64_t kr = rhs[rhs.size() - (transposeRhs ? 1 : 2)];
  int64_t n = rhs[rhs.size() - (transposeRhs ? 2 : 1)];
  if (!areCompatibleDims(kl, kr))
    return emitOptionalError(loc, "contracting dimensions differ: ", kl, " vs ", kr);
  ArrayRef<int64_t> shapes[] = {lhs.drop_back(2), rhs.drop_back(2)};
  FailureOr<Shape> batch = inferBroadcastShape(shapes, loc);
  if (failed(batch))
    return failure();
  Shape result = *batch;
  result.push_back(m);
  result.push_back(n);
  return result;
}

FailureOr<Shape> inferMatMulNBitsShape(ArrayRef<int64_t> lhs, ArrayRef<int64_t> weights,
                                       ArrayRef<int64_t> scales,
                                       std::optional<ArrayRef<int64_t>> zeroPoints, int64_t bits,
                                       int64_t blockSize, OptLoc loc) {
  if (bits != 2 && bits != 4 && bits != 8)
    return emitOptionalError(loc, "bits must be 2, 4 or 8, got ", bits);
  int64_t perByte = 8 / bits;
  if (blockSize < perByte || !llvm::isPowerOf2_64(blockSize))
    return emitOptionalError(loc, "block_size must be a power of two of at least ", perByte,
                             ", got ", blockSize);
  if (lhs.empty() || weights.size() != 3 || scales.size() != 2)
    return emitOptionalError(loc, "matmul_nbits takes lhs [..., K], weights [N, blocks, "
                                  "bytes per block] and scales [N, blocks]");
  int64_t n = weights[0], blocks = weights[1], k = lhs.back();
  if (!areCompatibleDims(weights[2], blockSize / perByte))
    return emitOptionalError(loc, "weights hold ", weights[2], " bytes per block; ", blockSize,
                             " values of ", bits, " bits take ", blockSize / perByte);
  if (!areCompatibleDims(scales[0], n) || !areCompatibleDims(scales[1], blocks))
    return emitOptionalError(loc, "scales must be [N, blocks] = [", n, ", ", blocks, "]");
  if (zeroPoints) {
    int64_t bytes =
        ShapedType::isDynamic(blocks) ? ShapedType::kDynamic : (blocks + perByte - 1) / perByte;
    if (zeroPoints->size() != 2 || !areCompatibleDims((*zeroPoints)[0], n) ||
        !areCompatibleDims((*zeroPoints)[1], bytes))
      return emitOptionalError(loc, "zero_points must be [N, ceil(blocks * bits / 8)]");
  }
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(blocks) &&
      (k > blocks * blockSize || k <= (blocks - 1) * blockSize))
    return emitOptionalError(loc, "lhs has K = ", k, ", which ", blocks, " blocks of ", blockSize,
                             " do not fit exactly");
  Shape result(lhs);
  result.back() = n;
  return result;
}

FailureOr<Shape> inferConvShape(ArrayRef<int64_t> input, ArrayRef<int64_t> filter,
                                ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                                ArrayRef<int64_t> pads, int64_t group, OptLoc loc) {
  size_t spatial = input.size() < 3 ? 0 : input.size() - 2;
  if (spatial == 0 || filter.size() != input.size())
    return emitOptionalError(loc,
                             "conv takes input [N, C, spatial...] and filter [F, C / group, "
                             "kernel...] of the same rank >= 3 (got ",
                             input.size(), " and ", filter.size(), ")");
  if (strides.size() != spatial || dilations.size() != spatial || pads.size() != 2 * spatial)
    return emitOptionalError(loc, "conv of ", spatial, " spatial dimensions takes ", spatial,
                             " strides and dilations and ", 2 * spatial, " pads");
  if (group < 1 || llvm::any_of(strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }) ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitOptionalError(loc, "conv needs a positive group, strides and dilations and pads "
                                  ">= 0");
  int64_t filters = filter[0], channels = input[1];
  if (ShapedType::isDynamic(filters) || ShapedType::isDynamic(filter[1]) ||
      llvm::any_of(filter.drop_front(2), ShapedType::isDynamic))
    return emitOptionalError(loc, "conv needs a static filter");
  if (filters % group != 0 || (!ShapedType::isDynamic(channels) && channels != filter[1] * group))
    return emitOptionalError(loc, "conv with ", group, " groups of ", filter[1],
                             " channels does not fit input channels ", channels, " and ", filters,
                             " filters");
  Shape result = {input[0], filters};
  for (size_t i = 0; i < spatial; ++i) {
    int64_t x = input[2 + i];
    if (ShapedType::isDynamic(x)) {
      result.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t span = x + pads[i] + pads[spatial + i] - dilations[i] * (filter[2 + i] - 1) - 1;
    if (span < 0)
      return emitOptionalError(loc, "conv kernel ", filter[2 + i], " (dilation ", dilations[i],
                               ") is larger than the padded input ", x);
    result.push_back(span / strides[i] + 1);
  }
  return result;
}

FailureOr<Shape> inferNormStatsShape(ArrayRef<int64_t> input, int64_t axis, OptLoc loc) {
  if (axis < 0 || axis >= static_cast<int64_t>(input.size()))
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", input.size());
  Shape result(input);
  for (size_t i = axis; i < input.size(); ++i)
    result[i] = 1;
  return result;
}

FailureOr<SliceBounds> normalizeOnnxSlice(ArrayRef<int64_t> shape, ArrayRef<int64_t> starts,
                                          ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
                                          ArrayRef<int64_t> steps, OptLoc loc) {
  int64_t rank = shape.size();
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    return emitOptionalError(loc, "starts, ends, axes and steps differ in length");
  SliceBounds b;
  b.start.assign(rank, 0);
  b.limit.assign(shape.begin(), shape.end());
  b.stride.assign(rank, 1);
  for (int64_t i = 0; i < rank; ++i)
    if (shape[i] == kDynamic)
      b.limit[i] = -1;
  llvm::SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank || seen[axis])
      return emitOptionalError(loc, "slice axis ", axes[i], " is out of range or repeated");
    seen[axis] = true;
    int64_t step = steps[i];
    if (step == 0)
      return emitOptionalError(loc, "slice step is zero");
    int64_t d = shape[axis];
    if (d == kDynamic)
      return emitOptionalError(loc, "slice of dynamic dimension ", axis, " needs run-time bounds");
    int64_t s = starts[i] < 0 ? starts[i] + d : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + d : ends[i];
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, d);
      e = std::max(s, std::clamp<int64_t>(e, 0, d));
    } else {
      // ONNX clamps the start to [0, d - 1]; an empty dimension has no such
      // index, and its slice starts at -1 and selects nothing.
      s = d == 0 ? -1 : std::clamp<int64_t>(s, 0, d - 1);
      e = std::min(s, std::clamp<int64_t>(e, -1, d - 1));
    }
    b.start[axis] = s;
    b.limit[axis] = e;
    b.stride[axis] = step;
  }
  return b;
}

} // namespace strata::graph

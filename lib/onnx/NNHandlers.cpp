//===- NNHandlers.cpp - Contractions and normalisations -------------------===//
//
// MatMul (with ONNX's 1-D promotion), Gemm, Einsum, LayerNormalization,
// RMSNormalization, Dropout, and Conv of any spatial rank: the non-overlapping
// patch embedding of vision transformers (kernel == stride) as a matmul, the
// rest (the 1-D audio front ends of speech encoders, ...) as `graph.conv`.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/BuilderUtils.h"
#include "lib/onnx/HandlerRegistry.h"

#include "dialects/graph/TypeInference.h"

using namespace mlir;
using namespace strata::graph;

namespace strata::onnx {
namespace {

LogicalResult matmul(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  if (elementType(a) != elementType(b))
    return n.emitError() << "inputs have different element types";
  int64_t ra = tensorType(a).getRank(), rb = tensorType(b).getRank();
  if (ra == 0 || rb == 0)
    return n.emitError() << "MatMul inputs must have rank >= 1";
  if (ra == 1)
    a = unsqueeze(n, a, {0});
  if (rb == 1)
    b = unsqueeze(n, b, {1});
  if (failed(inferMatMulShape(tensorType(a).getShape(), tensorType(b).getShape(), false, false,
                              n.loc())))
    return failure();
  Value y = n.create<MatMulOp>(a, b, false, false);
  int64_t ry = tensorType(y).getRank();
  if (ra == 1 && rb == 1)
    y = squeeze(n, y, {ry - 2, ry - 1});
  else if (ra == 1)
    y = squeeze(n, y, {ry - 2});
  else if (rb == 1)
    y = squeeze(n, y, {ry - 1});
  return n.setOutputs({y});
}

LogicalResult gemm(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  if (tensorType(a).getRank() != 2 || tensorType(b).getRank() != 2)
    return n.emitError() << "Gemm inputs A and B must be 2-D";
  bool ta = n.intAttr("transA", 0) != 0, tb = n.intAttr("transB", 0) != 0;
  if (failed(inferMatMulShape(tensorType(a).getShape(), tensorType(b).getShape(), ta, tb, n.loc())))
    return failure();
  Value y = n.create<MatMulOp>(a, b, ta, tb);
  float alpha = n.floatAttr("alpha", 1), beta = n.floatAttr("beta", 1);
  if (alpha != 1)
    y = n.create<MulOp>(y, scalarLike(n, y, alpha));
  if (n.hasInput(2)) {
    Value c = n.input(2);
    if (failed(checkElementwiseOperands(n, {y, c})))
      return failure();
    if (beta != 1)
      c = n.create<MulOp>(c, scalarLike(n, c, beta));
    y = n.create<AddOp>(y, c);
  }
  return n.setOutputs({y});
}

/// Rewrites an ONNX einsum equation (spaces removed) into the explicit form the
/// graph op takes. An ellipsis stands for the dimensions of its operand that no
/// letter names; those align from the right across operands (numpy
/// broadcasting), so they become fresh letters, the last ones for an operand
/// with fewer such dimensions. Without `->`, the result is the ellipsis
/// dimensions followed by the letters that occur once, in alphabetical order.
FailureOr<std::string> explicitEinsumEquation(NodeContext &n, StringRef equation,
                                              ValueRange inputs) {
  auto [lhs, rhs] = equation.split("->");
  bool hasArrow = lhs.size() != equation.size();
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != inputs.size())
    return n.emitError() << "equation '" << equation << "' names " << terms.size()
                         << " inputs, the node has " << inputs.size();
  SmallVector<int64_t> ellipsisRanks;
  int64_t ellipsisRank = 0;
  for (auto [term, v] : llvm::zip(terms, inputs)) {
    size_t at = term.find("...");
    if (at == StringRef::npos) {
      ellipsisRanks.push_back(-1);
      continue;
    }
    if (term.find("...", at + 3) != StringRef::npos)
      return n.emitError() << "subscripts '" << term << "' have more than one ellipsis";
    int64_t rank = tensorType(v).getRank() - static_cast<int64_t>(term.size() - 3);
    if (rank < 0)
      return n.emitError() << "subscripts '" << term << "' name more dimensions than "
                           << "the input's rank " << tensorType(v).getRank();
    ellipsisRanks.push_back(rank);
    ellipsisRank = std::max(ellipsisRank, rank);
  }
  std::string fresh;
  for (char c : StringRef("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")) {
    if (static_cast<int64_t>(fresh.size()) == ellipsisRank)
      break;
    if (equation.find(c) == StringRef::npos)
      fresh += c;
  }
  if (static_cast<int64_t>(fresh.size()) < ellipsisRank)
    return n.unsupported("Einsum whose ellipsis covers more dimensions than there "
                         "are unused letters");
  auto expand = [&](StringRef term, int64_t rank) {
    size_t at = term.find("...");
    if (at == StringRef::npos)
      return term.str();
    return (term.take_front(at) + StringRef(fresh).take_back(rank) + term.drop_front(at + 3)).str();
  };
  std::string result;
  for (auto [i, term] : llvm::enumerate(terms))
    result += (i ? "," : "") + expand(term, ellipsisRanks[i]);
  result += "->";
  if (hasArrow)
    return result + expand(rhs, ellipsisRank);
  std::map<char, int> counts;
  for (char c : lhs)
    if (std::isalpha(static_cast<unsigned char>(c)))
      ++counts[c];
  result += fresh;
  for (auto [c, count] : counts)
    if (count == 1)
      result += c;
  return result;
}

/// ONNX allows an implicit output ("ij,jk") and ellipses; the graph op takes the
/// explicit form without ellipses.
LogicalResult einsum(NodeContext &n) {
  std::string written;
  for (char c : n.stringAttr("equation", ""))
    if (c != ' ')
      written += c;
  SmallVector<Value> inputs;
  for (int64_t i = 0; i < n.numInputs(); ++i)
    inputs.push_back(n.input(i));
  FailureOr<std::string> equation = explicitEinsumEquation(n, written, inputs);
  if (failed(equation))
    return failure();
  auto [lhs, rhs] = StringRef(*equation).split("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  std::map<char, int64_t> sizes;
  for (auto [term, v] : llvm::zip(terms, inputs)) {
    ArrayRef<int64_t> shape = tensorType(v).getShape();
    if (term.size() != shape.size())
      return n.emitError() << "subscripts '" << term << "' do not match rank " << shape.size();
    for (auto [c, d] : llvm::zip(term, shape))
      if (!sizes.count(c) || sizes[c] == 1)
        sizes[c] = d;
  }
  SmallVector<int64_t> dims;
  for (char c : rhs) {
    if (!sizes.count(c))
      return n.emitError() << "output subscript '" << c << "' names no input dimension";
    dims.push_back(sizes[c]);
  }
  auto result = RankedTensorType::get(dims, elementType(inputs.front()));
  return n.setOutputs({n.create<EinsumOp>(result, inputs, *equation).getResult()});
}

LogicalResult layerNorm(NodeContext &n) {
  Value x = n.input(0);
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", -1), tensorType(x).getRank(), n.loc());
  if (failed(axis))
    return failure();
  auto op = n.create<LayerNormOp>(x, n.input(1), n.input(2), n.builder().getI64IntegerAttr(*axis),
                                  n.builder().getF32FloatAttr(n.floatAttr("epsilon", 1e-5f)));
  return n.setOutputs(op.getResults());
}

LogicalResult rmsNorm(NodeContext &n) {
  Value x = n.input(0);
  FailureOr<int64_t> axis = normalizeAxis(n.intAttr("axis", -1), tensorType(x).getRank(), n.loc());
  if (failed(axis))
    return failure();
  return n.setOutputs(
      {n.create<RMSNormOp>(x, n.input(1), n.builder().getI64IntegerAttr(*axis),
                           n.builder().getF32FloatAttr(n.floatAttr("epsilon", 1e-5f)))
           .getResult()});
}

LogicalResult dropout(NodeContext &n) {
  Value x = n.input(0);
  RankedTensorType in = tensorType(x);
  float ratio = n.floatAttr("ratio", 0.5f);
  Value ratioValue, trainingValue;
  if (n.hasInput(1)) {
    if (std::optional<double> r = n.constantFloat(1))
      ratio = *r;
    else
      ratioValue = n.input(1);
  }
  bool training = false;
  if (n.hasInput(2)) {
    if (std::optional<int64_t> t = n.constantInt(2))
      training = *t != 0;
    else
      trainingValue = n.input(2);
  }
  IntegerAttr seed;
  if (n.hasAttr("seed"))
    seed = n.builder().getI64IntegerAttr(n.intAttr("seed", 0));
  auto op = n.create<DropoutOp>(TypeRange{in, in.clone(n.builder().getI1Type())}, x, ratioValue,
                                trainingValue, n.builder().getF32FloatAttr(ratio),
                                n.builder().getBoolAttr(training), seed);
  return n.setOutputs(op.getResults());
}

/// Conv with kernel == stride, no padding, dilation 1 and one group on a 2-D
/// input with static channels and sizes (the patch embedding of vision
/// transformers): every output pixel sees one disjoint patch, so the
/// convolution is a matmul over flattened patches.
bool isPatchEmbedding(RankedTensorType xt, RankedTensorType wt, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations, int64_t group) {
  return xt.getRank() == 4 && wt.getRank() == 4 && wt.hasStaticShape() && group == 1 &&
         !xt.isDynamicDim(1) && !xt.isDynamicDim(2) && !xt.isDynamicDim(3) &&
         xt.getDimSize(1) == wt.getDimSize(1) &&
         strides == ArrayRef<int64_t>{wt.getDimSize(2), wt.getDimSize(3)} &&
         llvm::all_of(pads, [](int64_t p) { return p == 0; }) &&
         llvm::all_of(dilations, [](int64_t d) { return d == 1; }) &&
         xt.getDimSize(2) % wt.getDimSize(2) == 0 && xt.getDimSize(3) % wt.getDimSize(3) == 0;
}

Value patchEmbedding(NodeContext &n, Value x, Value w) {
  RankedTensorType xt = tensorType(x), wt = tensorType(w);
  int64_t cout = wt.getDimSize(0), cin = wt.getDimSize(1), kh = wt.getDimSize(2),
          kw = wt.getDimSize(3);
  int64_t h = xt.getDimSize(2) / kh, wd = xt.getDimSize(3) / kw;
  int64_t batch = xt.getDimSize(0);
  // [N, C, H*kh, W*kw] -> [N, C, H, kh, W, kw] -> [N, H, W, C, kh, kw] -> [N*H*W, C*kh*kw]
  Value p = reshapeWithDims(n, x, {batch, cin, h, kh, wd, kw}, {0, 1, -2, -2, -2, -2});
  p = n.create<TransposeOp>(p, ArrayRef<int64_t>{0, 2, 4, 1, 3, 5});
  p = reshapeWithDims(n, p, {batch, h * wd, cin * kh * kw}, {0, -2, -2});
  Value kernel = reshapeWithDims(n, w, {cout, cin * kh * kw}, {0, 1});
  Value y = n.create<MatMulOp>(p, unsqueeze(n, kernel, {0}), false, true);
  y = n.create<TransposeOp>(y, ArrayRef<int64_t>{0, 2, 1});
  return reshapeWithDims(n, y, {batch, cout, h, wd}, {0, 1, -2, -2});
}

/// Conv of any spatial rank (1-D audio front ends, 2-D patch embeddings,
/// 3-D), with groups, strides, dilations and explicit or `SAME_*` padding.
/// The patch-embedding form becomes a matmul, the rest `graph.conv`; the bias
/// is added per output channel.
LogicalResult conv(NodeContext &n) {
  Value x = n.input(0), w = n.input(1);
  RankedTensorType xt = tensorType(x), wt = tensorType(w);
  int64_t spatial = xt.getRank() - 2;
  if (spatial < 1 || wt.getRank() != xt.getRank())
    return n.emitError() << "X must be [N, C, spatial...] and W [M, C / group, kernel...] of the "
                            "same rank >= 3, got "
                         << xt << " and " << wt;
  if (!wt.hasStaticShape())
    return n.unsupported("Conv with a kernel of dynamic shape");
  if (elementType(x) != elementType(w))
    return n.emitError() << "X and W have different element types";
  SmallVector<int64_t> ones(spatial, 1);
  SmallVector<int64_t> strides = n.intsAttr("strides").value_or(ones);
  SmallVector<int64_t> dilations = n.intsAttr("dilations").value_or(ones);
  SmallVector<int64_t> pads = n.intsAttr("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
  int64_t group = n.intAttr("group", 1);
  if (static_cast<int64_t>(strides.size()) != spatial ||
      static_cast<int64_t>(dilations.size()) != spatial ||
      static_cast<int64_t>(pads.size()) != 2 * spatial)
    return n.emitError() << "strides and dilations need " << spatial << " entries and pads "
                         << 2 * spatial;
  auto positive = [](ArrayRef<int64_t> values) {
    return llvm::all_of(values, [](int64_t v) { return v >= 1; });
  };
  if (!positive(strides) || !positive(dilations))
    return n.emitError() << "strides and dilations must be at least 1";
  if (std::optional<SmallVector<int64_t>> kernel = n.intsAttr("kernel_shape"))
    if (ArrayRef<int64_t>(*kernel) != wt.getShape().drop_front(2))
      return n.emitError() << "kernel_shape does not match W " << wt;
  std::string autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    pads.assign(2 * spatial, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    // Output size ceil(x / stride); the odd pad goes last (upper) or first.
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t size = xt.getDimSize(2 + i);
      if (ShapedType::isDynamic(size))
        return n.unsupported("Conv with auto_pad " + autoPad + " over a dynamic spatial size");
      int64_t out = (size + strides[i] - 1) / strides[i];
      int64_t total = std::max<int64_t>(
          0, (out - 1) * strides[i] + dilations[i] * (wt.getDimSize(2 + i) - 1) + 1 - size);
      int64_t small = total / 2, large = total - small;
      pads[i] = autoPad == "SAME_UPPER" ? small : large;
      pads[spatial + i] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad != "NOTSET") {
    return n.emitError() << "unknown auto_pad '" << autoPad << "'";
  }
  Value y;
  if (isPatchEmbedding(xt, wt, strides, pads, dilations, group)) {
    y = patchEmbedding(n, x, w);
  } else {
    if (failed(
            inferConvShape(xt.getShape(), wt.getShape(), strides, dilations, pads, group, n.loc())))
      return failure();
    OpBuilder &b = n.builder();
    y = n.create<ConvOp>(x, w, b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(dilations),
                         b.getDenseI64ArrayAttr(pads), b.getI64IntegerAttr(group));
  }
  if (n.hasInput(2)) {
    Value bias = n.input(2);
    if (tensorType(bias).getRank() != 1)
      return n.emitError() << "Conv bias B must be 1-D [M], got " << tensorType(bias);
    SmallVector<int64_t> axes(spatial);
    for (int64_t i = 0; i < spatial; ++i)
      axes[i] = 1 + i;
    bias = unsqueeze(n, bias, axes);
    if (failed(checkElementwiseOperands(n, {y, bias})))
      return failure();
    y = n.create<AddOp>(y, bias);
  }
  return n.setOutputs({y});
}

} // namespace

void registerNNHandlers(HandlerRegistry &r) {
  r.add("MatMul", 1, matmul);
  // Gemm-6 broadcast C only with the `broadcast` attribute.
  r.add("Gemm", 7, gemm);
  r.add("Einsum", 12, einsum);
  r.add("LayerNormalization", 17, layerNorm);
  r.add("RMSNormalization", 23, rmsNorm);
  // Dropout's mask is boolean from opset 10 on.
  r.add("Dropout", 10, dropout);
  r.add("Conv", 1, conv);
}

} // namespace strata::onnx

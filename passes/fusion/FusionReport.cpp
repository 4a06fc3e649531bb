//===- FusionReport.cpp - Kernels and bytes before and after fusion -------===//

#include "passes/fusion/FusionReport.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Regex.h"

#include <map>

using namespace mlir;

namespace strata {

namespace {

/// The layer number a weight or node name holds, such as 3 in
/// `model.transformer.h.3.attn.c_attn.weight` or `/model/layers.3/mlp/Add`.
std::optional<int64_t> layerIn(StringRef name) {
  static const llvm::Regex pattern("(^|[./_])(h|layers?|blocks?)[._]([0-9]+)([./_]|$)");
  SmallVector<StringRef> groups;
  int64_t layer;
  if (!pattern.match(name, &groups) || groups[3].getAsInteger(10, layer))
    return std::nullopt;
  return layer;
}

/// The layer named by `group`'s weights or else by its ops' locations;
/// outside layers (an empty layer) when it reads weights that name none;
/// nothing when it says nothing.
std::optional<std::optional<int64_t>> layerOf(graph::FusionGroupOp group) {
  bool readsWeights = false;
  std::optional<int64_t> fromWeights, fromLocations;
  group.walk([&](Operation *op) {
    for (Value operand : op->getOperands())
      if (auto load = operand.getDefiningOp<ml_program::GlobalLoadConstOp>()) {
        readsWeights = true;
        if (!fromWeights)
          fromWeights = layerIn(load.getGlobal().getLeafReference());
      }
    if (auto name = dyn_cast<NameLoc>(op->getLoc()); name && !fromLocations)
      fromLocations = layerIn(name.getName());
  });
  if (fromWeights)
    return std::optional<std::optional<int64_t>>(fromWeights);
  if (fromLocations)
    return std::optional<std::optional<int64_t>>(fromLocations);
  if (readsWeights)
    return std::optional<std::optional<int64_t>>(std::nullopt);
  return std::nullopt;
}

/// The bytes of `value`, or nothing when its type has a dynamic size.
std::optional<int64_t> bytesOf(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  return type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
}

void addBytes(FusionFigures &figures, int64_t &total, std::optional<int64_t> bytes) {
  if (bytes)
    total += *bytes;
  else
    figures.sized = false;
}

FusionFigures measureGroup(graph::FusionGroupOp group) {
  FusionFigures figures;
  figures.kernelsAfter = 1;
  // Each operand from outside the group, with the bytes the ops reading it
  // read in all, when their costs say: none reads more of it than that (a
  // gather reads only its rows of a table, an embedding's 154 MB).
  llvm::MapVector<Value, std::optional<int64_t>> read;
  group.getBody().walk([&](Operation *op) {
    std::optional<int64_t> opReads;
    auto fusion = dyn_cast<graph::FusionOpInterface>(op);
    if (fusion && fusion.getFusionKind()) {
      FailureOr<graph::OpCost> cost = cast<graph::CostOpInterface>(op).getStaticCost();
      if (failed(cost)) {
        ++figures.kernelsBefore;
        figures.sized = false;
      } else {
        figures.kernelsBefore += cost->unfusedKernels;
        figures.bytesBefore +=
            cost->bytesRead + cost->bytesWritten + cost->unfusedIntermediateBytes;
        opReads = cost->bytesRead;
      }
    }
    for (Value operand : op->getOperands()) {
      if (group->isAncestor(operand.getParentBlock()->getParentOp()))
        continue;
      auto [entry, first] = read.try_emplace(operand, opReads);
      if (!first)
        entry->second = entry->second && opReads ? std::optional<int64_t>(*entry->second + *opReads)
                                                 : std::nullopt;
    }
  });
  for (auto &[operand, reads] : read) {
    std::optional<int64_t> bytes = bytesOf(operand);
    addBytes(figures, figures.bytesAfter, bytes && reads ? std::min(*bytes, *reads) : bytes);
  }
  for (Value result : group.getResults())
    addBytes(figures, figures.bytesAfter, bytesOf(result));
  return figures;
}

void accumulate(FusionFigures &into, const FusionFigures &figures) {
  into.kernelsBefore += figures.kernelsBefore;
  into.kernelsAfter += figures.kernelsAfter;
  into.bytesBefore += figures.bytesBefore;
  into.bytesAfter += figures.bytesAfter;
  into.sized &= figures.sized;
}

void printRow(llvm::raw_ostream &os, StringRef name, const FusionFigures &f, double divisor) {
  double ratio = f.bytesBefore ? 100.0 * f.bytesAfter / f.bytesBefore : 0;
  os << llvm::format("  %-16s %8.1f %8.1f %12.2f %12.2f %6.0f%%%s\n", name.str().c_str(),
                     f.kernelsBefore / divisor, f.kernelsAfter / divisor,
                     f.bytesBefore / divisor / (1 << 20), f.bytesAfter / divisor / (1 << 20), ratio,
                     f.sized ? "" : "  (dynamic sizes not counted)");
}

} // namespace

std::vector<LayerFusion> measureFusion(func::FuncOp function) {
  std::map<int64_t, FusionFigures> layers;
  std::optional<int64_t> current;
  function.walk([&](graph::FusionGroupOp group) {
    if (std::optional<std::optional<int64_t>> layer = layerOf(group))
      current = *layer;
    accumulate(layers[current.value_or(-1)], measureGroup(group));
  });
  std::vector<LayerFusion> rows;
  for (auto &[layer, figures] : layers)
    if (layer >= 0)
      rows.push_back({layer, "layer " + std::to_string(layer), figures});
  if (layers.count(-1))
    rows.push_back({-1, "outside layers", layers[-1]});
  return rows;
}

void printFusionReport(ModuleOp module, llvm::raw_ostream &os) {
  module.walk([&](func::FuncOp function) {
    std::vector<LayerFusion> rows = measureFusion(function);
    if (rows.empty())
      return;
    os << "fusion report: @" << function.getSymName()
       << " (kernels or library calls; MiB read and written through memory)\n";
    os << llvm::format("  %-16s %8s %8s %12s %12s %7s\n", "", "kernels", "", "MiB moved", "",
                       "moved");
    os << llvm::format("  %-16s %8s %8s %12s %12s %7s\n", "", "unfused", "fused", "unfused",
                       "fused", "fused");
    FusionFigures total, inLayers;
    int64_t layerCount = 0;
    for (const LayerFusion &row : rows) {
      printRow(os, row.name, row.figures, 1);
      accumulate(total, row.figures);
      if (row.layer >= 0) {
        accumulate(inLayers, row.figures);
        ++layerCount;
      }
    }
    printRow(os, "total", total, 1);
    if (layerCount)
      printRow(os, "mean per layer", inLayers, layerCount);
  });
}

} // namespace strata

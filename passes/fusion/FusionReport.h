//===- FusionReport.h - Kernels and bytes before and after fusion -*- C++ -*-===//
//
// What fusion saves, per transformer layer: the kernels (or library calls) a
// program runs and the bytes they move through memory, counted before fusion
// (each op a kernel that reads its operands and writes its results, by the
// cost interface) and after (each group a kernel that reads the values it
// takes from outside and writes the values used after it). `stratac
// --report=fusion` prints it.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_FUSION_FUSIONREPORT_H
#define STRATA_PASSES_FUSION_FUSIONREPORT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace strata {

/// The figures of some fusion groups.
struct FusionFigures {
  int64_t kernelsBefore = 0;
  int64_t kernelsAfter = 0;
  int64_t bytesBefore = 0;
  int64_t bytesAfter = 0;
  /// False when a size was dynamic: the bytes then count only sized values.
  bool sized = true;
};

/// The figures of the groups of one layer (`layer` is -1 outside layers).
struct LayerFusion {
  int64_t layer = -1;
  std::string name;
  FusionFigures figures;
};

/// The figures of `function`'s fusion groups per layer, layers in order and
/// the groups outside layers last. A group's layer is the one its weights'
/// names say (`h.3`, `layers.3`, `layer.3`, `blocks.3`), or else the one its
/// ops' location names say; a group that reads weights naming no layer is
/// outside layers, one that reads none has the layer of the group before it.
std::vector<LayerFusion> measureFusion(mlir::func::FuncOp function);

/// Prints the figures of every function with fusion groups.
void printFusionReport(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace strata

#endif // STRATA_PASSES_FUSION_FUSIONREPORT_H

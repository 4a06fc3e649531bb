//===- SplitWeights.cpp - Weights too large for a slot, in pieces ---------===//
//
// Implements `strata-split-weights`: at the piece size the module records
// (chosen by the driver, lib/driver/WeightPieces), cuts each weight larger
// than it into blocks along the axis its readers run in pieces of, a new
// weight per block, and each reader into one op per block joined by a
// concat.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/Passes.h"
#include "passes/plan/TierStages.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/graph/GraphInterfaces.h"
#include "dialects/program/WeightBytes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/MathExtras.h"

#include <cstring>

using namespace mlir;
using namespace strata;

namespace strata {
#define GEN_PASS_DEF_SPLITWEIGHTS
#include "passes/plan/Passes.h.inc"
} // namespace strata

namespace {

/// `name[:, c0:c1]`, the block's axis last of the colons.
std::string pieceName(StringRef name, int64_t axis, int64_t begin, int64_t end) {
  std::string text = name.str() + "[";
  for (int64_t i = 0; i < axis; ++i)
    text += ":, ";
  return text + std::to_string(begin) + ":" + std::to_string(end) + "]";
}

/// Slices a vector kernel takes at once along a product's columns (16 f32
/// in a 512-bit register).
constexpr int64_t kVectorWidth = 16;

struct SplitWeights : strata::impl::SplitWeightsBase<SplitWeights> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto pieceBytes = module->getAttrOfType<IntegerAttr>(tier::TierDialect::kPieceBytes);
    auto entry = dyn_cast_or_null<func::FuncOp>(program::findEntry(module).getOperation());
    if (!pieceBytes || !entry || entry.isDeclaration())
      return;
    if (pieceBytes.getInt() < kSlotAlignment) {
      module.emitError("the weights' piece size (tier.piece_bytes) must be at least ")
          << kSlotAlignment << " bytes; it is " << pieceBytes.getInt();
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    for (auto global : llvm::to_vector(module.getOps<ml_program::GlobalOp>()))
      if (weightSlotBytes(global, minBytes) > pieceBytes.getInt())
        if (failed(splitWeight(global, entry, pieceBytes.getInt(), symbols, !withoutData)))
          return signalPassFailure();
  }

  /// Cuts `global` into blocks of at most `pieceBytes` slot bytes when every
  /// reader in `entry` runs in pieces of it, one set of blocks per axis the
  /// readers need.
  LogicalResult splitWeight(ml_program::GlobalOp global, func::FuncOp entry, int64_t pieceBytes,
                            SymbolTable &symbols, bool withData) {
    // The readers by the axis each runs in pieces along: a tied embedding,
    // gathered by columns and multiplied by rows, gets a set of blocks for
    // each (the weights file holds it twice).
    llvm::MapVector<int64_t, SmallVector<OpOperand *>> readers;
    bool pieceable = true;
    entry.walk([&](ml_program::GlobalLoadConstOp load) {
      if (load.getGlobal().getLeafReference() != global.getSymNameAttr())
        return;
      for (OpOperand &use : load->getUses()) {
        auto piece = dyn_cast<graph::PieceOpInterface>(use.getOwner());
        std::optional<std::pair<int64_t, int64_t>> axes;
        if (piece && use.getOwner()->getNumResults() == 1)
          axes = piece.getPieceAxes(use.getOperandNumber());
        if (!axes)
          pieceable = false;
        else
          readers[axes->first].push_back(&use);
      }
    });
    if (!pieceable || readers.empty())
      return success();
    program::WeightBytes bytes;
    if (withData && failed(program::readWeightBytes(global.getValueAttr(), bytes)))
      return global.emitError("weight '")
             << global.getSymName()
             << "' must be cut into pieces but its data is not in the module";
    for (auto &[axis, uses] : readers)
      cutAlong(global, axis, uses, withData ? &bytes : nullptr, pieceBytes, symbols);
    entry.walk([&](ml_program::GlobalLoadConstOp load) {
      if (load.getGlobal().getLeafReference() == global.getSymNameAttr() && load->use_empty())
        load->erase();
    });
    if (SymbolTable::symbolKnownUseEmpty(global, entry->getParentOfType<ModuleOp>()))
      symbols.erase(global);
    return success();
  }

  /// Cuts `global` into blocks along `axis` (holding `bytes`' data, or zeros
  /// when null) and runs each of `uses` on the blocks, where the blocks are
  /// fewer than the axis' slices.
  void cutAlong(ml_program::GlobalOp global, int64_t axis, ArrayRef<OpOperand *> uses,
                const program::WeightBytes *bytes, int64_t pieceBytes, SymbolTable &symbols) {
    auto type = cast<RankedTensorType>(global.getType());
    int64_t extent = type.getDimSize(axis);
    int64_t elementBytes = type.getElementTypeBitWidth() / 8;
    int64_t totalBytes = type.getNumElements() * elementBytes;
    int64_t sliceBytes = totalBytes / extent;
    int64_t width = 1;
    while (width < extent && static_cast<int64_t>(llvm::alignTo((width + 1) * sliceBytes,
                                                                kSlotAlignment)) <= pieceBytes)
      ++width;
    if (width >= extent)
      return;
    // Blocks of a multiple of kVectorWidth slices where they are that wide,
    // so that each block starts where a vector kernel's column block would
    // (and its products round as the whole op's do); narrower ones as even
    // as the size allows, their widths differing by one at most.
    if (width >= kVectorWidth)
      width = llvm::alignDown(width, kVectorWidth);
    int64_t count = llvm::divideCeil(extent, width);
    auto boundary = [&](int64_t k) {
      return width >= kVectorWidth ? std::min(extent, k * width) : k * extent / count;
    };

    // The rows of the blocks: `outer` runs of `extent` slices of `inner`
    // bytes each.
    int64_t inner = elementBytes;
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
    int64_t outer = totalBytes / (extent * inner);
    SmallVector<ml_program::GlobalOp> pieces;
    OpBuilder builder(global);
    for (int64_t k = 0; k < count; ++k) {
      int64_t begin = boundary(k), end = boundary(k + 1);
      SmallVector<int64_t> shape(type.getShape());
      shape[axis] = end - begin;
      auto pieceType = RankedTensorType::get(shape, type.getElementType());
      std::string name = pieceName(global.getSymName(), axis, begin, end);
      TypedAttr value;
      if (bytes) {
        std::vector<char> block((end - begin) * inner * outer);
        for (int64_t o = 0; o < outer; ++o)
          std::memcpy(block.data() + o * (end - begin) * inner,
                      bytes->data.data() + (o * extent + begin) * inner, (end - begin) * inner);
        value = DenseResourceElementsAttr::get(
            pieceType, name, HeapAsmResourceBlob::allocateAndCopyWithAlign(block, elementBytes));
      } else {
        value = DenseElementsAttr::get(pieceType, builder.getZeroAttr(type.getElementType()));
      }
      auto piece = ml_program::GlobalOp::create(builder, global.getLoc(), name, pieceType,
                                                /*is_mutable=*/false, value,
                                                builder.getStringAttr("private"));
      symbols.insert(piece);
      pieces.push_back(piece);
    }

    for (OpOperand *use : uses) {
      Operation *reader = use->getOwner();
      unsigned operand = use->getOperandNumber();
      int64_t resultAxis = cast<graph::PieceOpInterface>(reader).getPieceAxes(operand)->second;
      auto resultType = cast<RankedTensorType>(reader->getResult(0).getType());
      builder.setInsertionPoint(reader);
      SmallVector<Value> results;
      for (ml_program::GlobalOp piece : pieces) {
        auto pieceType = cast<RankedTensorType>(piece.getType());
        Value load = ml_program::GlobalLoadConstOp::create(
            builder, reader->getLoc(), pieceType, FlatSymbolRefAttr::get(piece.getSymNameAttr()));
        Operation *part = builder.clone(*reader);
        part->setOperand(operand, load);
        SmallVector<int64_t> shape(resultType.getShape());
        shape[resultAxis] = pieceType.getDimSize(axis);
        part->getResult(0).setType(resultType.clone(shape));
        results.push_back(part->getResult(0));
      }
      Value joined =
          graph::ConcatOp::create(builder, reader->getLoc(), resultType, results, resultAxis);
      reader->getResult(0).replaceAllUsesWith(joined);
      reader->erase();
    }
  }
};

} // namespace

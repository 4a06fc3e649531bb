//===- PlanWeights.cpp - Constants to the packed weights file -------------===//
//
// Implements `strata-plan-weights`. Offsets are multiples of the weights
// file's alignment, counted from the start of its data region, so that the
// runtime can pass the mapped region and every view is aligned whatever the
// size of the file's index.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/Passes.h"

#include "strata/weights.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace strata;

namespace strata {
#define GEN_PASS_DEF_PLANWEIGHTS
#include "passes/plan/Passes.h.inc"
} // namespace strata

namespace {

/// The bytes `global` occupies, or 0 if it cannot live in the weights file:
/// a constant, or the mutable state of a training program (its weights and
/// the optimizer's), which every run reads and writes in place.
int64_t outlinableBytes(memref::GlobalOp global) {
  if (!global.getInitialValue() || isa<UnitAttr>(*global.getInitialValue()))
    return 0;
  auto value = dyn_cast<ElementsAttr>(*global.getInitialValue());
  MemRefType type = global.getType();
  if (!value || !type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return 0;
  unsigned bits = type.getElementTypeBitWidth();
  if (bits % 8 != 0 || !isa<DenseElementsAttr, DenseResourceElementsAttr>(value))
    return 0;
  return type.getNumElements() * (bits / 8);
}

/// `value` as the runtime holds it: booleans one byte each (an elements
/// attribute packs them eight to a byte), everything else as it is.
ElementsAttr runtimeLayout(ElementsAttr value) {
  auto dense = dyn_cast<DenseIntElementsAttr>(value);
  if (!dense || !dense.getElementType().isInteger(1))
    return value;
  return dense.mapValues(IntegerType::get(value.getContext(), 8),
                         [](const APInt &bit) { return bit.zext(8); });
}

/// The bytes of `value`'s data in the weights file.
int64_t fileBytes(ElementsAttr value) {
  ShapedType type = value.getShapedType();
  return type.getNumElements() * (type.getElementTypeBitWidth() / 8);
}

struct PlanWeights : strata::impl::PlanWeightsBase<PlanWeights> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<std::pair<memref::GlobalOp, int64_t>> outlined;
    for (auto global : module.getOps<memref::GlobalOp>()) {
      // A training program's state goes to the file whatever its size: a
      // checkpoint is the file's data region; so do, with `allFloats`, the
      // constants an exported training run may replace.
      int64_t bytes = outlinableBytes(global);
      bool trainable = isa<FloatType>(global.getType().getElementType()) &&
                       global.getType().getNumElements() > 1;
      if (bytes > 0 && (bytes >= minBytes || !global.getConstant() || (allFloats && trainable)))
        outlined.push_back({global, bytes});
    }
    int64_t end = 0;
    llvm::StringMap<int64_t> offsets;
    SmallVector<Attribute> plan;
    auto place = [&](StringAttr name, ElementsAttr value, int64_t bytes) {
      plan.push_back(program::WeightAttr::get(ctx, name, end, value));
      end += llvm::alignTo(bytes, STRATA_WEIGHTS_ALIGNMENT);
    };
    for (auto [global, bytes] : outlined) {
      offsets[global.getSymName()] = end;
      place(global.getSymNameAttr(), cast<ElementsAttr>(*global.getInitialValue()), bytes);
    }
    if (failed(placeInputDefaults(place, offsets)))
      return signalPassFailure();
    module->setAttr(program::ProgramDialect::kWeights, ArrayAttr::get(ctx, plan));

    Type bytesType = MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 8));
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isDeclaration())
        continue;
      Value weights;
      if (func.isPublic()) {
        unsigned index = func.getNumArguments();
        auto region = NamedAttribute(program::ProgramDialect::kWeightsRegion, UnitAttr::get(ctx));
        if (failed(func.insertArgument(index, bytesType, DictionaryAttr::get(ctx, {region}),
                                       func.getLoc())))
          return signalPassFailure();
        weights = func.getArgument(index);
      }
      WalkResult walk = func.walk([&](memref::GetGlobalOp get) {
        auto it = offsets.find(get.getName());
        if (it == offsets.end())
          return WalkResult::advance();
        if (!weights) {
          get.emitError("weight '") << get.getName() << "' is used outside a public entry point";
          return WalkResult::interrupt();
        }
        OpBuilder b(get);
        Value offset = arith::ConstantIndexOp::create(b, get.getLoc(), it->second);
        Value view =
            memref::ViewOp::create(b, get.getLoc(), get.getType(), weights, offset, ValueRange{});
        get.replaceAllUsesWith(view);
        get.erase();
        return WalkResult::advance();
      });
      if (walk.wasInterrupted())
        return signalPassFailure();
    }
    for (auto global : llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
      if (offsets.contains(global.getSymName()))
        global.erase();
  }

  /// Places the default of each input of a public function under the input's
  /// name, where the executor looks for it when the caller leaves the input
  /// out; the compiled code never reads it there. Fails when a weight
  /// (`weights`) already has that name.
  LogicalResult placeInputDefaults(function_ref<void(StringAttr, ElementsAttr, int64_t)> place,
                                   const llvm::StringMap<int64_t> &weights) {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isDeclaration() || !func.isPublic())
        continue;
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
        auto value = func.getArgAttrOfType<program::ValueAttr>(i, program::ProgramDialect::kValue);
        if (!value || !value.getDefaultValue())
          continue;
        if (weights.contains(value.getName()))
          return func.emitError("the default of input '")
                 << value.getName().getValue()
                 << "' would share its weights file entry with the weight of that name";
        ElementsAttr data = runtimeLayout(value.getDefaultValue());
        place(value.getName(), data, fileBytes(data));
      }
    }
    return success();
  }
};

} // namespace

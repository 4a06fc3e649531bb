//===- OutlineWeights.cpp - Constants to the packed weights file ----------===//
//
// Implements `strata-cpu-outline-weights`. Offsets are multiples of the
// weights file's alignment, counted from the start of its data region, which
// the runtime passes, so that every view is aligned.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "strata/weights.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_OUTLINEWEIGHTS
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

/// The bytes `global` occupies, or 0 if it cannot live in the weights file.
int64_t outlinableBytes(memref::GlobalOp global) {
  if (!global.getConstant() || !global.getInitialValue())
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

struct OutlineWeights : strata::impl::OutlineWeightsBase<OutlineWeights> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<std::pair<memref::GlobalOp, int64_t>> outlined;
    for (auto global : module.getOps<memref::GlobalOp>()) {
      int64_t bytes = outlinableBytes(global);
      if (bytes > 0 && bytes >= minBytes)
        outlined.push_back({global, bytes});
    }
    int64_t end = 0;
    llvm::StringMap<int64_t> offsets;
    SmallVector<Attribute> plan;
    for (auto [global, bytes] : outlined) {
      offsets[global.getSymName()] = end;
      NamedAttribute fields[] = {
          {StringAttr::get(ctx, "name"), global.getSymNameAttr()},
          {StringAttr::get(ctx, "offset"), IntegerAttr::get(IntegerType::get(ctx, 64), end)},
          {StringAttr::get(ctx, "value"), *global.getInitialValue()}};
      plan.push_back(DictionaryAttr::get(ctx, fields));
      end += llvm::alignTo(bytes, STRATA_WEIGHTS_ALIGNMENT);
    }
    module->setAttr("strata.weights", ArrayAttr::get(ctx, plan));

    Type bytesType = MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 8));
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isDeclaration())
        continue;
      Value weights;
      if (func.isPublic()) {
        unsigned index = func.getNumArguments();
        if (failed(func.insertArgument(index, bytesType, {}, func.getLoc())))
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
};

} // namespace

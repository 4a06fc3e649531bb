//===- OutputDestinations.cpp - Results written into the caller's memory --===//
//
// Implements `strata-output-destinations`: each result of the entry function
// whose shape is static gets an argument of its type, the caller's memory
// for it, and the function materialises the result there. Bufferisation then
// makes the ops that compute the result write into that argument (in place
// of the empty tensor they start from, in strata-bufferize), so the executor
// hands the caller's tensor back as it is instead of copying the result out
// of an arena.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Passes.h"

#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_OUTPUTDESTINATIONS
#include "lib/lowering/Passes.h.inc"
} // namespace strata

namespace {

/// Whether the caller can hold result `operand` in memory of its own: a
/// ranked tensor of static, non-empty shape, returned first there (a value
/// returned twice is computed into the first result's memory, and the others
/// return that memory, which the executor copies out).
bool takesDestination(OpOperand &operand) {
  auto tensor = dyn_cast<RankedTensorType>(operand.get().getType());
  Operation *ret = operand.getOwner();
  return tensor && tensor.hasStaticShape() && tensor.getNumElements() > 0 &&
         llvm::find(ret->getOperands(), operand.get()) ==
             ret->operand_begin() + operand.getOperandNumber();
}

struct OutputDestinations : strata::impl::OutputDestinationsBase<OutputDestinations> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isDeclaration() || !func->hasAttr(strata::program::ProgramDialect::kEntry))
        continue;
      auto ret = cast<func::ReturnOp>(func.front().getTerminator());
      // A KV cache's present output is a view of the cache, which the
      // executor holds.
      llvm::SmallDenseSet<unsigned> views;
      if (auto caches = func->getAttrOfType<ArrayAttr>(strata::program::ProgramDialect::kKvCaches))
        for (auto cache : caches.getAsRange<strata::program::KvCacheAttr>())
          views.insert(cache.getOutput());
      OpBuilder builder(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        if (views.contains(operand.getOperandNumber()) || !takesDestination(operand))
          continue;
        Type type = operand.get().getType();
        unsigned result = operand.getOperandNumber();
        auto attrs = builder.getDictionaryAttr(builder.getNamedAttr(
            strata::program::ProgramDialect::kDestination, builder.getI64IntegerAttr(result)));
        unsigned index = func.getNumArguments();
        if (failed(func.insertArgument(index, type, attrs, operand.get().getLoc())))
          return signalPassFailure();
        Value value = operand.get();
        auto written = bufferization::MaterializeInDestinationOp::create(
            builder, value.getLoc(), value, func.getArgument(index));
        for (OpOperand &same : ret->getOpOperands())
          if (same.get() == value)
            same.set(written.getResult());
      }
    }
  }
};

} // namespace

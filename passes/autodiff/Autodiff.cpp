//===- Autodiff.cpp - A loss and its gradients from the entry point -------===//
//
// Implements `strata-autodiff`: appends the loss to the entry point, finds the
// ops between the trainable weights and the loss (forward, from the weights),
// and walks them from the loss back, asking each for its operands' gradients
// (GradientOpInterface) and adding the gradients of values used more than
// once. The backward ops are appended after the loss, in the order they are
// built, so that the function stays in dominance order.
//
//===----------------------------------------------------------------------===//

#include "passes/autodiff/Passes.h"

#include "passes/autodiff/Losses.h"

#include "dialects/graph/GradientBuilders.h"
#include "dialects/graph/GraphDialect.h"
#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"

namespace strata {
#define GEN_PASS_DEF_AUTODIFF
#include "passes/autodiff/Passes.h.inc"
} // namespace strata

using namespace mlir;
namespace g = strata::graph;
namespace p = strata::program;

namespace {

bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

/// The entry point's name for result or argument attributes `attrs`.
StringRef valueName(DictionaryAttr attrs) {
  auto value = attrs ? attrs.getAs<p::ValueAttr>(p::ProgramDialect::kValue) : p::ValueAttr();
  return value ? value.getName().getValue() : StringRef();
}

struct Autodiff : strata::impl::AutodiffBase<Autodiff> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string error;
    std::optional<strata::autodiff::Loss> spec = strata::autodiff::parseLoss(loss, error);
    if (!spec) {
      module.emitError("strata-autodiff: ") << error;
      return signalPassFailure();
    }
    func::FuncOp entry;
    for (auto f : module.getOps<func::FuncOp>())
      if (f->hasAttr(p::ProgramDialect::kEntry))
        entry = f;
    if (!entry) {
      module.emitError("strata-autodiff: the module has no entry point");
      return signalPassFailure();
    }
    if (failed(differentiate(module, entry, *spec)))
      signalPassFailure();
  }

  LogicalResult differentiate(ModuleOp module, func::FuncOp entry,
                              const strata::autodiff::Loss &spec) {
    for (unsigned i = 0; i < entry.getNumArguments(); ++i) {
      auto type = dyn_cast<RankedTensorType>(entry.getArgument(i).getType());
      if (type && type.hasStaticShape())
        continue;
      auto value = entry.getArgAttrDict(i)
                       ? entry.getArgAttrDict(i).getAs<p::ValueAttr>(p::ProgramDialect::kValue)
                       : p::ValueAttr();
      InFlightDiagnostic error = entry.emitError("training needs static shapes: input '")
                                 << valueName(entry.getArgAttrDict(i)) << "' is " << type;
      if (type && value)
        for (auto [d, name] : llvm::zip(type.getShape(), value.getDims()))
          if (ShapedType::isDynamic(d) && !name.getValue().empty()) {
            error << ", with dimension '" << name.getValue() << "' unknown";
            break;
          }
      return error << "; fix it with --shape";
    }
    for (Type t : entry.getResultTypes())
      if (auto type = dyn_cast<RankedTensorType>(t); !type || !type.hasStaticShape())
        return entry.emitError("training needs static shapes: an output is ")
               << t << " with every input's shape fixed";
    if (entry->hasAttr(p::ProgramDialect::kPassThroughOutputs))
      return entry.emitError("training a model with pass-through outputs is not supported");
    auto ret = cast<func::ReturnOp>(entry.getBody().front().getTerminator());

    // The output the loss reads and the target input.
    std::optional<unsigned> outputIndex;
    std::string names;
    for (unsigned i = 0; i < entry.getNumResults(); ++i) {
      StringRef name = valueName(entry.getResultAttrDict(i));
      names += (names.empty() ? "'" : ", '") + name.str() + "'";
      if (name == spec.output)
        outputIndex = i;
    }
    if (!outputIndex)
      return entry.emitError("the loss reads output '")
             << spec.output << "', but the model's outputs are " << names;
    for (unsigned i = 0; i < entry.getNumArguments(); ++i)
      if (valueName(entry.getArgAttrDict(i)) == spec.target)
        return entry.emitError("the loss's target '")
               << spec.target << "' is already an input of the model";
    Value output = ret.getOperand(*outputIndex);
    auto outputType = cast<RankedTensorType>(output.getType());
    std::string why;
    std::optional<RankedTensorType> targetType =
        strata::autodiff::targetType(spec, outputType, why);
    if (!targetType)
      return entry.emitError("the loss cannot read output '") << spec.output << "': it " << why;

    MLIRContext *ctx = &getContext();
    auto outputValue =
        entry.getResultAttrDict(*outputIndex).getAs<p::ValueAttr>(p::ProgramDialect::kValue);
    ArrayRef<StringAttr> outputDims = outputValue.getDims();
    SmallVector<StringAttr> targetDims(outputDims.take_front(targetType->getRank()));
    auto targetValue = p::ValueAttr::get(ctx, StringAttr::get(ctx, spec.target), targetDims,
                                         /*typeOnly=*/false, ElementsAttr());
    unsigned targetIndex = entry.getNumArguments();
    if (failed(entry.insertArgument(
            targetIndex, *targetType,
            DictionaryAttr::get(
                ctx,
                {NamedAttribute(StringAttr::get(ctx, p::ProgramDialect::kValue), targetValue)}),
            entry.getLoc())))
      return failure();
    Value target = entry.getArgument(targetIndex);

    OpBuilder b(ret);
    Location loc = entry.getLoc();
    Value lossValue = strata::autodiff::buildLoss(b, loc, spec, output, target);

    // The trainable weights and the values that depend on them.
    SmallVector<ml_program::GlobalLoadConstOp> loads;
    DenseSet<Value> active;
    for (Operation &op : entry.getBody().front()) {
      if (auto load = dyn_cast<ml_program::GlobalLoadConstOp>(op)) {
        if (isFloatTensor(load.getResult())) {
          loads.push_back(load);
          active.insert(load.getResult());
        }
        continue;
      }
      if (llvm::any_of(op.getOperands(), [&](Value v) { return active.contains(v); }))
        for (Value r : op.getResults())
          if (isFloatTensor(r))
            active.insert(r);
    }

    // From the loss back: the ops after the return's old position were built
    // by buildLoss and come last, so one reverse walk over the block sees
    // every user of a value before the value's producer.
    DenseMap<Value, Value> grads;
    grads[lossValue] = g::buildScalarTensor(
        b, loc, cast<RankedTensorType>(lossValue.getType()).getElementType(), 1.0);
    SmallVector<Operation *> forward;
    for (Operation &op : entry.getBody().front())
      if (&op != ret && llvm::any_of(op.getResults(), [&](Value r) { return active.contains(r); }))
        forward.push_back(&op);
    for (Operation *op : llvm::reverse(forward)) {
      if (isa<ml_program::GlobalLoadConstOp>(op))
        continue;
      SmallVector<Value> resultGrads;
      for (Value r : op->getResults())
        resultGrads.push_back(grads.lookup(r));
      if (llvm::all_of(resultGrads, [](Value v) { return !v; }))
        continue;
      auto rule = dyn_cast<g::GradientOpInterface>(op);
      if (!rule)
        return op->emitError("no gradient rule for '")
               << op->getName() << "': training cannot differentiate through it";
      FailureOr<SmallVector<Value>> operandGrads = rule.buildGradients(b, resultGrads);
      if (failed(operandGrads))
        return failure();
      for (auto [operand, grad] : llvm::zip(op->getOperands(), *operandGrads)) {
        if (!grad || !active.contains(operand))
          continue;
        Value &sum = grads[operand];
        sum = sum ? g::AddOp::create(b, loc, sum, grad).getResult() : grad;
      }
    }

    // The loss, then one gradient per weight, in the module's order.
    SmallVector<Value> results{lossValue};
    SmallVector<Attribute> resultAttrs;
    auto named = [&](StringRef name) {
      auto value = p::ValueAttr::get(ctx, StringAttr::get(ctx, name), {}, false, ElementsAttr());
      return DictionaryAttr::get(
          ctx, {NamedAttribute(StringAttr::get(ctx, p::ProgramDialect::kValue), value)});
    };
    resultAttrs.push_back(named("loss"));
    DenseMap<StringAttr, Value> byWeight;
    for (ml_program::GlobalLoadConstOp load : loads) {
      Value grad = grads.lookup(load.getResult());
      if (!grad)
        continue;
      Value &sum = byWeight[load.getGlobalAttr().getRootReference()];
      sum = sum ? g::AddOp::create(b, loc, sum, grad).getResult() : grad;
    }
    for (auto global : module.getOps<ml_program::GlobalOp>()) {
      auto type = dyn_cast<RankedTensorType>(global.getType());
      bool loaded = llvm::any_of(loads, [&](ml_program::GlobalLoadConstOp load) {
        return load.getGlobalAttr().getRootReference() == global.getSymNameAttr();
      });
      if (!loaded || !type)
        continue;
      Value grad = byWeight.lookup(global.getSymNameAttr());
      results.push_back(grad ? grad : g::buildZeros(b, loc, type));
      SmallVector<StringAttr> dims(type.getRank(), StringAttr::get(ctx, ""));
      auto value = p::ValueAttr::get(ctx, StringAttr::get(ctx, global.getSymName() + ".grad"), dims,
                                     false, ElementsAttr());
      resultAttrs.push_back(DictionaryAttr::get(
          ctx, {NamedAttribute(StringAttr::get(ctx, p::ProgramDialect::kValue), value)}));
    }
    func::ReturnOp::create(b, ret.getLoc(), results);
    ret.erase();
    entry.setFunctionType(
        FunctionType::get(ctx, entry.getArgumentTypes(), ValueRange(results).getTypes()));
    entry.setAllResultAttrs(resultAttrs);
    return success();
  }
};

} // namespace

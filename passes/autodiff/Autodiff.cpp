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

#include "passes/autodiff/EntryValues.h"
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
using strata::autodiff::valueAttrs;
using strata::autodiff::valueName;

namespace {

/// The global that dynamic loss scaling keeps the scale in.
constexpr llvm::StringLiteral kLossScale = "loss_scale";

/// Fails, naming the input and its unknown dimension, unless every input and
/// output of `entry` has a static shape.
LogicalResult checkStaticShapes(func::FuncOp entry) {
  for (unsigned i = 0; i < entry.getNumArguments(); ++i) {
    auto type = dyn_cast<RankedTensorType>(entry.getArgument(i).getType());
    if (type && type.hasStaticShape())
      continue;
    DictionaryAttr attrs = entry.getArgAttrDict(i);
    auto value = attrs ? attrs.getAs<p::ValueAttr>(p::ProgramDialect::kValue) : p::ValueAttr();
    InFlightDiagnostic error = entry.emitError("training needs static shapes: input '")
                               << valueName(attrs) << "' is " << type;
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
  return success();
}

/// Builds the loss at `b` (before the return `ret`), reading the input its
/// target names or, where none has that name, a new last input.
FailureOr<Value> appendLoss(func::FuncOp entry, func::ReturnOp ret,
                            const strata::autodiff::Loss &spec, OpBuilder &b) {
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
  Value output = ret.getOperand(*outputIndex);
  std::string why;
  std::optional<RankedTensorType> targetType =
      strata::autodiff::targetType(spec, cast<RankedTensorType>(output.getType()), why);
  if (!targetType)
    return entry.emitError("the loss cannot read output '") << spec.output << "': it " << why;
  // The loss's ops are located as a node of their own, which run-time
  // errors (a label out of range) name.
  Location lossLoc = NameLoc::get(StringAttr::get(entry.getContext(), "loss (" + spec.name() + ")"),
                                  entry.getLoc());
  // A target that names an input of the model reads it (a causal language
  // model's labels are its input_ids).
  for (unsigned i = 0; i < entry.getNumArguments(); ++i) {
    if (valueName(entry.getArgAttrDict(i)) != spec.target)
      continue;
    Value input = entry.getArgument(i);
    if (input.getType() != *targetType)
      return entry.emitError("the loss's target '")
             << spec.target << "' is an input of type " << input.getType()
             << ", but the loss needs " << *targetType;
    return strata::autodiff::buildLoss(b, lossLoc, spec, output, input);
  }
  // The target's dimensions are named as the output's leading ones.
  ArrayRef<StringAttr> outputDims = entry.getResultAttrDict(*outputIndex)
                                        .getAs<p::ValueAttr>(p::ProgramDialect::kValue)
                                        .getDims();
  unsigned targetIndex = entry.getNumArguments();
  if (failed(entry.insertArgument(
          targetIndex, *targetType,
          valueAttrs(entry.getContext(), spec.target, outputDims.take_front(targetType->getRank())),
          entry.getLoc())))
    return failure();
  return strata::autodiff::buildLoss(b, lossLoc, spec, output, entry.getArgument(targetIndex));
}

/// The loads of trainable weights (float globals) in `entry`.
SmallVector<ml_program::GlobalLoadConstOp> trainableLoads(func::FuncOp entry) {
  SmallVector<ml_program::GlobalLoadConstOp> loads;
  entry.walk([&](ml_program::GlobalLoadConstOp load) {
    if (g::isFloatTensor(load.getResult()))
      loads.push_back(load);
  });
  return loads;
}

/// Builds, at `b`, the gradient of `loss` times `seed` (a rank-0 tensor of
/// its type) with respect to every value of `entry`'s block that depends on
/// one of `loads`, and returns them.
FailureOr<DenseMap<Value, Value>> backpropagate(func::FuncOp entry, Value loss, Value seed,
                                                ArrayRef<ml_program::GlobalLoadConstOp> loads,
                                                OpBuilder &b) {
  // The values that depend on a weight, forward from the loads.
  DenseSet<Value> active;
  for (ml_program::GlobalLoadConstOp load : loads)
    active.insert(load.getResult());
  SmallVector<Operation *> path;
  for (Operation &op : entry.getBody().front()) {
    if (isa<ml_program::GlobalLoadConstOp>(op) ||
        llvm::none_of(op.getOperands(), [&](Value v) { return active.contains(v); }))
      continue;
    path.push_back(&op);
    for (Value r : op.getResults())
      if (g::isFloatTensor(r))
        active.insert(r);
  }
  // From the loss back: the block is in dominance order and the loss comes
  // last, so one reverse walk sees every user of a value before its producer.
  Location loc = entry.getLoc();
  DenseMap<Value, Value> grads;
  grads[loss] = seed;
  for (Operation *op : llvm::reverse(path)) {
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
  return grads;
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
    if (failed(checkStaticShapes(entry)))
      return failure();
    if (entry->hasAttr(p::ProgramDialect::kPassThroughOutputs))
      return entry.emitError("training a model with pass-through outputs is not supported");
    auto ret = cast<func::ReturnOp>(entry.getBody().front().getTerminator());
    OpBuilder b(ret);
    FailureOr<Value> loss = appendLoss(entry, ret, spec, b);
    if (failed(loss))
      return failure();
    SmallVector<ml_program::GlobalLoadConstOp> loads = trainableLoads(entry);
    MLIRContext *ctx = &getContext();
    Location loc = entry.getLoc();
    auto lossType = cast<RankedTensorType>(loss->getType());
    Value seed = g::buildScalarTensor(b, loc, lossType.getElementType(), 1.0);
    if (lossScale > 0) {
      if (!lossType.getElementType().isF32())
        return entry.emitError("dynamic loss scaling needs f32 weights and loss (fp32 master "
                               "weights), not ")
               << lossType.getElementType();
      if (Operation *clash = SymbolTable::lookupSymbolIn(module, kLossScale))
        return clash->emitError("the loss scale needs the name '")
               << kLossScale << "', which the model's weight has";
      OpBuilder top(module.getBodyRegion());
      top.setInsertionPointToStart(module.getBody());
      Attribute value = top.getFloatAttr(lossType.getElementType(), lossScale);
      auto initial = DenseElementsAttr::get(lossType, value);
      auto global =
          ml_program::GlobalOp::create(top, loc, kLossScale, lossType,
                                       /*is_mutable=*/true, initial, top.getStringAttr("private"));
      seed = ml_program::GlobalLoadOp::create(b, loc, lossType, FlatSymbolRefAttr::get(global))
                 .getResult();
    }
    FailureOr<DenseMap<Value, Value>> grads = backpropagate(entry, *loss, seed, loads, b);
    if (failed(grads))
      return failure();

    // One gradient per weight (the sum over its loads), in the module's
    // order, after the loss.
    // A weight the loss does not depend on maps to null: zeros.
    DenseMap<StringAttr, Value> byWeight;
    for (ml_program::GlobalLoadConstOp load : loads) {
      Value &sum = byWeight[load.getGlobalAttr().getRootReference()];
      if (Value grad = grads->lookup(load.getResult()))
        sum = sum ? g::AddOp::create(b, loc, sum, grad).getResult() : grad;
    }
    SmallVector<Value> results{*loss};
    SmallVector<Attribute> resultAttrs{valueAttrs(ctx, "loss", {})};
    for (auto global : module.getOps<ml_program::GlobalOp>()) {
      auto found = byWeight.find(global.getSymNameAttr());
      if (found == byWeight.end())
        continue;
      auto type = cast<RankedTensorType>(global.getType());
      results.push_back(found->second ? found->second : g::buildZeros(b, loc, type));
      SmallVector<StringAttr> dims(type.getRank(), StringAttr::get(ctx, ""));
      resultAttrs.push_back(valueAttrs(ctx, (global.getSymName() + ".grad").str(), dims));
    }
    func::ReturnOp::create(b, ret.getLoc(), results);
    ret.erase();
    entry.setFunctionType(
        FunctionType::get(ctx, entry.getArgumentTypes(), ValueRange(results).getTypes()));
    entry.setAllResultAttrs(resultAttrs);
    Builder attrs(ctx);
    NamedAttrList fields;
    fields.set("loss", attrs.getStringAttr(this->loss));
    fields.set("target", attrs.getStringAttr(spec.target));
    fields.set("shift", attrs.getBoolAttr(spec.shift));
    if (lossScale > 0)
      fields.set("loss_scale", attrs.getStringAttr(kLossScale));
    entry->setAttr(p::ProgramDialect::kTraining, fields.getDictionary(ctx));
    return success();
  }
};

} // namespace

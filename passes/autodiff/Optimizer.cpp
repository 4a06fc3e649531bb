//===- Optimizer.cpp - The optimizer's step after the gradients -----------===//
//
// Implements `strata-optimizer`: turns the gradient program strata-autodiff
// made into one training step. Each weight with a gradient becomes a mutable
// global, read with `ml_program.global_load` and written back with
// `ml_program.global_store`; its optimizer state is new mutable globals
// initialised to zero. Every load of a global comes before its store, so a
// load reads the value of the step before: bufferisation makes both the
// weights file's slot, and the planner keeps no copy.
//
// A weight's update is placed right after the last op that reads it or its
// gradient needs, not at the end of the step, so that the new value's buffer
// lives only until its store and the gradient's until its update.
//
//===----------------------------------------------------------------------===//

#include "passes/autodiff/Passes.h"

#include "passes/autodiff/EntryValues.h"
#include "passes/autodiff/Optimizers.h"

#include "dialects/graph/GradientBuilders.h"
#include "dialects/graph/GraphDialect.h"
#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"

#include <limits>

namespace strata {
#define GEN_PASS_DEF_OPTIMIZER
#include "passes/autodiff/Passes.h.inc"
} // namespace strata

using namespace mlir;
namespace g = strata::graph;
namespace p = strata::program;
using strata::autodiff::Optimizer;
using strata::autodiff::valueAttrs;
using strata::autodiff::valueName;

namespace {

/// Whether `v` is a constant whose every element is zero: the gradient
/// strata-autodiff gives a weight the loss does not read.
bool isZeros(Value v) {
  DenseElementsAttr value;
  if (!matchPattern(v, m_Constant(&value)) || !value.isSplat())
    return false;
  auto element = dyn_cast<FloatAttr>(value.getSplatValue<Attribute>());
  return element && element.getValue().isZero();
}

/// The op of `block` after which an update of `global` may go: the latest
/// of `grad`'s producer and every reader of a load of `global`.
Operation *lastReader(Block &block, StringAttr global, Value grad) {
  Operation *last = grad.getDefiningOp();
  auto later = [&](Operation *op) {
    op = block.findAncestorOpInBlock(*op);
    if (op && (!last || last->isBeforeInBlock(op)))
      last = op;
  };
  for (Operation &op : block)
    if (auto load = dyn_cast<ml_program::GlobalLoadOp>(op);
        load && load.getGlobalAttr().getRootReference() == global)
      for (Operation *user : load->getUsers())
        later(user);
  return last;
}

/// The sum of the squares of every element of `grads`.
Value buildSumOfSquares(OpBuilder &b, Location loc, ArrayRef<Value> grads) {
  Type element = cast<RankedTensorType>(grads.front().getType()).getElementType();
  Value total;
  for (Value grad : grads) {
    auto type = cast<RankedTensorType>(grad.getType());
    Value squares = g::ReduceOp::create(
        b, loc, RankedTensorType::get({}, element), g::ReductionKind::sum_square, grad, Value(),
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())), /*keep_dims=*/false);
    total = total ? g::AddOp::create(b, loc, total, squares).getResult() : squares;
  }
  return total;
}

/// Rank-0 i1: whether every element of `grads` is finite. Each element
/// times zero is zero unless it is infinite or NaN, so their sum is zero
/// exactly when all are finite (and cannot overflow, as a sum of squares
/// of large finite gradients can).
Value buildAllFinite(OpBuilder &b, Location loc, ArrayRef<Value> grads) {
  Type element = cast<RankedTensorType>(grads.front().getType()).getElementType();
  Value zero = g::buildScalarTensor(b, loc, element, 0.0);
  Value total;
  for (Value grad : grads) {
    auto type = cast<RankedTensorType>(grad.getType());
    Value sum = g::ReduceOp::create(b, loc, RankedTensorType::get({}, element),
                                    g::ReductionKind::sum, g::MulOp::create(b, loc, grad, zero),
                                    Value(), llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())),
                                    /*keep_dims=*/false);
    total = total ? g::AddOp::create(b, loc, total, sum).getResult() : sum;
  }
  return g::CompareOp::create(b, loc, g::ComparisonDirection::eq, total, zero);
}

/// The global norm whose square is `total` and the factor that brings it
/// down to `clip` (1 when it is below): torch.nn.utils.clip_grad_norm_'s.
std::pair<Value, Value> buildClipping(OpBuilder &b, Location loc, Value total, double clip) {
  Type element = cast<RankedTensorType>(total.getType()).getElementType();
  Value norm = g::SqrtOp::create(b, loc, total);
  Value factor =
      g::DivOp::create(b, loc, g::buildScalarTensor(b, loc, element, clip),
                       g::AddOp::create(b, loc, norm, g::buildScalarTensor(b, loc, element, 1e-6)));
  factor = g::MinOp::create(b, loc, factor, g::buildScalarTensor(b, loc, element, 1.0));
  return {norm, factor};
}

/// Dynamic loss scaling's values in a step.
struct LossScaling {
  /// The global holding the scale, and the scale this step used.
  FlatSymbolRefAttr global;
  Value scale;
  /// Rank-0 i1: whether every gradient is finite.
  Value finite;
};

struct OptimizerPass : strata::impl::OptimizerBase<OptimizerPass> {
  using Base::Base;

  /// Stores, at `b`, the next step's scale as torch.amp.GradScaler sets it:
  /// half after a step with a gradient that is not finite, twice after
  /// `lossScaleInterval` finite steps in a row, counted by a new global
  /// (`<scale>.good_steps`), whose name it returns.
  FailureOr<StringAttr> updateLossScale(OpBuilder &b, Location loc, SymbolTable &symbols,
                                        const LossScaling &scaling) {
    auto type = cast<RankedTensorType>(scaling.scale.getType());
    auto global = symbols.lookup<ml_program::GlobalOp>(scaling.global.getAttr());
    OpBuilder top(global);
    top.setInsertionPointAfter(global);
    std::string name = global.getSymName().str() + ".good_steps";
    auto counter = ml_program::GlobalOp::create(
        top, global.getLoc(), name, type, /*is_mutable=*/true,
        DenseElementsAttr::get(type, top.getZeroAttr(type.getElementType())),
        top.getStringAttr("private"));
    if (symbols.insert(counter).getValue() != name)
      return counter.emitError("a weight named '") << name << "' exists already";
    auto ref = FlatSymbolRefAttr::get(counter.getSymNameAttr());
    auto scalar = [&](double value) {
      return g::buildScalarTensor(b, loc, type.getElementType(), value);
    };
    Value good = ml_program::GlobalLoadOp::create(b, loc, type, ref);
    Value counted = g::WhereOp::create(b, loc, scaling.finite,
                                       g::AddOp::create(b, loc, good, scalar(1.0)), scalar(0.0));
    Value grow = g::CompareOp::create(b, loc, g::ComparisonDirection::ge, counted,
                                      scalar(static_cast<double>(lossScaleInterval)));
    // GradScaler grows the scale only to a finite value.
    Value doubled = g::MulOp::create(b, loc, scaling.scale, scalar(2.0));
    Value finiteDouble = g::CompareOp::create(b, loc, g::ComparisonDirection::lt, doubled,
                                              scalar(std::numeric_limits<double>::infinity()));
    Value kept = g::WhereOp::create(
        b, loc, grow, g::WhereOp::create(b, loc, finiteDouble, doubled, scaling.scale),
        scaling.scale);
    Value next = g::WhereOp::create(b, loc, scaling.finite, kept,
                                    g::MulOp::create(b, loc, scaling.scale, scalar(0.5)));
    ml_program::GlobalStoreOp::create(b, loc, scaling.global, next);
    ml_program::GlobalStoreOp::create(b, loc, ref,
                                      g::WhereOp::create(b, loc, grow, scalar(0.0), counted));
    return counter.getSymNameAttr();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string error;
    std::optional<Optimizer> spec = strata::autodiff::parseOptimizer(optimizer, error);
    if (!spec) {
      module.emitError("strata-optimizer: ") << error;
      return signalPassFailure();
    }
    func::FuncOp entry;
    for (auto f : module.getOps<func::FuncOp>())
      if (f->hasAttr(p::ProgramDialect::kEntry))
        entry = f;
    auto training =
        entry ? entry->getAttrOfType<DictionaryAttr>(p::ProgramDialect::kTraining) : nullptr;
    if (!training || training.get("optimizer")) {
      module.emitError("strata-optimizer: the module has no gradient program from "
                       "strata-autodiff");
      return signalPassFailure();
    }
    if (failed(appendStep(module, entry, *spec)))
      signalPassFailure();
  }

  LogicalResult appendStep(ModuleOp module, func::FuncOp entry, const Optimizer &spec) {
    MLIRContext *ctx = &getContext();
    Block &block = entry.getBody().front();
    auto ret = cast<func::ReturnOp>(block.getTerminator());
    SymbolTable symbols(module);
    // The weights and their gradients, from strata-autodiff's results.
    SmallVector<std::pair<ml_program::GlobalOp, Value>> trained;
    for (unsigned i = 1; i < entry.getNumResults(); ++i) {
      StringRef name = valueName(entry.getResultAttrDict(i));
      if (!name.consume_back(".grad"))
        return entry.emitError("strata-optimizer: result '") << name << "' is not a gradient";
      auto global = symbols.lookup<ml_program::GlobalOp>(name);
      if (!global)
        return entry.emitError("strata-optimizer: no weight '") << name << "'";
      if (!isZeros(ret.getOperand(i)))
        trained.push_back({global, ret.getOperand(i)});
    }
    if (trained.empty())
      return entry.emitError("the loss depends on no weight: there is nothing to train");
    Type element = cast<RankedTensorType>(trained.front().first.getType()).getElementType();
    for (auto [global, grad] : trained)
      if (cast<RankedTensorType>(global.getType()).getElementType() != element)
        return entry.emitError("training needs every weight of one float type: '")
               << global.getSymName() << "' is not " << element;

    // The learning rate and step number, which the training loop fills.
    auto scalarType = RankedTensorType::get({}, element);
    SmallVector<Value> inputs;
    for (StringRef name : {"lr", "step"}) {
      for (unsigned i = 0; i < entry.getNumArguments(); ++i)
        if (valueName(entry.getArgAttrDict(i)) == name)
          return entry.emitError("the model has an input named '")
                 << name << "', which training needs for its own";
      unsigned index = entry.getNumArguments();
      if (failed(
              entry.insertArgument(index, scalarType, valueAttrs(ctx, name, {}), entry.getLoc())))
        return failure();
      inputs.push_back(entry.getArgument(index));
    }

    Location loc = NameLoc::get(StringAttr::get(ctx, "optimizer"), entry.getLoc());
    OpBuilder b(ret);
    SmallVector<Value> results{ret.getOperand(0)};
    SmallVector<Attribute> resultAttrs{entry.getResultAttrDict(0)};
    SmallVector<Attribute> parameterNames, stateNames;
    // With loss scaling, the gradients come multiplied by the scale: they
    // are divided by it, and the step updates nothing unless every one of
    // them is finite.
    auto training = entry->getAttrOfType<DictionaryAttr>(p::ProgramDialect::kTraining);
    LossScaling scaling;
    if (auto name = training.getAs<StringAttr>("loss_scale")) {
      auto global = symbols.lookup<ml_program::GlobalOp>(name);
      if (!global || global.getType() != scalarType)
        return entry.emitError("strata-optimizer: no rank-0 loss scale '")
               << name.getValue() << "' of the weights' type";
      scaling.global = FlatSymbolRefAttr::get(global.getSymNameAttr());
      scaling.scale = ml_program::GlobalLoadOp::create(b, loc, scalarType, scaling.global);
      Value inverse = g::ReciprocalOp::create(b, loc, scaling.scale);
      for (auto &[weight, grad] : trained)
        grad = g::MulOp::create(b, loc, grad, inverse);
    }
    if (scaling.scale)
      scaling.finite = buildAllFinite(b, loc, llvm::to_vector(llvm::make_second_range(trained)));
    Value clipFactor;
    if (spec.clipNorm > 0) {
      Value total = buildSumOfSquares(b, loc, llvm::to_vector(llvm::make_second_range(trained)));
      auto [norm, factor] = buildClipping(b, loc, total, spec.clipNorm);
      clipFactor = factor;
      results.push_back(norm);
      resultAttrs.push_back(valueAttrs(ctx, "grad_norm", {}));
    }
    // At the start, so that the first update placed in the backward pass
    // can read them.
    OpBuilder start(&block, block.begin());
    strata::autodiff::StepScalars scalars =
        strata::autodiff::buildStepScalars(start, loc, spec, inputs[0], inputs[1]);

    for (auto [global, grad] : trained) {
      auto type = cast<RankedTensorType>(global.getType());
      parameterNames.push_back(global.getSymNameAttr());
      global.setIsMutable(true);
      StringAttr name = global.getSymNameAttr();
      auto ref = FlatSymbolRefAttr::get(name);
      SmallVector<ml_program::GlobalLoadConstOp> constLoads;
      entry.walk([&](ml_program::GlobalLoadConstOp load) {
        if (load.getGlobalAttr().getRootReference() == name)
          constLoads.push_back(load);
      });
      for (ml_program::GlobalLoadConstOp load : constLoads) {
        OpBuilder at(load);
        load.replaceAllUsesWith(
            ml_program::GlobalLoadOp::create(at, load.getLoc(), type, ref).getResult());
        load.erase();
      }
      SmallVector<FlatSymbolRefAttr> state;
      OpBuilder top(global);
      top.setInsertionPointAfter(global);
      for (StringRef suffix : spec.stateNames()) {
        auto zero = DenseElementsAttr::get(type, top.getZeroAttr(type.getElementType()));
        auto created =
            ml_program::GlobalOp::create(top, global.getLoc(), name.str() + suffix.str(), type,
                                         /*is_mutable=*/true, zero, top.getStringAttr("private"));
        if (!symbols.insert(created).getValue().ends_with(suffix))
          return created.emitError("a weight named '")
                 << name.getValue() << suffix << "' exists already";
        state.push_back(FlatSymbolRefAttr::get(created.getSymNameAttr()));
        stateNames.push_back(created.getSymNameAttr());
      }

      Value g = clipFactor ? g::MulOp::create(b, loc, grad, clipFactor).getResult() : grad;
      Operation *after = lastReader(block, name, g);
      if (scaling.finite && after->isBeforeInBlock(scaling.finite.getDefiningOp()))
        after = scaling.finite.getDefiningOp();
      OpBuilder at(ctx);
      at.setInsertionPointAfter(after);
      Value weight = ml_program::GlobalLoadOp::create(at, loc, type, ref);
      SmallVector<Value> current;
      for (FlatSymbolRefAttr s : state)
        current.push_back(ml_program::GlobalLoadOp::create(at, loc, type, s));
      SmallVector<Value> next =
          strata::autodiff::buildUpdate(at, loc, spec, scalars, weight, g, current);
      if (scaling.finite) {
        next.front() = g::WhereOp::create(at, loc, scaling.finite, next.front(), weight);
        for (auto [value, old] : llvm::zip_equal(llvm::drop_begin(next), current))
          value = g::WhereOp::create(at, loc, scaling.finite, value, old);
      }
      ml_program::GlobalStoreOp::create(at, loc, ref, next.front());
      for (auto [s, value] : llvm::zip_equal(state, llvm::drop_begin(next)))
        ml_program::GlobalStoreOp::create(at, loc, s, value);
    }
    if (scaling.scale) {
      // The scale is not returned: the program's loop reads it from the
      // weights file's region after the step, as a checkpoint would.
      FailureOr<StringAttr> counter = updateLossScale(b, loc, symbols, scaling);
      if (failed(counter))
        return failure();
      stateNames.append({scaling.global.getAttr(), *counter});
      Value skipped =
          g::WhereOp::create(b, loc, scaling.finite, g::buildScalarTensor(b, loc, element, 0.0),
                             g::buildScalarTensor(b, loc, element, 1.0));
      results.push_back(skipped);
      resultAttrs.push_back(valueAttrs(ctx, "skipped_step", {}));
    }
    func::ReturnOp::create(b, ret.getLoc(), results);
    ret.erase();
    entry.setFunctionType(
        FunctionType::get(ctx, entry.getArgumentTypes(), ValueRange(results).getTypes()));
    entry.setAllResultAttrs(resultAttrs);
    NamedAttrList fields(entry->getAttrOfType<DictionaryAttr>(p::ProgramDialect::kTraining));
    fields.set("optimizer", StringAttr::get(ctx, spec.describe()));
    fields.set("parameters", ArrayAttr::get(ctx, parameterNames));
    fields.set("state", ArrayAttr::get(ctx, stateNames));
    entry->setAttr(p::ProgramDialect::kTraining, fields.getDictionary(ctx));
    return success();
  }
};

} // namespace

//===- Bufferize.cpp - Tensors to buffers in a memory space ---------------===//
//
// Implements `strata-bufferize`, and the bufferisation of immutable weight
// loads, which upstream does not provide for `ml_program.global_load_const`.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Bufferize.h"
#include "lib/lowering/Passes.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotModuleBufferize.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace mlir::bufferization;

namespace strata {
#define GEN_PASS_DEF_BUFFERIZE
#include "lib/lowering/Passes.h.inc"
} // namespace strata

namespace {

/// A load of an immutable global reads the global's buffer: the
/// `memref.global` that upstream bufferisation makes of the `ml_program.global`
/// (same name, default memory space, constant).
struct GlobalLoadConstModel
    : BufferizableOpInterface::ExternalModel<GlobalLoadConstModel, ml_program::GlobalLoadConstOp> {
  bool isWritable(Operation *, Value, const AnalysisState &) const { return false; }

  FailureOr<BufferLikeType> getBufferType(Operation *op, Value, const BufferizationOptions &,
                                          const BufferizationState &, SmallVector<Value> &) const {
    auto type = cast<RankedTensorType>(cast<ml_program::GlobalLoadConstOp>(op).getType());
    return cast<BufferLikeType>(MemRefType::get(type.getShape(), type.getElementType()));
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter, const BufferizationOptions &,
                          BufferizationState &) const {
    auto load = cast<ml_program::GlobalLoadConstOp>(op);
    auto type = cast<RankedTensorType>(load.getType());
    replaceOpWithNewBufferizedOp<memref::GetGlobalOp>(
        rewriter, op, MemRefType::get(type.getShape(), type.getElementType()),
        load.getGlobalAttr().getLeafReference());
    return success();
  }
};

/// Gives every use of a `tensor.empty` or of a weight load its own copy of the
/// op, placed right before the user (a load of a mutable global, whose store
/// comes after all its users, reads the same value there) (or the user's ancestor in the op's
/// block, so no allocation moves into a loop). One-Shot analysis checks every tensor operand
/// against all the reads and writes of its alias set, so a value with n uses costs n^2: CSE merges
/// the empty tensors of equal shape into one, and one weight may feed every layer (a 10,000-node
/// chain spent minutes here). Split, each set holds one use and the analysis is linear. Neither op
/// computes anything: a copy is free, and the buffer plan, not bufferisation,
/// decides which buffers share memory.
void giveEachUseItsOwnDefinition(Operation *root) {
  SmallVector<Operation *> shared;
  root->walk([&](Operation *op) {
    if (isa<tensor::EmptyOp, ml_program::GlobalLoadConstOp, ml_program::GlobalLoadOp>(op) &&
        !op->hasOneUse() && !op->use_empty())
      shared.push_back(op);
  });
  IRRewriter rewriter(root->getContext());
  for (Operation *op : shared) {
    for (OpOperand &use : llvm::make_early_inc_range(llvm::drop_begin(op->getUses()))) {
      Operation *user = op->getBlock()->findAncestorOpInBlock(*use.getOwner());
      if (!user)
        continue;
      rewriter.setInsertionPoint(user);
      use.set(rewriter.clone(*op)->getResult(0));
    }
  }
}

/// Whether `value` is computed into a fresh buffer: the result of a linalg
/// op whose every destination is a `tensor.empty`.
bool computedIntoFreshBuffer(Value value) {
  auto op = value.getDefiningOp<linalg::LinalgOp>();
  return op && llvm::all_of(op.getDpsInits(),
                            [](Value init) { return init.getDefiningOp<tensor::EmptyOp>(); });
}

/// Makes each `ml_program.global_store` store a copy of its value unless the
/// value is computed into a fresh buffer and read by nothing after the
/// store. Upstream's bufferisation of the store (MLIR 22) says it writes its
/// operand's buffer without reading it, so One-Shot gave a store of a value
/// read later, or of one whose buffer it may not write (a loaded global, a
/// slice of another tensor), an uninitialised buffer of its own, and the
/// global received garbage. (The optimizer's stores, of updates computed
/// into fresh buffers and read only before, store in place.)
void storeCopiesOfSharedValues(Operation *root) {
  root->walk([&](ml_program::GlobalStoreOp store) {
    Value value = store.getValue();
    bool readLater = llvm::any_of(value.getUsers(), [&](Operation *user) {
      Operation *ancestor = store->getBlock()->findAncestorOpInBlock(*user);
      return user != store && (!ancestor || store->isBeforeInBlock(ancestor));
    });
    if (computedIntoFreshBuffer(value) && !readLater)
      return;
    OpBuilder builder(store);
    auto copy = AllocTensorOp::create(builder, store.getLoc(),
                                      cast<RankedTensorType>(value.getType()), ValueRange(), value);
    store.getValueMutable().assign(copy);
  });
}

/// The `tensor.empty` that `value` is written into by destination-passing
/// ops alone (linalg ops and insertions, each into the one before), if any.
tensor::EmptyOp emptyWrittenInto(Value value) {
  while (auto op = value.getDefiningOp<DestinationStyleOpInterface>()) {
    if (!isa<linalg::LinalgOp, tensor::InsertSliceOp>(op.getOperation()))
      return nullptr;
    value = op.getTiedOpOperand(cast<OpResult>(value))->get();
  }
  return value.getDefiningOp<tensor::EmptyOp>();
}

/// Makes the ops that compute a result materialised in the caller's memory
/// (strata-output-destinations) write into it: the `tensor.empty` they
/// start from becomes that memory (what upstream's empty tensor elimination
/// does, without its second One-Shot analysis of the module). A
/// concatenation is first written as insertions into an empty
/// tensor, so that its parts (a KV cache's past and new positions) go
/// straight into the caller's memory too. Only chains of linalg ops and
/// insertions qualify (a loop carrying the result, TopK's, keeps its buffer
/// and is copied), and only into the caller's memory: into any insertion, the
/// `tensor.empty` of a value inserted at a checked offset (a KV cache's new
/// positions) would make the op computing it write there before the check
/// (`cf.assert`) that the offset is in bounds. An empty tensor's contents are
/// undefined, so any tensor of its type may stand for it; One-Shot copies
/// where the chain cannot then be written in place.
LogicalResult writeIntoDestinations(ModuleOp module) {
  SmallVector<tensor::ConcatOp> concats;
  module.walk([&](tensor::ConcatOp concat) { concats.push_back(concat); });
  IRRewriter rewriter(module.getContext());
  for (tensor::ConcatOp concat : concats) {
    rewriter.setInsertionPoint(concat);
    FailureOr<SmallVector<Value>> inserted = concat.decomposeOperation(rewriter);
    if (failed(inserted))
      return concat.emitError("cannot write the concatenation as insertions");
    rewriter.replaceOp(concat, *inserted);
  }
  module.walk([&](MaterializeInDestinationOp materialise) {
    tensor::EmptyOp empty = emptyWrittenInto(materialise.getSource());
    if (empty && empty->hasOneUse() && empty.getType() == materialise.getDest().getType())
      rewriter.replaceOp(empty, materialise.getDest());
  });
  return success();
}

/// Returns the views of function arguments that bufferisation cast to the
/// identity layout (a KV cache's present positions, a strided view of its
/// argument) as they are: the cast claims strides the view does not have,
/// and the executor reads every result's strides from its descriptor.
void returnArgumentViewsAsTheyAre(ModuleOp module) {
  module.walk([](func::FuncOp func) {
    if (func.isDeclaration())
      return;
    auto ret = cast<func::ReturnOp>(func.front().getTerminator());
    bool changed = false;
    for (OpOperand &operand : ret->getOpOperands()) {
      auto cast = operand.get().getDefiningOp<memref::CastOp>();
      if (!cast)
        continue;
      Value source = cast.getSource();
      while (auto view = source.getDefiningOp<ViewLikeOpInterface>())
        source = view.getViewSource();
      auto type = dyn_cast<MemRefType>(cast.getSource().getType());
      if (!isa<BlockArgument>(source) || !type || type.getLayout().isIdentity())
        continue;
      operand.set(cast.getSource());
      changed = true;
    }
    if (changed)
      func.setFunctionType(
          FunctionType::get(func.getContext(), func.getArgumentTypes(), ret.getOperandTypes()));
  });
}

struct Bufferize : strata::impl::BufferizeBase<Bufferize> {
  using Base::Base;

  void runOnOperation() override {
    OneShotBufferizationOptions options;
    options.bufferizeFunctionBoundaries = true;
    options.setFunctionBoundaryTypeConversion(LayoutMapOption::IdentityLayoutMap);
    if (memorySpace != 0) {
      Attribute space = IntegerAttr::get(IntegerType::get(&getContext(), 64), memorySpace);
      options.defaultMemorySpaceFn = [space](TensorType) -> std::optional<Attribute> {
        return space;
      };
    }
    giveEachUseItsOwnDefinition(getOperation());
    storeCopiesOfSharedValues(getOperation());
    if (failed(writeIntoDestinations(getOperation())))
      return signalPassFailure();
    BufferizationState state;
    if (failed(runOneShotModuleBufferize(getOperation(), options, state)))
      return signalPassFailure();
    returnArgumentViewsAsTheyAre(getOperation());
  }
};

} // namespace

void strata::registerBufferizationModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, ml_program::MLProgramDialect *) {
    ml_program::GlobalLoadConstOp::attachInterface<GlobalLoadConstModel>(*ctx);
  });
}

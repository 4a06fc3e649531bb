//===- ShareKernels.cpp - Kernels whose loops the device's threads share --===//
//
// Implements `strata-cpu-share-kernels` and `strata-cpu-fork-shared-kernels`.
// A kernel (one linalg op in its own function, strata-cpu-outline-kernels)
// whose outermost loop runs over a parallel dimension takes two more
// arguments, `part` and `parts`, and runs only its part of that loop; called
// with `parts` = 0 it runs nothing and returns its work, in elements. After
// the conversion to LLVM each call becomes a call of `strata_cpu_share`
// (runtime/device/cpu/Team.h) with the kernel's arguments packed in a stack
// struct and a task function that unpacks them: the runtime asks for the
// work, and shares the parts among its team of threads when the work pays
// for waking them, or runs the one part on the calling thread.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_SHAREKERNELS
#define GEN_PASS_DEF_FORKSHAREDKERNELS
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

/// Marks a kernel that takes `part` and `parts` for its fork at the LLVM level.
constexpr llvm::StringLiteral kShared = "strata.cpu.shared";
/// The runtime function that runs a shared kernel's parts.
constexpr llvm::StringLiteral kShare = "strata_cpu_share";

/// Whether every part of `op` may run on any thread at once: no calls
/// (allocations through the device's heap, run-time checks that report to
/// the executor) and no heap allocations.
bool threadSafe(Operation *op) {
  WalkResult result = op->walk([](Operation *inner) {
    if (isa<CallOpInterface, memref::AllocOp, memref::DeallocOp, memref::ReallocOp, cf::AssertOp>(
            inner))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// The one op of `function`'s body with effects, if all others are pure.
Operation *onlyEffect(func::FuncOp function) {
  Operation *found = nullptr;
  for (Operation &op : function.front().without_terminator()) {
    if (isPure(&op))
      continue;
    if (found)
      return nullptr;
    found = &op;
  }
  return found;
}

/// A loop the threads can share and the elements each of its iterations
/// computes (a value of the kernel, so that dynamic sizes count).
struct SharedLoop {
  scf::ForOp loop;
  Value elements;
};

/// Whether dimension `dim` of `op` is parallel and indexes every output, so
/// that its iterations write apart.
bool writesApart(linalg::LinalgOp op, unsigned dim) {
  if (op.getIteratorTypesArray()[dim] != utils::IteratorType::parallel)
    return false;
  AffineExpr expr = getAffineDimExpr(dim, op.getContext());
  return llvm::all_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
    return llvm::is_contained(op.getMatchingIndexingMap(&init).getResults(), expr);
  });
}

/// Tiles `op` by one along its first dimension of more than one iteration,
/// if its iterations write apart, and returns the loop. When that dimension
/// is dynamic (a batch, often one at run time) and the next one also writes
/// apart and is not the last (whose elements each trip keeps), both are
/// tiled and their loops coalesced into one, so that the threads share
/// their product.
SharedLoop tileOuterParallel(linalg::LinalgOp op, RewriterBase &rewriter) {
  auto tileable = dyn_cast<TilingInterface>(op.getOperation());
  if (!tileable || !op.hasPureBufferSemantics())
    return {};
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  auto outer = llvm::find_if(extents, [](int64_t e) { return e != 1; });
  if (outer == extents.end())
    return {};
  unsigned dim = outer - extents.begin();
  if (!writesApart(op, dim))
    return {};
  SmallVector<unsigned> shared = {dim};
  if (ShapedType::isDynamic(extents[dim]) && dim + 2 < extents.size() && extents[dim + 1] != 1 &&
      writesApart(op, dim + 1))
    shared.push_back(dim + 1);
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  // The elements of one iteration: the product of the other dimensions.
  int64_t known = 1;
  Value elements;
  for (auto [d, range] : llvm::enumerate(op.createLoopRanges(rewriter, loc))) {
    if (llvm::is_contained(shared, d))
      continue;
    if (std::optional<int64_t> size = getConstantIntValue(range.size))
      known *= *size;
    else
      elements = elements ? arith::MulIOp::create(rewriter, loc, elements, cast<Value>(range.size))
                          : cast<Value>(range.size);
  }
  Value constant = arith::ConstantIndexOp::create(rewriter, loc, known);
  if (!elements)
    elements = constant;
  else if (known != 1)
    elements = arith::MulIOp::create(rewriter, loc, elements, constant);
  SmallVector<OpFoldResult> sizes(extents.size(), rewriter.getIndexAttr(0));
  for (unsigned d : shared)
    sizes[d] = rewriter.getIndexAttr(1);
  scf::SCFTilingOptions options;
  options.setTileSizes(sizes);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(rewriter, tileable, options);
  if (failed(tiled))
    return {};
  rewriter.eraseOp(op);
  SmallVector<scf::ForOp> loops;
  for (LoopLikeOpInterface loop : tiled->loops)
    if (auto forOp = dyn_cast<scf::ForOp>(loop.getOperation()))
      loops.push_back(forOp);
  if (loops.size() != shared.size() || (loops.size() > 1 && failed(coalesceLoops(rewriter, loops))))
    return {};
  return {loops.front(), elements};
}

/// The loop of `function` its threads can share, or none.
SharedLoop shareableLoop(func::FuncOp function, RewriterBase &rewriter) {
  Operation *work = onlyEffect(function);
  if (!work || !threadSafe(work))
    return {};
  if (auto loop = dyn_cast<scf::ForOp>(work)) {
    auto elements = loop->getAttrOfType<IntegerAttr>(strata::kShareableLoop);
    if (!elements || loop.getNumResults() != 0)
      return {};
    loop->removeAttr(strata::kShareableLoop);
    rewriter.setInsertionPoint(loop);
    return {loop, arith::ConstantIndexOp::create(rewriter, loop.getLoc(), elements.getInt())};
  }
  if (auto op = dyn_cast<linalg::LinalgOp>(work))
    return tileOuterParallel(op, rewriter);
  return {};
}

/// Gives `function` the arguments `part` and `parts` and an index result:
/// with parts = 0 it returns the loop's work (its trips times `elements`),
/// else runs part `part` of the loop's iterations.
void splitLoop(func::FuncOp function, scf::ForOp loop, Value elements) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  Type index = b.getIndexType();
  Block &body = function.front();
  Value part = body.addArgument(index, loc);
  Value parts = body.addArgument(index, loc);
  function.setFunctionType(b.getFunctionType(body.getArgumentTypes(), {index}));

  Value lb = loop.getLowerBound(), ub = loop.getUpperBound(), step = loop.getStep();
  auto constant = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value zero = constant(0);
  Value span = arith::MaxSIOp::create(b, loc, arith::SubIOp::create(b, loc, ub, lb), zero);
  Value trips = arith::CeilDivSIOp::create(b, loc, span, step);
  Value query = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, parts, zero);
  auto branch = scf::IfOp::create(b, loc, TypeRange{index}, query, true, true);

  b.setInsertionPointToStart(branch.thenBlock());
  scf::YieldOp::create(b, loc, ValueRange{arith::MulIOp::create(b, loc, trips, elements)});

  b.setInsertionPointToStart(branch.elseBlock());
  auto bound = [&](Value p) {
    Value first = arith::DivUIOp::create(b, loc, arith::MulIOp::create(b, loc, trips, p), parts);
    return arith::AddIOp::create(b, loc, lb, arith::MulIOp::create(b, loc, first, step));
  };
  Value begin = bound(part);
  Value end =
      arith::MinSIOp::create(b, loc, ub, bound(arith::AddIOp::create(b, loc, part, constant(1))));
  auto yield = scf::YieldOp::create(b, loc, ValueRange{zero});
  loop->moveBefore(yield);
  loop.setLowerBound(begin);
  loop.setUpperBound(end);

  Operation *ret = body.getTerminator();
  b.setInsertionPoint(ret);
  func::ReturnOp::create(b, ret->getLoc(), branch.getResults());
  ret->erase();
  function->setAttr(kShared, b.getUnitAttr());
}

struct ShareKernels : strata::impl::ShareKernelsBase<ShareKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    IRRewriter rewriter(&getContext());
    for (auto function : module.getOps<func::FuncOp>()) {
      if (!function.isPrivate() || function.isExternal() || function.getNumResults() != 0 ||
          !function.getBody().hasOneBlock())
        continue;
      std::optional<SymbolTable::UseRange> uses = function.getSymbolUses(module);
      if (!uses || uses->empty() || llvm::any_of(*uses, [](const SymbolTable::SymbolUse &use) {
            return !isa<func::CallOp>(use.getUser());
          }))
        continue;
      SharedLoop shared = shareableLoop(function, rewriter);
      if (!shared.loop)
        continue;
      splitLoop(function, shared.loop, shared.elements);
      for (const SymbolTable::SymbolUse &use : *uses) {
        auto call = cast<func::CallOp>(use.getUser());
        OpBuilder b(call);
        SmallVector<Value> operands(call.getOperands());
        operands.push_back(arith::ConstantIndexOp::create(b, call.getLoc(), 0));
        operands.push_back(arith::ConstantIndexOp::create(b, call.getLoc(), 1));
        func::CallOp::create(b, call.getLoc(), function, operands);
        call.erase();
      }
    }
  }
};

/// `strata_cpu_share(task, context)`, declared in `module` on first use.
LLVM::LLVMFuncOp shareFunction(ModuleOp module) {
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(kShare))
    return existing;
  MLIRContext *ctx = module.getContext();
  auto b = OpBuilder::atBlockBegin(module.getBody());
  auto pointer = LLVM::LLVMPointerType::get(ctx);
  return LLVM::LLVMFuncOp::create(
      b, module.getLoc(), kShare,
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {pointer, pointer}));
}

struct ForkSharedKernels : strata::impl::ForkSharedKernelsBase<ForkSharedKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<LLVM::LLVMFuncOp> kernels;
    for (auto function : module.getOps<LLVM::LLVMFuncOp>())
      if (function->hasAttr(kShared))
        kernels.push_back(function);
    if (kernels.empty())
      return;
    DenseMap<StringAttr, SmallVector<LLVM::CallOp>> calls;
    module.walk([&](LLVM::CallOp call) {
      if (std::optional<StringRef> callee = call.getCallee())
        calls[StringAttr::get(&getContext(), *callee)].push_back(call);
    });
    LLVM::LLVMFuncOp share = shareFunction(module);
    for (LLVM::LLVMFuncOp kernel : kernels) {
      kernel->removeAttr(kShared);
      ArrayRef<Type> params = kernel.getFunctionType().getParams();
      auto packed = LLVM::LLVMStructType::getLiteral(&getContext(), params.drop_back(2));
      LLVM::LLVMFuncOp task = buildTask(kernel, packed, symbols);
      for (LLVM::CallOp call : calls.lookup(kernel.getSymNameAttr()))
        fork(call, packed, task, share);
    }
  }

  /// `i64 task(ptr context, i64 part, i64 parts)`: calls `kernel` with the
  /// arguments `context` points to.
  LLVM::LLVMFuncOp buildTask(LLVM::LLVMFuncOp kernel, LLVM::LLVMStructType packed,
                             SymbolTable &symbols) {
    MLIRContext *ctx = &getContext();
    Location loc = kernel.getLoc();
    auto pointer = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    OpBuilder b(kernel);
    b.setInsertionPointAfter(kernel);
    auto task = LLVM::LLVMFuncOp::create(b, loc, (kernel.getName() + "_task").str(),
                                         LLVM::LLVMFunctionType::get(i64, {pointer, i64, i64}),
                                         LLVM::Linkage::Internal);
    symbols.insert(task);
    Block *entry = task.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    SmallVector<Value> arguments;
    for (auto [i, type] : llvm::enumerate(packed.getBody())) {
      Value field = LLVM::GEPOp::create(b, loc, pointer, packed, entry->getArgument(0),
                                        ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
      arguments.push_back(LLVM::LoadOp::create(b, loc, type, field));
    }
    arguments.push_back(entry->getArgument(1));
    arguments.push_back(entry->getArgument(2));
    auto call = LLVM::CallOp::create(b, loc, kernel, arguments);
    LLVM::ReturnOp::create(b, loc, call.getResults());
    return task;
  }

  /// Replaces `call` (the kernel's arguments, then part 0 of 1) by
  /// `strata_cpu_share(task, &arguments)`.
  void fork(LLVM::CallOp call, LLVM::LLVMStructType packed, LLVM::LLVMFuncOp task,
            LLVM::LLVMFuncOp share) {
    MLIRContext *ctx = &getContext();
    Location loc = call.getLoc();
    auto pointer = LLVM::LLVMPointerType::get(ctx);
    // One stack slot per calling function, at its entry (calls in loops
    // reuse it: each share returns before the next call).
    auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
    auto b = OpBuilder::atBlockBegin(&caller.front());
    Value one = LLVM::ConstantOp::create(b, loc, b.getI64Type(), b.getI64IntegerAttr(1));
    Value slot = LLVM::AllocaOp::create(b, loc, pointer, packed, one);
    b.setInsertionPoint(call);
    for (auto [i, value] : llvm::enumerate(call.getArgOperands().drop_back(2))) {
      Value field = LLVM::GEPOp::create(b, loc, pointer, packed, slot,
                                        ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
      LLVM::StoreOp::create(b, loc, value, field);
    }
    Value address = LLVM::AddressOfOp::create(b, loc, task);
    LLVM::CallOp::create(b, loc, share, ValueRange{address, slot});
    call.erase();
  }
};

} // namespace

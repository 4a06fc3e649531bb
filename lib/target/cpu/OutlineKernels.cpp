//===- OutlineKernels.cpp - One function per linalg op, noalias operands --===//
//
// Implements `strata-cpu-outline-kernels` and `strata-cpu-mark-noalias`.
// After the buffer plan every buffer is a view of one arena pointer, so LLVM
// cannot tell the buffers of one op apart: it keeps reduction accumulators in
// memory and guards vectorised loops with overlap checks. Each linalg op
// becomes a private function whose memref operands that the plan keeps apart
// (see PlannedAliasing.h) are marked noalias, which LLVM can use.
//
// The function conversion to LLVM drops argument attributes of memrefs (a
// memref becomes several LLVM arguments), so the outliner records, as
// `strata.cpu.noalias`, the LLVM argument positions of those memrefs' aligned
// pointers, and `strata-cpu-mark-noalias` sets `llvm.noalias` on them after
// the conversion.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"
#include "lib/target/cpu/PlannedAliasing.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_OUTLINEKERNELS
#define GEN_PASS_DEF_MARKNOALIAS
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

constexpr llvm::StringLiteral kNoAlias = "strata.cpu.noalias";

/// The LLVM arguments a value of `type` becomes (a ranked memref: allocated
/// and aligned pointers, offset, sizes and strides).
int64_t llvmArgumentCount(Type type) {
  if (auto memref = dyn_cast<MemRefType>(type))
    return 3 + 2 * memref.getRank();
  if (isa<UnrankedMemRefType>(type))
    return 2;
  return 1;
}

struct OutlineKernels : strata::impl::OutlineKernelsBase<OutlineKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<linalg::LinalgOp> ops;
    for (auto function : module.getOps<func::FuncOp>())
      function.walk([&](linalg::LinalgOp op) {
        if (op.hasPureBufferSemantics())
          ops.push_back(op);
      });
    for (linalg::LinalgOp op : ops)
      outline(op, symbols);
  }

  void outline(linalg::LinalgOp op, SymbolTable &symbols) {
    Operation *operation = op.getOperation();
    // Arguments: the op's operands, then what its regions use from outside
    // (constants are cloned instead).
    SetVector<Value> captured;
    getUsedValuesDefinedAbove(operation->getRegions(), captured);
    SmallVector<Value> arguments(operation->getOperands());
    SmallVector<Operation *> constants;
    for (Value v : captured) {
      if (Operation *def = v.getDefiningOp(); def && matchPattern(v, m_Constant()))
        constants.push_back(def);
      else
        arguments.push_back(v);
    }
    SmallVector<Value> unique;
    for (Value v : arguments)
      if (!llvm::is_contained(unique, v))
        unique.push_back(v);

    OpBuilder builder(operation->getParentOfType<func::FuncOp>());
    auto type = builder.getFunctionType(ValueRange(unique).getTypes(), {});
    auto kernel = func::FuncOp::create(builder, op.getLoc(), "strata_kernel", type);
    kernel.setPrivate();
    symbols.insert(kernel);

    // The memrefs no other operand of the op may alias are noalias.
    SmallVector<int64_t> noalias;
    int64_t position = 0;
    for (Value v : unique) {
      bool apart = isa<MemRefType>(v.getType()) && llvm::none_of(unique, [&](Value other) {
                     return other != v && isa<BaseMemRefType>(other.getType()) &&
                            strata::mayAlias(v, other);
                   });
      if (apart)
        noalias.push_back(position + 1);
      position += llvmArgumentCount(v.getType());
    }
    kernel->setAttr(kNoAlias, builder.getDenseI64ArrayAttr(noalias));

    Block *entry = kernel.addEntryBlock();
    OpBuilder body = OpBuilder::atBlockBegin(entry);
    IRMapping mapping;
    for (auto [v, arg] : llvm::zip(unique, entry->getArguments()))
      mapping.map(v, arg);
    for (Operation *c : constants)
      body.clone(*c, mapping);
    body.clone(*operation, mapping);
    func::ReturnOp::create(body, op.getLoc());

    OpBuilder call(operation);
    func::CallOp::create(call, op.getLoc(), kernel, unique);
    operation->erase();
  }
};

struct MarkNoAlias : strata::impl::MarkNoAliasBase<MarkNoAlias> {
  void runOnOperation() override {
    for (auto function : getOperation().getOps<LLVM::LLVMFuncOp>()) {
      auto positions = function->getAttrOfType<DenseI64ArrayAttr>(kNoAlias);
      if (!positions)
        continue;
      for (int64_t p : positions.asArrayRef())
        function.setArgAttr(p, LLVM::LLVMDialect::getNoAliasAttrName(),
                            UnitAttr::get(&getContext()));
      function->removeAttr(kNoAlias);
    }
  }
};

} // namespace

//===- ExportEntryPoints.cpp - C interfaces for public functions ----------===//
//
// Implements `strata-cpu-export-entry-points`.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace strata {
#define GEN_PASS_DEF_EXPORTENTRYPOINTS
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {
struct ExportEntryPoints : strata::impl::ExportEntryPointsBase<ExportEntryPoints> {
  using Base::Base;

  void runOnOperation() override {
    mlir::ModuleOp module = getOperation();
    mlir::SymbolTable symbols(module);
    for (auto func : llvm::make_early_inc_range(module.getOps<mlir::func::FuncOp>())) {
      if (!func.isPublic() || func.isDeclaration())
        continue;
      std::string name = prefix + func.getSymName().str();
      if (failed(symbols.rename(func, name))) {
        func.emitError("cannot rename the entry point to '") << name << "'";
        return signalPassFailure();
      }
      func->setAttr(mlir::LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    mlir::UnitAttr::get(&getContext()));
    }
  }
};
} // namespace

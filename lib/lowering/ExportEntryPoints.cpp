//===- ExportEntryPoints.cpp - C interfaces for public functions ----------===//
//
// Implements `strata-export-entry-points`: the symbols the emitted program's
// generated glue calls.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Passes.h"

#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace strata {
#define GEN_PASS_DEF_EXPORTENTRYPOINTS
#include "lib/lowering/Passes.h.inc"
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
      bool entry = func->hasAttr(strata::program::ProgramDialect::kEntry);
      std::string name = prefix + (entry ? std::string("main") : func.getSymName().str());
      if (name != func.getSymName() && failed(symbols.rename(func, name))) {
        func.emitError("cannot rename the entry point to '") << name << "'";
        return signalPassFailure();
      }
      func->setAttr(mlir::LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    mlir::UnitAttr::get(&getContext()));
    }
  }
};
} // namespace

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
  void runOnOperation() override {
    for (auto func : getOperation().getOps<mlir::func::FuncOp>())
      if (func.isPublic() && !func.isDeclaration())
        func->setAttr(mlir::LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                      mlir::UnitAttr::get(&getContext()));
  }
};
} // namespace

//===- LowerChecks.cpp - Failed run-time checks report to the executor ----===//
//
// Implements `strata-cpu-lower-checks`. Upstream lowers `cf.assert` to a call
// of abort, which kills the program without a word; here each one becomes a
// conditional branch to a block that calls `strata_cpu_check_failed`
// (runtime/device/cpu/Checks.h) with the assert's message and ends in
// `llvm.unreachable`. The call unwinds to the device's invoke, and the
// program prints the message and exits with status 1.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_LOWERCHECKS
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

/// The runtime function a failed check calls (runtime/device/cpu/Checks.h).
constexpr llvm::StringLiteral kCheckFailed = "strata_cpu_check_failed";

struct LowerChecks : strata::impl::LowerChecksBase<LowerChecks> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<cf::AssertOp> checks;
    module.walk([&](cf::AssertOp op) { checks.push_back(op); });
    if (checks.empty())
      return;
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    b.setInsertionPointToStart(module.getBody());
    auto pointer = LLVM::LLVMPointerType::get(ctx);
    auto callee = module.lookupSymbol<LLVM::LLVMFuncOp>(kCheckFailed);
    if (!callee) {
      callee = LLVM::LLVMFuncOp::create(
          b, module.getLoc(), kCheckFailed,
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {pointer}));
      // It never returns, and the code leading to it is never the hot path.
      callee.setPassthroughAttr(b.getArrayAttr(
          {b.getStringAttr("noreturn"), b.getStringAttr("nounwind"), b.getStringAttr("cold")}));
    }
    // One constant per distinct message.
    SymbolTable symbols(module);
    llvm::StringMap<LLVM::GlobalOp> messages;
    for (cf::AssertOp check : checks) {
      Location loc = check.getLoc();
      LLVM::GlobalOp &message = messages[check.getMsg()];
      if (!message) {
        std::string text = check.getMsg().str();
        text.push_back('\0');
        auto type = LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), text.size());
        b.setInsertionPointToStart(module.getBody());
        message = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true, LLVM::Linkage::Internal,
                                         "strata_check_message", b.getStringAttr(text));
        // Renamed to a name no other symbol has.
        symbols.insert(message);
      }
      Block *before = check->getBlock();
      Block *after = before->splitBlock(check);
      Block *failed = b.createBlock(after->getParent(), std::next(Region::iterator(after)));
      b.setInsertionPointToEnd(before);
      cf::CondBranchOp::create(b, loc, check.getArg(), after, ValueRange{}, failed, ValueRange{});
      b.setInsertionPointToEnd(failed);
      Value address = LLVM::AddressOfOp::create(b, loc, message);
      LLVM::CallOp::create(b, loc, callee, ValueRange{address});
      LLVM::UnreachableOp::create(b, loc);
      check.erase();
    }
  }
};

} // namespace

//===- PassFailures.cpp - No pass fails without an error ------------------===//
//
// Counts the errors reported in the context (a diagnostic handler that
// passes every diagnostic on) and compares the count before and after each
// failed pass.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/PassFailures.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"

#include <atomic>
#include <mutex>

using namespace mlir;

namespace strata {
namespace {

class SilentFailureReporter : public PassInstrumentation {
public:
  explicit SilentFailureReporter(MLIRContext *context)
      : context_(context), handler_(context->getDiagEngine().registerHandler([this](Diagnostic &d) {
          if (d.getSeverity() == DiagnosticSeverity::Error)
            ++errors_;
          return failure();
        })) {}

  ~SilentFailureReporter() override { context_->getDiagEngine().eraseHandler(handler_); }

  void runBeforePass(Pass *pass, Operation *op) override {
    std::lock_guard<std::mutex> lock(mutex_);
    errorsBefore_[{pass, op}] = errors_;
  }

  void runAfterPass(Pass *pass, Operation *op) override {
    std::lock_guard<std::mutex> lock(mutex_);
    errorsBefore_.erase({pass, op});
  }

  void runAfterPassFailed(Pass *pass, Operation *op) override {
    int64_t before;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      before = errorsBefore_.lookup({pass, op});
      errorsBefore_.erase({pass, op});
    }
    if (errors_ > before)
      return;
    op->emitError("pass '") << (pass->getArgument().empty() ? pass->getName() : pass->getArgument())
                            << "' failed on '" << op->getName()
                            << "' without saying why (a bug in Strata; please report it with the "
                               "model)";
  }

private:
  MLIRContext *context_;
  DiagnosticEngine::HandlerID handler_;
  std::atomic<int64_t> errors_{0};
  std::mutex mutex_;
  llvm::DenseMap<std::pair<Pass *, Operation *>, int64_t> errorsBefore_;
};

} // namespace

void reportSilentPassFailures(PassManager &pm) {
  pm.addInstrumentation(std::make_unique<SilentFailureReporter>(pm.getContext()));
}

} // namespace strata

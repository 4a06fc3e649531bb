//===- ImportFuzzer.cpp - libFuzzer target for the ONNX importer ----------===//
//
// Feeds each input to the importer as a binary ONNX model and, when it imports,
// runs the canonical pipeline over it: what `stratac compile --compile-to=graph`
// does with a file. Diagnostics are the expected outcome for almost every input
// and are dropped; a crash, an ASan report, a failed assertion or a fatal error
// is a bug. External data paths resolve under a directory that does not exist,
// so no input can make the importer map a file of the machine it runs on.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/Importer.h"
#include "passes/canonical/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <cstddef>
#include <cstdint>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The importer loads the dialects it builds, the pipeline those it creates.
  MLIRContext context(MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler dropDiagnostics(&context, [](Diagnostic &) { return success(); });
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module =
      strata::onnx::importModelBuffer(bytes, "/nonexistent/strata-fuzz/input.onnx", context, {});
  if (!module)
    return 0;
  PassManager pm(&context);
  strata::buildCanonicalPipeline(pm, /*rounds=*/2);
  (void)pm.run(*module);
  return 0;
}

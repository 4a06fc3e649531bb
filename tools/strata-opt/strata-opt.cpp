//===- strata-opt.cpp - Run Strata and upstream passes on textual IR -------===//
//
// The `mlir-opt` of Strata: every dialect and pass the compiler registers, for lit
// tests and for running one phase of the pipeline by hand, and the test-only
// passes of test/lib.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/Registration.h"
#include "test/lib/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  strata::registerAllDialects(registry);
  strata::registerAllPasses();
  strata::test::registerTestPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Strata optimizer driver\n", registry));
}

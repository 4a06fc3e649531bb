//===- Registration.cpp - Dialects and passes Strata registers ------------===//
//
// Keeps the tools thin: each main calls these instead of listing dialects.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/Registration.h"

#include "dialects/graph/GraphDialect.h"
#include "lib/lowering/Passes.h"
#include "passes/canonical/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/Passes.h"

void strata::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, mlir::func::FuncDialect,
                  mlir::tensor::TensorDialect, mlir::linalg::LinalgDialect,
                  mlir::arith::ArithDialect, mlir::math::MathDialect>();
}

void strata::registerAllPasses() {
  mlir::registerTransformsPasses();
  registerCanonicalPasses();
  registerLoweringPasses();
}

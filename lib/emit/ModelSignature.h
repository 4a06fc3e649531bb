//===- ModelSignature.h - Inputs and outputs of a compiled model -*- C++ -*-===//
//
// What the emitted program needs to know about @main's tensors: ONNX names,
// element types as runtime dtypes, shapes and bounds.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_MODELSIGNATURE_H
#define STRATA_LIB_EMIT_MODELSIGNATURE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace strata {

/// One input or output; `dims` uses -1 for dynamic, `maxDims` -1 for unbounded.
struct ModelValue {
  std::string name;
  /// The runtime's `strata_dtype` enumerator, e.g. "STRATA_DTYPE_F32".
  std::string dtype;
  std::vector<int64_t> dims, maxDims;
};

struct ModelSignature {
  std::string name;
  std::vector<ModelValue> inputs, outputs;
};

/// Reads the signature of `func` (tensor arguments and results with `onnx.name`
/// and `onnx.dims` attributes, bounds from `strata.max_dims`). Fails with a
/// diagnostic on a type the runtime cannot carry.
mlir::FailureOr<ModelSignature> readModelSignature(mlir::func::FuncOp func,
                                                   llvm::StringRef modelName);

} // namespace strata

#endif // STRATA_LIB_EMIT_MODELSIGNATURE_H

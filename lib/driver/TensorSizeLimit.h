//===- TensorSizeLimit.h - The largest tensor stratac compiles --*- C++ -*-===//
//
// A model can ask for tensors of any size (ConstantOfShape, Expand, Range or
// Tile with absurd shapes, or declared types); compiling one that no machine
// could hold would only fail later, in the compiler's own allocations or as
// a program that cannot allocate its arenas. stratac refuses every tensor
// whose static size exceeds a limit (`--max-tensor-bytes`), naming the node.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_DRIVER_TENSORSIZELIMIT_H
#define STRATA_LIB_DRIVER_TENSORSIZELIMIT_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>

namespace strata {

/// The default of `--max-tensor-bytes`: 16 GiB.
constexpr uint64_t kDefaultMaxTensorBytes = uint64_t(16) << 30;

/// Checks every statically shaped tensor or buffer in `module` (arguments of
/// functions, results of ops) against `maxBytes`; emits one error at the op
/// or function of the first that exceeds it.
mlir::LogicalResult checkTensorSizes(mlir::ModuleOp module, uint64_t maxBytes);

} // namespace strata

#endif // STRATA_LIB_DRIVER_TENSORSIZELIMIT_H

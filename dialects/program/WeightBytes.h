//===- WeightBytes.h - The bytes a weight's attribute holds ------*- C++ -*-===//
//
// A weight's value is a dense or dense-resource elements attribute; its bytes
// are read in place, except a splat's, which are spelled out. The weights
// file writer and strata-split-weights both read weights this way.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECTS_PROGRAM_WEIGHTBYTES_H
#define STRATA_DIALECTS_PROGRAM_WEIGHTBYTES_H

#include "mlir/IR/Attributes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"

#include <vector>

namespace strata::program {

/// A weight's bytes: a view of its attribute's storage, or of `expanded` for
/// a splat (so a copy would point into the original: moves only).
struct WeightBytes {
  WeightBytes() = default;
  WeightBytes(const WeightBytes &) = delete;
  WeightBytes &operator=(const WeightBytes &) = delete;
  WeightBytes(WeightBytes &&) = default;
  WeightBytes &operator=(WeightBytes &&) = default;

  llvm::ArrayRef<char> data;
  std::vector<char> expanded;
};

/// Points `bytes` at the bytes of `value`; fails when it is not a dense or
/// dense-resource elements attribute or the module does not hold its data
/// (an elided resource).
mlir::LogicalResult readWeightBytes(mlir::Attribute value, WeightBytes &bytes);

} // namespace strata::program

#endif // STRATA_DIALECTS_PROGRAM_WEIGHTBYTES_H

//===- Tensor.h - The object behind strata_tensor ---------------*- C++ -*-===//
//
// Layout of a runtime tensor and the shape arithmetic shared by tensor
// creation and the .npy reader, which must agree on how a shape turns into a
// byte size and reject the same overflowing shapes.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_TENSOR_H
#define STRATA_RUNTIME_CORE_TENSOR_H

#include "strata/runtime.h"

#include <cstddef>
#include <cstdint>

/// A dense row-major tensor. `ownsData` tells whether `data` was allocated by
/// the runtime (and is freed with the tensor, through `block`) or is a
/// caller's view.
struct strata_tensor {
  strata_dtype dtype;
  int32_t rank;
  int64_t dims[STRATA_MAX_RANK];
  int64_t numElements;
  size_t byteSize;
  void *data;
  bool ownsData;
  /// The malloc block `data` is aligned within, when `ownsData`. Not
  /// aligned_alloc: glibc's aligned allocation asks for more than the block
  /// it freed, so a run that freed its outputs and made new ones of the same
  /// size grew the heap by their size instead of reusing it.
  void *block;
};

namespace strata::runtime {

/// Alignment of storage the runtime allocates for tensors: one cache line,
/// enough for any vector load compiled code makes.
constexpr size_t kTensorAlignment = 64;

/// Returns true if `dtype` is one of the strata_dtype enumerators.
bool isValidDtype(strata_dtype dtype);

/// Checks `rank` and `dims` and computes the element count and byte size of
/// a `dtype` tensor of that shape. `what` prefixes error messages (a path, or
/// the API function name).
strata_status computeTensorSize(const char *what, strata_dtype dtype, int32_t rank,
                                const int64_t *dims, int64_t &numElements, size_t &byteSize);

} // namespace strata::runtime

#endif // STRATA_RUNTIME_CORE_TENSOR_H

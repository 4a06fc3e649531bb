//===- Tensor.cpp - strata_tensor creation and queries ----------*- C++ -*-===//
//
// Runtime tensors: a dtype, a shape of at most STRATA_MAX_RANK dimensions and
// a block of row-major data, either owned (zero-filled, 64-byte aligned) or a
// view of caller memory such as a slot of an arena.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Tensor.h"
#include "runtime/core/Status.h"

#include <cinttypes>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

using namespace strata::runtime;

bool strata::runtime::isValidDtype(strata_dtype dtype) { return strata_dtype_size(dtype) != 0; }

strata_status strata::runtime::computeTensorSize(const char *what, strata_dtype dtype, int32_t rank,
                                                 const int64_t *dims, int64_t &numElements,
                                                 size_t &byteSize) {
  if (!isValidDtype(dtype))
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "%s: invalid dtype %d", what,
                     static_cast<int>(dtype));
  if (rank < 0 || rank > STRATA_MAX_RANK)
    return makeError(STRATA_ERROR_UNSUPPORTED,
                     "%s: rank %" PRId32 " is outside the supported 0..%d", what, rank,
                     STRATA_MAX_RANK);
  if (rank > 0 && !dims)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "%s: dims is NULL for rank %" PRId32, what,
                     rank);
  // Multiply in bytes so one check covers both the element count and the
  // byte size; a zero dimension makes every later product zero, which is
  // fine: the tensor is empty however large the other dimensions are.
  size_t elemSize = strata_dtype_size(dtype);
  uint64_t bytes = elemSize;
  uint64_t elements = 1;
  for (int32_t i = 0; i < rank; ++i) {
    if (dims[i] < 0)
      return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                       "%s: dimension %" PRId32 " is negative (%" PRId64 ")", what, i, dims[i]);
    uint64_t dim = static_cast<uint64_t>(dims[i]);
    if (dim != 0 && bytes > std::numeric_limits<int64_t>::max() / dim)
      return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                       "%s: shape is too large: its byte size overflows 64 "
                       "bits",
                       what);
    bytes *= dim;
    elements *= dim;
  }
  if (bytes > std::numeric_limits<size_t>::max())
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "%s: shape is too large for this address space",
                     what);
  numElements = static_cast<int64_t>(elements);
  byteSize = static_cast<size_t>(bytes);
  return nullptr;
}

static strata_status newTensor(const char *what, strata_dtype dtype, int32_t rank,
                               const int64_t *dims, strata_tensor **out, strata_tensor *&tensor) {
  if (!out)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "%s: out is NULL", what);
  *out = nullptr;
  int64_t numElements = 0;
  size_t byteSize = 0;
  if (strata_status status = computeTensorSize(what, dtype, rank, dims, numElements, byteSize))
    return status;
  tensor = new (std::nothrow) strata_tensor{};
  if (!tensor)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate the tensor descriptor", what);
  tensor->dtype = dtype;
  tensor->rank = rank;
  if (rank > 0)
    std::memcpy(tensor->dims, dims, sizeof(int64_t) * rank);
  tensor->numElements = numElements;
  tensor->byteSize = byteSize;
  return nullptr;
}

extern "C" {

size_t strata_dtype_size(strata_dtype dtype) noexcept {
  switch (dtype) {
  case STRATA_DTYPE_I1:
  case STRATA_DTYPE_I8:
  case STRATA_DTYPE_U8:
    return 1;
  case STRATA_DTYPE_F16:
  case STRATA_DTYPE_BF16:
  case STRATA_DTYPE_I16:
  case STRATA_DTYPE_U16:
    return 2;
  case STRATA_DTYPE_F32:
  case STRATA_DTYPE_I32:
  case STRATA_DTYPE_U32:
    return 4;
  case STRATA_DTYPE_F64:
  case STRATA_DTYPE_I64:
  case STRATA_DTYPE_U64:
    return 8;
  }
  return 0;
}

const char *strata_dtype_name(strata_dtype dtype) noexcept {
  switch (dtype) {
  case STRATA_DTYPE_F32:
    return "f32";
  case STRATA_DTYPE_F16:
    return "f16";
  case STRATA_DTYPE_BF16:
    return "bf16";
  case STRATA_DTYPE_F64:
    return "f64";
  case STRATA_DTYPE_I1:
    return "i1";
  case STRATA_DTYPE_I8:
    return "i8";
  case STRATA_DTYPE_I16:
    return "i16";
  case STRATA_DTYPE_I32:
    return "i32";
  case STRATA_DTYPE_I64:
    return "i64";
  case STRATA_DTYPE_U8:
    return "u8";
  case STRATA_DTYPE_U16:
    return "u16";
  case STRATA_DTYPE_U32:
    return "u32";
  case STRATA_DTYPE_U64:
    return "u64";
  }
  return "invalid";
}

strata_status strata_tensor_create(strata_dtype dtype, int32_t rank, const int64_t *dims,
                                   strata_tensor **out) noexcept {
  strata_tensor *tensor = nullptr;
  if (strata_status status = newTensor("strata_tensor_create", dtype, rank, dims, out, tensor))
    return status;
  strata::TensorPtr owner(tensor);
  if (tensor->byteSize > 0) {
    // Room to align the start within the block.
    size_t padded = tensor->byteSize + kTensorAlignment;
    if (padded < tensor->byteSize)
      return makeError(STRATA_ERROR_OUT_OF_MEMORY,
                       "strata_tensor_create: %zu bytes cannot be allocated", tensor->byteSize);
    tensor->block = std::malloc(padded);
    if (!tensor->block)
      return makeError(STRATA_ERROR_OUT_OF_MEMORY,
                       "strata_tensor_create: cannot allocate %zu bytes for a "
                       "%s tensor",
                       tensor->byteSize, strata_dtype_name(dtype));
    auto start = reinterpret_cast<uintptr_t>(tensor->block);
    tensor->data = reinterpret_cast<void *>((start + kTensorAlignment - 1) / kTensorAlignment *
                                            kTensorAlignment);
    tensor->ownsData = true;
    std::memset(tensor->data, 0, tensor->byteSize);
  }
  *out = owner.release();
  return nullptr;
}

strata_status strata_tensor_wrap(strata_dtype dtype, int32_t rank, const int64_t *dims, void *data,
                                 size_t byte_size, strata_tensor **out) noexcept {
  strata_tensor *tensor = nullptr;
  if (strata_status status = newTensor("strata_tensor_wrap", dtype, rank, dims, out, tensor))
    return status;
  strata::TensorPtr owner(tensor);
  if (byte_size != tensor->byteSize)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                     "strata_tensor_wrap: %zu bytes given, but the %s shape "
                     "needs %zu",
                     byte_size, strata_dtype_name(dtype), tensor->byteSize);
  if (!data && byte_size != 0)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                     "strata_tensor_wrap: data is NULL for %zu bytes", byte_size);
  tensor->data = byte_size == 0 ? nullptr : data;
  *out = owner.release();
  return nullptr;
}

void strata_tensor_destroy(strata_tensor *tensor) noexcept {
  if (!tensor)
    return;
  if (tensor->ownsData)
    std::free(tensor->block);
  delete tensor;
}

strata_dtype strata_tensor_dtype(const strata_tensor *tensor) noexcept { return tensor->dtype; }

int32_t strata_tensor_rank(const strata_tensor *tensor) noexcept { return tensor->rank; }

const int64_t *strata_tensor_dims(const strata_tensor *tensor) noexcept { return tensor->dims; }

int64_t strata_tensor_num_elements(const strata_tensor *tensor) noexcept {
  return tensor->numElements;
}

void *strata_tensor_data(strata_tensor *tensor) noexcept { return tensor->data; }

size_t strata_tensor_byte_size(const strata_tensor *tensor) noexcept { return tensor->byteSize; }

} // extern "C"

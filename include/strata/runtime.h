/*===- runtime.h - Strata runtime C API --------------------------*- C -*-===*\
|*                                                                            *|
|* The C interface that executables emitted by stratac, and programs that     *|
|* embed a compiled model, call into the Strata runtime: tensors, status      *|
|* values, .npy and .npz files, packed weights files and Chrome/Perfetto      *|
|* tracing. Plain C types only, so that generated LLVM IR and C embedders can *|
|* call it; no function lets a C++ exception escape.                          *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef STRATA_RUNTIME_H
#define STRATA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define STRATA_NOEXCEPT noexcept
extern "C" {
#else
#define STRATA_NOEXCEPT
#endif

/// Version of the ABI declared in this header. Bumped whenever a declaration
/// changes incompatibly; emitted executables check it at start-up against
/// strata_runtime_abi_version().
#define STRATA_RUNTIME_ABI_VERSION 2

/// The largest tensor rank the runtime (and the .npy reader) supports.
#define STRATA_MAX_RANK 8

/// Returns the STRATA_RUNTIME_ABI_VERSION the runtime library was built with,
/// so a program can detect being linked against a mismatched runtime.
uint32_t strata_runtime_abi_version(void) STRATA_NOEXCEPT;

/*===----------------------------------------------------------------------===*
 * Status
 *===----------------------------------------------------------------------===*/

/// What went wrong. Values are part of the ABI and never renumbered.
typedef enum strata_status_code {
  /// Success; the code of a NULL strata_status.
  STRATA_OK = 0,
  /// A caller passed a NULL pointer, a bad rank, a bad dimension, etc.
  STRATA_ERROR_INVALID_ARGUMENT = 1,
  /// A memory allocation failed.
  STRATA_ERROR_OUT_OF_MEMORY = 2,
  /// A system call on a file failed (open, read, write, rename, ...).
  STRATA_ERROR_IO = 3,
  /// A file's contents are malformed (bad magic, truncated, bad header).
  STRATA_ERROR_FORMAT = 4,
  /// Well-formed input the runtime does not support (dtype, layout, rank).
  STRATA_ERROR_UNSUPPORTED = 5,
  /// A request lies outside an arena or breaks its alignment.
  STRATA_ERROR_OUT_OF_RANGE = 6,
  /// A call was made in the wrong state (e.g. trace end without begin).
  STRATA_ERROR_FAILED_PRECONDITION = 7,
  /// A lookup by name found nothing of that name.
  STRATA_ERROR_NOT_FOUND = 8,
} strata_status_code;

/// Result of every fallible call. NULL means success; anything else is an
/// error the caller owns and must release with strata_status_free().
typedef struct strata_status_object *strata_status;

/// Returns the code of `status`; STRATA_OK for NULL.
strata_status_code strata_status_get_code(strata_status status) STRATA_NOEXCEPT;

/// Returns the human-readable message of `status`: what is wrong and where
/// (for files, the message starts with the path). Returns "" for NULL. The
/// string lives as long as `status`.
const char *strata_status_message(strata_status status) STRATA_NOEXCEPT;

/// Releases `status`. Accepts NULL.
void strata_status_free(strata_status status) STRATA_NOEXCEPT;

/*===----------------------------------------------------------------------===*
 * Tensors
 *===----------------------------------------------------------------------===*/

/// Element type of a tensor. Values are part of the ABI and never renumbered.
typedef enum strata_dtype {
  STRATA_DTYPE_F32 = 0,  ///< IEEE binary32.
  STRATA_DTYPE_F16 = 1,  ///< IEEE binary16.
  STRATA_DTYPE_BF16 = 2, ///< bfloat16 (.npy descr '<V2', see strata_npy_load).
  STRATA_DTYPE_F64 = 3,  ///< IEEE binary64.
  STRATA_DTYPE_I1 = 4,   ///< Boolean, one byte per element holding 0 or 1.
  STRATA_DTYPE_I8 = 5,   ///< Signed 8-bit integer.
  STRATA_DTYPE_I16 = 6,  ///< Signed 16-bit integer.
  STRATA_DTYPE_I32 = 7,  ///< Signed 32-bit integer.
  STRATA_DTYPE_I64 = 8,  ///< Signed 64-bit integer.
  STRATA_DTYPE_U8 = 9,   ///< Unsigned 8-bit integer.
  STRATA_DTYPE_U16 = 10, ///< Unsigned 16-bit integer.
  STRATA_DTYPE_U32 = 11, ///< Unsigned 32-bit integer.
  STRATA_DTYPE_U64 = 12, ///< Unsigned 64-bit integer.
} strata_dtype;

/// Returns the size in bytes of one element of `dtype`, or 0 if `dtype` is not
/// a strata_dtype value.
size_t strata_dtype_size(strata_dtype dtype) STRATA_NOEXCEPT;

/// Returns the short name of `dtype` ("f32", "bf16", "u64", ...), or
/// "invalid" if `dtype` is not a strata_dtype value.
const char *strata_dtype_name(strata_dtype dtype) STRATA_NOEXCEPT;

/// A dense, row-major (C order) tensor: element type, rank, dimensions and a
/// data pointer. Either owns its storage (strata_tensor_create, loaded .npy
/// files) or views memory owned by someone else (strata_tensor_wrap).
typedef struct strata_tensor strata_tensor;

/// Creates a tensor of `dtype` with `rank` dimensions `dims` (rank 0 is a
/// scalar and `dims` may then be NULL) and zero-filled storage aligned to 64
/// bytes. Fails if the rank exceeds STRATA_MAX_RANK, a dimension is negative,
/// the byte size overflows, or memory runs out. On success `*out` is owned by
/// the caller (release with strata_tensor_destroy); on failure it is NULL.
strata_status strata_tensor_create(strata_dtype dtype, int32_t rank, const int64_t *dims,
                                   strata_tensor **out) STRATA_NOEXCEPT;

/// Creates a tensor that views `byte_size` bytes at `data` (e.g. a slot of an
/// arena) without owning them. `byte_size` must equal the size implied by
/// `dtype` and `dims`; `data` must be non-NULL unless that size is 0. The
/// memory must outlive the tensor.
strata_status strata_tensor_wrap(strata_dtype dtype, int32_t rank, const int64_t *dims, void *data,
                                 size_t byte_size, strata_tensor **out) STRATA_NOEXCEPT;

/// Destroys `tensor`, releasing its storage if it owns it. Accepts NULL.
void strata_tensor_destroy(strata_tensor *tensor) STRATA_NOEXCEPT;

/// Returns the element type of `tensor`.
strata_dtype strata_tensor_dtype(const strata_tensor *tensor) STRATA_NOEXCEPT;

/// Returns the rank of `tensor` (0 for a scalar).
int32_t strata_tensor_rank(const strata_tensor *tensor) STRATA_NOEXCEPT;

/// Returns the `rank` dimensions of `tensor`; valid while `tensor` lives.
const int64_t *strata_tensor_dims(const strata_tensor *tensor) STRATA_NOEXCEPT;

/// Returns the number of elements of `tensor` (1 for a scalar).
int64_t strata_tensor_num_elements(const strata_tensor *tensor) STRATA_NOEXCEPT;

/// Returns the data of `tensor`, or NULL when it holds zero bytes.
void *strata_tensor_data(strata_tensor *tensor) STRATA_NOEXCEPT;

/// Returns the size of the data of `tensor` in bytes.
size_t strata_tensor_byte_size(const strata_tensor *tensor) STRATA_NOEXCEPT;

/*===----------------------------------------------------------------------===*
 * .npy and .npz files
 *===----------------------------------------------------------------------===*/

/// Reads the NumPy .npy file at `path` (format versions 1.0, 2.0 and 3.0;
/// little-endian dtypes <f2 <f4 <f8 |b1 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8, and
/// <V2 for bfloat16, the descr NumPy writes for an ml_dtypes.bfloat16 array;
/// C order; rank 0 to STRATA_MAX_RANK) into a new tensor owned by the caller.
/// Every error message starts with `path` and says what is wrong. On failure
/// `*out` is NULL.
strata_status strata_npy_load(const char *path, strata_tensor **out) STRATA_NOEXCEPT;

/// Writes `tensor` to `path` as a .npy file (version 1.0, or 2.0 if the header
/// does not fit 1.0). The file is written to "<path>.tmp.<pid>", flushed and
/// renamed over `path`, so readers see the old file or the complete new one;
/// on any error the temporary file is removed and `path` is untouched. bf16
/// tensors are written with descr '<V2' (np.load gives raw 2-byte values;
/// `.view(ml_dtypes.bfloat16)` reads them as bfloat16).
strata_status strata_npy_save(const char *path, const strata_tensor *tensor) STRATA_NOEXCEPT;

/// Reads the .npz archive at `path` as numpy.savez(path, *arrays) writes it:
/// an uncompressed zip (with the zip64 extensions NumPy writes accepted) of
/// .npy members named arr_0.npy, arr_1.npy, ... in that order, each read as
/// strata_npy_load reads a file. Every member's CRC-32 is checked. Refused,
/// with a message that starts with `path` (and the member's name, for a
/// member) and says why: a file that is not a zip or is truncated, compressed
/// archives (numpy.savez_compressed), encrypted or split ones, and members
/// named otherwise (numpy.savez(path, x=...) keyword names are not a
/// sequence). On success `*out_tensors` is a new array of `*out_count`
/// tensors owned by the caller (release both with strata_tensor_list_free);
/// an archive without members gives count 0 and a NULL array. On failure
/// `*out_tensors` is NULL and `*out_count` 0.
strata_status strata_npz_load(const char *path, strata_tensor ***out_tensors,
                              int32_t *out_count) STRATA_NOEXCEPT;

/// Writes the `count` tensors of `tensors` to `path` as numpy.savez(path,
/// *arrays) would: a zip of stored (uncompressed) members arr_0.npy,
/// arr_1.npy, ... with CRC-32s, each the bytes strata_npy_save writes for the
/// tensor. The archive is a plain zip without zip64 extensions, so it holds at
/// most 65534 tensors and 4 GiB - 1 bytes in all; larger archives are refused.
/// Written atomically like strata_npy_save. `count` 0 writes an empty archive.
strata_status strata_npz_save(const char *path, const strata_tensor *const *tensors,
                              int32_t count) STRATA_NOEXCEPT;

/// Destroys the `count` tensors of `tensors`, a list from strata_npz_load, and
/// the array itself. Accepts NULL.
void strata_tensor_list_free(strata_tensor **tensors, int32_t count) STRATA_NOEXCEPT;

/*===----------------------------------------------------------------------===*
 * Packed weights (the file layout is in strata/weights.h)
 *===----------------------------------------------------------------------===*/

/// A weights file mapped into memory privately: what the program writes there
/// (a training program's updates) never reaches the file.
typedef struct strata_weights strata_weights;

/// The checksum of `bytes` bytes at `data` that weights files record per
/// tensor: 64-bit FNV-1a over little-endian 8-byte words, then the tail bytes.
uint64_t strata_checksum(const void *data, size_t bytes) STRATA_NOEXCEPT;

/// The layout id of a weights file whose index is the `count`
/// strata_weights_entry records (strata/weights.h) at `index` and whose
/// string table is the `names_bytes` bytes at `names`: the strata_checksum of
/// the index, with every entry's checksum taken as zero, followed by the
/// string table. It depends on the tensors' names, sizes and places, not on
/// their values.
uint64_t strata_weights_layout_id(const void *index, uint32_t count, const char *names,
                                  uint64_t names_bytes) STRATA_NOEXCEPT;

/// Writes the weights in memory, as the program's runs have left them (a
/// training program updates its weights and its optimizer's state there),
/// to `path` as a weights file with the header (model id included), layout
/// and names of the one opened and fresh checksums, atomically: a temporary file renamed
/// into place, so that `path` holds either its old contents or the whole
/// new file.
strata_status strata_weights_save(const strata_weights *weights,
                                  const char *path) STRATA_NOEXCEPT;

/// The number of tensors in `weights`, and the name, bytes and size of
/// tensor `index` (in the file's order): the name and bytes stay valid until
/// strata_weights_close. Fails for an index out of range.
size_t strata_weights_count(const strata_weights *weights) STRATA_NOEXCEPT;
strata_status strata_weights_tensor(const strata_weights *weights, size_t index, const char **name,
                                    const void **data, size_t *bytes) STRATA_NOEXCEPT;

/// Maps the weights file at `path` and checks it: magic, version, size, that
/// its model id is `model_id` (the program it was compiled with), that every
/// name lies in the string table and no two tensors share one, that every
/// tensor is aligned and inside the data region, and every tensor's checksum.
/// Errors name the file, and the tensor where one is at fault. On success
/// `*out` owns the mapping (release with strata_weights_close).
strata_status strata_weights_open(const char *path, uint64_t model_id,
                                  strata_weights **out) STRATA_NOEXCEPT;

/// As strata_weights_open, with the model id the file's header records: every
/// other check holds (the layout id, each tensor's checksum). For tools that
/// read the weights file of any program (a checkpoint, an inference
/// program's file to export into).
strata_status strata_weights_open_any(const char *path, strata_weights **out) STRATA_NOEXCEPT;

/// As strata_weights_open, except that the checksums of the `count` tensors
/// named in `streamed` are not checked here but as each is first read from
/// the file itself (the tier plan's NVMe tier reads them so, and nothing reads
/// them through the mapping), so that opening does not read them. A name the
/// file lacks is ignored.
strata_status strata_weights_open_streamed(const char *path, uint64_t model_id,
                                           const char *const *streamed, size_t count,
                                           strata_weights **out) STRATA_NOEXCEPT;

/// Releases the mapping; NULL is ignored.
void strata_weights_close(strata_weights *weights) STRATA_NOEXCEPT;

/// The start of the data region and its size in bytes; tensors lie at their
/// offsets from the start.
const void *strata_weights_data(const strata_weights *weights) STRATA_NOEXCEPT;
size_t strata_weights_size(const strata_weights *weights) STRATA_NOEXCEPT;

/// Finds the tensor called `name`: `*data` receives its bytes in the mapping
/// (valid until strata_weights_close) and `*bytes` their number. Fails with
/// STRATA_ERROR_NOT_FOUND, naming the file and `name`, when the file holds no
/// tensor of that name; `*data` is then NULL and `*bytes` 0.
strata_status strata_weights_find(const strata_weights *weights, const char *name,
                                  const void **data, size_t *bytes) STRATA_NOEXCEPT;

/*===----------------------------------------------------------------------===*
 * Tracing
 *===----------------------------------------------------------------------===*/

/// Opens a span named `name` in category `category` on the calling thread.
/// Spans nest: each strata_trace_end closes the innermost open span of its
/// thread. Both strings are copied.
strata_status strata_trace_begin(const char *name, const char *category) STRATA_NOEXCEPT;

/// Closes the innermost open span of the calling thread and records it as a
/// complete event. Fails if the thread has no open span.
strata_status strata_trace_end(void) STRATA_NOEXCEPT;

/// Writes every completed span of every thread to `path` as Chrome / Perfetto
/// trace-event JSON ({"traceEvents":[{"name","cat","ph":"X","ts","dur","pid",
/// "tid"}...]}, times in microseconds since the first span), atomically like
/// strata_npy_save. Spans still open are not written. Recorded spans are kept.
strata_status strata_trace_write(const char *path) STRATA_NOEXCEPT;

/// Discards every completed span. Open spans stay open.
void strata_trace_clear(void) STRATA_NOEXCEPT;

#ifdef __cplusplus
} /* extern "C" */

#include <memory>

namespace strata {
/// Deleter so that std::unique_ptr owns runtime handles.
struct RuntimeDeleter {
  void operator()(strata_status_object *s) const noexcept { strata_status_free(s); }
  void operator()(strata_tensor *t) const noexcept { strata_tensor_destroy(t); }
  void operator()(strata_weights *w) const noexcept { strata_weights_close(w); }
};
/// Owning handle of an error status (null on success).
using StatusPtr = std::unique_ptr<strata_status_object, RuntimeDeleter>;
/// Owning handle of a tensor.
using TensorPtr = std::unique_ptr<strata_tensor, RuntimeDeleter>;
/// Owning handle of a mapped weights file.
using WeightsPtr = std::unique_ptr<strata_weights, RuntimeDeleter>;
} // namespace strata
#endif

#undef STRATA_NOEXCEPT

#endif /* STRATA_RUNTIME_H */

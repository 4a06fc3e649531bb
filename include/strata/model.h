/*===- model.h - The contract between a compiled model and its executor -===*
 *
 * stratac emits, next to the compiled code, a description of the model's inputs
 * and outputs and an entry point; the runtime's executor (the emitted program's
 * main) reads the description to check and pass tensors. Plain C so that the
 * generated part and embedders need nothing else.
 *
 *===----------------------------------------------------------------------===*/

#ifndef STRATA_MODEL_H
#define STRATA_MODEL_H

#include "strata/runtime.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Version of this contract; the executor refuses a model built for another.
#define STRATA_MODEL_ABI_VERSION 3

/// What an input or output holds. Sequences and optionals are not computed on:
/// each is an input that the model passes on unchanged to outputs (`source`).
typedef enum strata_value_kind {
  STRATA_VALUE_TENSOR = 0,
  /// A list of tensors, each of the value's dtype and, when ranked, shape.
  STRATA_VALUE_SEQUENCE = 1,
  /// A tensor or nothing.
  STRATA_VALUE_OPTIONAL_TENSOR = 2,
  /// A sequence or nothing.
  STRATA_VALUE_OPTIONAL_SEQUENCE = 3,
} strata_value_kind;

/// One input or output of the model. `dims[i]` is -1 for a dimension known only
/// at run time; `max_dims[i]` is then its upper bound or -1 when unbounded.
/// For sequences and optionals, dtype, rank and dims describe the tensors they
/// hold; `rank` is -1 when those may have any shape.
typedef struct strata_model_value {
  const char *name;
  strata_value_kind kind;
  strata_dtype dtype;
  int32_t rank;
  const int64_t *dims;
  const int64_t *max_dims;
  /// Outputs: the input this output is, unchanged; -1 for computed outputs.
  int32_t source;
  /// Inputs: 1 when the model reads neither the data nor the shape, only the
  /// dtype (CastLike's second input, or an input no node uses), so the
  /// executor checks only the dtype.
  int32_t type_only;
} strata_model_value;

/// Runs the model once. `inputs[i]` points to input i's memref descriptor, of
/// the declared rank (NULL for inputs that are not tensors, which the compiled
/// code never sees; sizes are meaningless for type-only inputs),
/// `weights` to the descriptor of the mapped weights file (a 1-D byte memref);
/// `results` to storage for the descriptors of the computed outputs (those
/// with `source` -1), in order. A descriptor of
/// rank R is 3 + 2R 64-bit words: allocated pointer, aligned pointer, offset,
/// R sizes, R strides (elements). Output buffers are allocated with malloc by
/// the compiled code and belong to the caller, except those that alias inputs
/// or constants (the executor copies outputs out before releasing anything).
typedef void (*strata_model_invoke_fn)(void **inputs, void *weights, void *results);

/// The compiled model, defined in the generated part of every emitted program.
typedef struct strata_model {
  uint32_t abi_version;
  const char *name;
  int32_t num_inputs;
  const strata_model_value *inputs;
  int32_t num_outputs;
  const strata_model_value *outputs;
  /// The weights file's name, found next to the program unless overridden,
  /// and the model id it must carry (see strata/weights.h).
  const char *weights_file;
  uint64_t weights_id;
  strata_model_invoke_fn invoke;
} strata_model;

extern const strata_model strata_compiled_model;

#ifdef __cplusplus
} // extern "C"
#endif

#endif // STRATA_MODEL_H

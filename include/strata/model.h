/*===- model.h - The contract between a compiled model and its executor -===*
 *
 * stratac emits, next to the compiled code, a description of the model's inputs
 * and outputs, the arenas its buffers live in, the device it runs on and an
 * entry point; the runtime's executor (the emitted program's main) reads the
 * description to check and pass tensors. Plain C so that the generated part and
 * embedders need nothing else.
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
#define STRATA_MODEL_ABI_VERSION 12

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
/// at run time; `max_dims[i]` is then its upper bound or -1 when unbounded;
/// `dim_names[i]` is the dimension's name ("" when unnamed): inputs whose
/// dimensions share a name must agree on its size, which the executor checks
/// (the compiled code's buffers are sized on that assumption).
/// For sequences and optionals, dtype, rank and dims describe the tensors they
/// hold; `rank` is -1 when those may have any shape.
typedef struct strata_model_value {
  const char *name;
  strata_value_kind kind;
  strata_dtype dtype;
  int32_t rank;
  const int64_t *dims;
  const int64_t *max_dims;
  const char *const *dim_names;
  /// Outputs: the input this output is, unchanged; -1 for computed outputs.
  int32_t source;
  /// Inputs: 1 when the model reads neither the data nor the shape, only the
  /// dtype (CastLike's second input, or an input no node uses), so the
  /// executor checks only the dtype.
  int32_t type_only;
  /// Inputs: the shape (`rank` sizes) of the input's default, which the
  /// weights file holds under the input's name, in the input's dtype
  /// (booleans one byte each); the executor passes it when the caller gives
  /// no value. NULL when the input has no default and must be given. (An ONNX
  /// initializer that shares its name with a graph input is that input's
  /// default.)
  const int64_t *default_dims;
  /// Inputs: the axis along which the program appends to this input in
  /// place, a decoder's KV cache (see strata_model), or -1. The input keeps
  /// its ONNX shape, `cache_capacity` positions at most along the axis.
  int32_t cache_axis;
  int64_t cache_capacity;
  /// Outputs: the input whose cache this output is a view of (its positions
  /// before the run and those the run appended), or -1.
  int32_t cache_input;
  /// Inputs with a cache axis: the memory space the executor allocates the
  /// cache in (a strata_memory_space): device memory, or pinned host memory
  /// where the tier plan put the cache there, which the device reads and
  /// appends to in place.
  int32_t cache_space;
  /// Outputs: 1 when the compiled code writes this output into memory the
  /// caller passes (a row-major buffer of its static shape; see
  /// strata_model_invoke_fn), 0 when it returns the output elsewhere.
  int32_t destination;
} strata_model_value;

/// Where an arena lives. Values are part of the contract and never renumbered.
typedef enum strata_memory_space {
  /// The device's own memory: a GPU's, or host RAM for a device without
  /// memory of its own.
  STRATA_MEMORY_DEVICE = 0,
  /// Host memory the device copies to and from directly (pinned on a GPU).
  STRATA_MEMORY_HOST = 1,
} strata_memory_space;

/// The number of strata_memory_space values.
#define STRATA_MEMORY_SPACE_COUNT 2

/// One arena of the buffer plan: a block the executor allocates once, when
/// the program loads, and passes to every run. The compiled code places its
/// buffers (computed outputs included) at planned offsets in it.
typedef struct strata_model_arena {
  strata_memory_space space;
  /// The arena's size.
  uint64_t bytes;
  /// The most bytes live at once under the plan's schedule: no arena for
  /// these buffers can be smaller. Reported next to `bytes`.
  uint64_t lower_bound;
  /// Alignment of the arena's base address, a power of two.
  uint64_t alignment;
} strata_model_arena;

/// Runs the model once. `inputs[i]` points to input i's memref descriptor, of
/// the declared rank (NULL for inputs that are not tensors, which the compiled
/// code never sees; sizes are meaningless for type-only inputs). For an
/// input with a cache axis, the descriptor is that of the cache buffer, of
/// `cache_capacity` positions along the axis, and `inputs[num_inputs + k]`
/// (k counting the cache inputs in order) that of a rank-0 int64 holding how
/// many positions of the k-th cache are filled; the run writes its new
/// positions after them, and the output whose `cache_input` names the input
/// is a view of the cache's filled positions; after those, for each output
/// with `destination` 1, in the outputs' order, the descriptor of a
/// row-major buffer of the output's shape that the run writes the output
/// into (apart from every input's memory) and returns;
/// `weights` to the descriptor of the weights file's data region (a 1-D byte
/// memref; see strata/weights.h); `arenas[j]` to the descriptor of arena j (a
/// 1-D byte memref of `bytes` bytes); `results` to storage for the
/// descriptors of the computed outputs (those with `source` -1), in order. A
/// descriptor of rank R is 3 + 2R 64-bit words: allocated pointer, aligned
/// pointer, offset, R sizes, R strides (elements). A returned descriptor may
/// point into an arena, an input, the weights, a constant or a block the
/// compiled code allocated through the device's fallback allocator, or an
/// output's destination (its own, or another output's for a value the model
/// returns twice); the executor copies the outputs without a destination
/// out, then releases every fallback block still live.
typedef void (*strata_model_invoke_fn)(void **inputs, void *weights, void **arenas, void *results);

/// A device the program runs on (runtime/device/Device.h); opaque to C.
typedef struct strata_device strata_device;

/// How the program asks its device to run.
typedef struct strata_device_options {
  /// Host threads the device may use for its work (at least 1).
  int32_t threads;
  /// The most bytes the device's memory may hold for this program (its
  /// arenas); 0: all the device has.
  uint64_t device_memory;
  /// The directory the NVMe tier keeps its weights in (docs/tiers.md), which
  /// must have `nvme_bytes` bytes free; NULL: they are read from the
  /// weights file where it lies.
  const char *nvme_directory;
  uint64_t nvme_bytes;
} strata_device_options;

/// Creates the device the compiled code was built for into `out`, a handle
/// the caller provides and owns.
typedef strata_status (*strata_device_factory_fn)(const strata_device_options *options,
                                                  strata_device *out);

/// What the tier plan predicted (docs/tiers.md), for --report to print next
/// to what a run measures.
typedef struct strata_tier_plan {
  /// Peak bytes of device memory and of pinned host memory.
  uint64_t device_bytes;
  uint64_t host_bytes;
  /// Bytes of the weights kept resident in device memory.
  uint64_t resident_bytes;
  /// Bytes of the weights whose home is NVMe.
  uint64_t nvme_bytes;
  /// Bytes copied to the device, and read from NVMe, per step.
  uint64_t h2d_bytes;
  uint64_t nvme_read_bytes;
  /// The step time, in nanoseconds; of it, the time the compute waits for
  /// copies; and the time the copies take in all.
  uint64_t step_ns;
  uint64_t stall_ns;
  uint64_t copy_ns;
  /// The NVMe directory given at compile time (--nvme-dir), the program's
  /// default; NULL: none.
  const char *nvme_directory;
  /// The weights at home on NVMe, which the program reads only from the file
  /// itself (strata_weights_open_streamed).
  int32_t num_nvme_weights;
  const char *const *nvme_weights;
  /// Bytes of the weights whose home is the host (read where the weights
  /// file is mapped; of `host_bytes`, the rest is pinned host memory).
  uint64_t host_weight_bytes;
} strata_tier_plan;

/// What a training program (stratac --train, docs/training.md) is: each run
/// is one optimizer step that reads the weights and the optimizer's state
/// from the weights file's data region and writes them back there.
typedef struct strata_training {
  /// The loss (stratac's --loss, "cross_entropy:logits,input_ids,shift") and
  /// the optimizer with every setting ("adamw:beta1=0.9,...").
  const char *loss;
  const char *optimizer;
  /// The inputs that take the learning rate and the step number (from 1),
  /// rank-0 tensors of the weights' float type.
  int32_t lr_input;
  int32_t step_input;
  /// The input the loss reads its target from, and whether the loss scores
  /// position i's logits against target i + 1 (a causal language model's
  /// `shift`), so that the target is the tokens themselves.
  int32_t target_input;
  int32_t shift;
  /// The names of the weights the step trains and of the optimizer's state
  /// (each weight's `.exp_avg`, `.exp_avg_sq` or `.momentum_buffer`), as
  /// tensors of the weights file.
  int32_t num_parameters;
  const char *const *parameters;
  int32_t num_state;
  const char *const *state;
  /// The ONNX model the program was compiled from, for writing the trained
  /// weights back as its initializers (`--export-onnx`): `onnx_model` is its
  /// ModelProto without the initializers of the trained weights (its other
  /// initializers inline), and `onnx_initializers[i]` the TensorProto of
  /// parameter i without its data (name, dims, data type). Protobuf merges a
  /// second `graph` field into the first, so the model with the trained
  /// weights is `onnx_model` followed by a `graph` holding those tensors.
  /// NULL and 0 when the trained weights are not all initializers of the
  /// model's main graph.
  const uint8_t *onnx_model;
  uint64_t onnx_model_bytes;
  const uint8_t *const *onnx_initializers;
  const uint32_t *onnx_initializer_bytes;
} strata_training;

/// The compiled model, defined in the generated part of every emitted program.
typedef struct strata_model {
  uint32_t abi_version;
  const char *name;
  int32_t num_inputs;
  const strata_model_value *inputs;
  int32_t num_outputs;
  const strata_model_value *outputs;
  /// The arenas of the buffer plan, in the order `invoke` takes them.
  int32_t num_arenas;
  const strata_model_arena *arenas;
  /// The weights file's name, found next to the program unless overridden,
  /// and the model id it must carry (see strata/weights.h).
  const char *weights_file;
  uint64_t weights_id;
  /// The factory of the device the compiled code runs on.
  strata_device_factory_fn create_device;
  strata_model_invoke_fn invoke;
  /// What the tier plan predicted; NULL when the model was compiled without one.
  const strata_tier_plan *tier_plan;
  /// NULL for an inference program.
  const strata_training *training;
} strata_model;

extern const strata_model strata_compiled_model;

#ifdef __cplusplus
} // extern "C"
#endif

#endif // STRATA_MODEL_H

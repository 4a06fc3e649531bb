//===- ModelSignature.h - Inputs and outputs of a compiled model -*- C++ -*-===//
//
// What the emitted program needs to know about @main's tensors: ONNX names,
// element types as runtime dtypes, shapes and bounds.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_MODELSIGNATURE_H
#define STRATA_LIB_EMIT_MODELSIGNATURE_H

#include "strata/model.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>
#include <string>
#include <vector>

namespace strata {

/// One input or output; `dims` uses -1 for dynamic, `maxDims` -1 for unbounded.
struct ModelValue {
  std::string name;
  /// The `strata_value_kind` enumerator: a tensor, or a sequence or optional
  /// carried from an input (`source`) to outputs unchanged.
  std::string kind = "STRATA_VALUE_TENSOR";
  /// The runtime's `strata_dtype` enumerator, e.g. "STRATA_DTYPE_F32"; of the
  /// elements for sequences and optionals.
  std::string dtype;
  /// False for sequence elements declared without a shape.
  bool ranked = true;
  std::vector<int64_t> dims, maxDims;
  /// The name of each dimension (empty when unnamed): inputs that share a
  /// name must agree on its size.
  std::vector<std::string> dimNames;
  /// Outputs: the index of the input passed on unchanged, or -1.
  int64_t source = -1;
  /// Inputs: the model reads neither the data nor the shape (only the dtype).
  bool typeOnly = false;
  /// Inputs: the shape of the default the weights file holds, if any.
  std::optional<std::vector<int64_t>> defaultDims;
  /// Inputs: the axis the program appends to in place (a KV cache), or -1,
  /// and the positions the cache holds at most.
  int64_t cacheAxis = -1, cacheCapacity = 0;
  /// Outputs: the input whose cache the output is a view of, or -1.
  int64_t cacheInput = -1;
  /// Inputs: the memory space of the cache (a strata_memory_space): device
  /// memory, or pinned host memory where the tier plan put it there (which
  /// the driver sets).
  int64_t cacheSpace = 0;
  /// Outputs: the compiled code writes the output into memory the caller
  /// passes (`program.destination`; which the driver sets).
  bool destination = false;
};

/// One arena of the buffer plan (strata_model_arena).
struct ModelArena {
  /// The runtime's `strata_memory_space` enumerator.
  std::string space = "STRATA_MEMORY_DEVICE";
  uint64_t bytes = 0;
  /// The most bytes live at once: the liveness lower bound of `bytes`.
  uint64_t lowerBound = 0;
  uint64_t alignment = 64;
};

/// What a training program is (strata_training).
struct ModelTraining {
  std::string loss, optimizer;
  int32_t lrInput = -1, stepInput = -1, targetInput = -1;
  bool shift = false;
  std::vector<std::string> parameters, state;
  /// The ONNX model to write the trained weights back into, and each
  /// parameter's TensorProto without data (lib/onnx/ModelTemplate.h); empty
  /// when the program cannot.
  std::string onnxModel;
  std::vector<std::string> onnxInitializers;
};

struct ModelSignature {
  std::string name;
  std::vector<ModelValue> inputs, outputs;
  /// The inputs with a cache axis, in order: the entry point takes the count
  /// of each one's filled positions after the tensor inputs.
  std::vector<size_t> cacheInputs;
  /// The outputs with a destination, in order: the entry point takes the
  /// memory for each after the counts of the caches.
  std::vector<size_t> destinationOutputs;
  /// The arenas the entry point takes after the weights, in order.
  std::vector<ModelArena> arenas;
  /// What the tier plan predicted, when there is one (its nvme_directory is
  /// left null: the glue writes `nvmeDirectory`).
  std::optional<strata_tier_plan> tierPlan;
  /// The program's default NVMe directory (--nvme-dir); empty: none.
  std::string nvmeDirectory;
  /// The weights the tier plan keeps on NVMe.
  std::vector<std::string> nvmeWeights;
  /// For a training program (`program.training` with an optimizer).
  std::optional<ModelTraining> training;
};

/// Reads the signature of `func` from its program contract: tensor arguments
/// and results with their `program.value` (names, dimension names, type-only
/// inputs, defaults), bounds from `program.bounds`, and the sequence and optional values
/// of `program.pass_through_inputs|outputs` at their ONNX positions, and what
/// a training step is from `program.training`. Fails with
/// a diagnostic on a type the runtime cannot carry.
mlir::FailureOr<ModelSignature> readModelSignature(mlir::func::FuncOp func,
                                                   llvm::StringRef modelName);

/// Adds the arenas of the buffer plan (`program.arenas` on the planned entry
/// function `func`) to `signature`.
mlir::LogicalResult readArenaPlan(mlir::func::FuncOp func, ModelSignature &signature);

/// Marks the outputs that the bufferised entry function `func` writes into
/// memory the caller passes (its arguments marked `program.destination`,
/// strata-output-destinations) in `signature`, read from the function before
/// that pass ran.
mlir::LogicalResult readOutputDestinations(mlir::func::FuncOp func, ModelSignature &signature);

} // namespace strata

#endif // STRATA_LIB_EMIT_MODELSIGNATURE_H

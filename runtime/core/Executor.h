//===- Executor.h - Runs a compiled model on its device ---------*- C++ -*-===//
//
// Checks input tensors against the model's description, allocates the
// model's arenas once on the device, builds the memref descriptors the
// compiled code takes, runs it through the device, and hands back the
// outputs as tensors.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_EXECUTOR_H
#define STRATA_RUNTIME_CORE_EXECUTOR_H

#include "runtime/device/Device.h"
#include "strata/model.h"

#include <memory>
#include <string>
#include <vector>

namespace strata {

/// Owns a tensor from the C API.
struct TensorDeleter {
  void operator()(strata_tensor *t) const { strata_tensor_destroy(t); }
};
using OwnedTensor = std::unique_ptr<strata_tensor, TensorDeleter>;

/// Runs `model` on a device; every method reports errors as a message, empty
/// on success.
class Executor {
public:
  /// Prepares `model` to run on `device` with the mapped weights file
  /// `weights`: allocates each of the model's arenas. Both must outlive the
  /// executor.
  static std::string load(const strata_model &model, const strata_weights *weights, Device &device,
                          std::unique_ptr<Executor> &out);

  /// Checks that `inputs` (one per model input, in order; entries for inputs
  /// that are not tensors are ignored) match the model: dtype, rank, static
  /// dimensions and bounds of dynamic ones (dtype only for type-only inputs).
  /// A KV cache input may be null (see run).
  std::string checkInputs(const std::vector<strata_tensor *> &inputs) const;

  /// Runs the model once on checked inputs; `outputs` receives one owned tensor
  /// per model output, null for outputs that pass on a sequence or optional
  /// input (see PassThrough.h). An output the model writes in place (its
  /// `destination`) is computed straight into the tensor handed back; the
  /// others are copied out, and the blocks the compiled code allocated for
  /// them released. An error the compiled code raises (a failed run-time
  /// check naming its ONNX node, an allocation it cannot make) ends the run:
  /// its message is returned and `outputs` keeps its tensors (those written in
  /// place then hold what the run got to). A tensor `outputs` holds from an
  /// earlier run that has its output's type and shape is written again
  /// instead of allocated anew (after the run, for an output written in
  /// place whose tensor the caller also passed as an input): its pages stay
  /// mapped, so a large output (a gradient program's 500 MB) does not fault
  /// in afresh on every run.
  ///
  /// A KV cache input (one with a cache axis) is copied into the cache buffer
  /// the executor holds for it, and its output copied out of it. With
  /// `keepCaches`, the outputs that view a cache stay null and the buffer
  /// keeps them, and a null cache input continues from what the buffer holds
  /// (what `--generate` does between steps: no cache is copied).
  std::string run(const std::vector<strata_tensor *> &inputs, std::vector<OwnedTensor> &outputs,
                  bool keepCaches = false);

  /// The model's arenas, in the model's order.
  const std::vector<std::unique_ptr<Arena>> &arenas() const { return arenas_; }

  /// The blocks the compiled code allocated through the device's fallback
  /// allocator since the executor was loaded.
  uint64_t fallbackAllocationsSinceLoad() const;

  /// The KV caches' buffers: how many, and the bytes of those in `space`.
  size_t cacheCount() const { return caches_.size(); }
  uint64_t cacheBytes(strata_memory_space space) const;

  /// The device's counters now.
  DeviceCounters deviceCounters() const { return device_.counters(); }

private:
  Executor(const strata_model &model, Device &device) : model_(model), device_(device) {}

  const strata_model &model_;
  Device &device_;
  /// The memref descriptor of the weights' data region: a 1-D byte buffer.
  std::vector<int64_t> weights_;
  std::vector<std::unique_ptr<Arena>> arenas_;
  /// The descriptors of the arenas (1-D byte buffers) and pointers to them.
  std::vector<std::vector<int64_t>> arenaWords_;
  std::vector<void *> arenaPointers_;
  /// The device's fallback allocation count when the executor was loaded.
  uint64_t fallbackAtLoad_ = 0;

  /// The buffer of a KV cache input, of its capacity, and what it holds.
  struct Cache {
    int32_t input = -1, output = -1;
    std::unique_ptr<Arena> memory;
    /// The sizes of the positions it holds (the axis: how many), valid when
    /// `held`: the last run kept its output here.
    std::vector<int64_t> filled;
    bool held = false;
    /// The count of filled positions the compiled code reads.
    int64_t length = 0;
  };
  std::vector<Cache> caches_;

  /// Makes `cache` hold input tensor `t` (or, for null, what it holds) and
  /// appends the descriptors of the buffer and of the count to `words`.
  std::string enterCache(Cache &cache, const strata_tensor *t,
                         std::vector<std::vector<int64_t>> &words, size_t slot);
};

/// Checks `t` against the dtype and shape of `v` (any shape when its rank is
/// -1 or it is type-only); errors begin with `what`.
/// Whether input `v` is a KV cache the program appends to in place (a
/// tensor with a cache axis).
inline bool isKvCache(const strata_model_value &v) {
  return v.kind == STRATA_VALUE_TENSOR && v.cache_axis >= 0;
}

std::string checkTensor(const strata_model_value &v, const strata_tensor *t,
                        const std::string &what);

/// A shape for messages, "[2x?x8]": a size of -1 is "?".
std::string shapeText(int32_t rank, const int64_t *dims);

/// The message of `s`, which it releases.
std::string takeMessage(strata_status s);

/// The index of the model input or output called `name`, or -1.
int findValue(const strata_model_value *values, int32_t count, const std::string &name);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_EXECUTOR_H

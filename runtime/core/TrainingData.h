//===- TrainingData.h - What a training program's steps read ----*- C++ -*-===//
//
// `--data FILE` for a training program (strata/model.h, strata_training):
//
// - a token stream, for a model whose loss reads token ids: a flat binary of
//   little-endian uint16 or uint32 ids (`.bin`, as nanoGPT-style pipelines
//   write them; `--data-dtype` says which, uint16 by default) or a 1-D
//   integer `.npy`. Step s (from 1) reads, in row b of its batch, the window
//   of the stream that starts at token T * ((s - 1) * B + b) modulo the
//   windows the stream holds (B x T: the token input's compiled shape), so
//   batches follow the stream in order, wrap around at its end, and depend
//   on the step alone: a resumed run reads what an uninterrupted one would.
//   The token input is `input_ids`, or the loss's target; the target gets
//   the same window when the loss shifts it, else the window moved on by one
//   token. `attention_mask` is all ones, `position_ids` counts from 0,
//   `token_type_ids` is 0, and inputs without elements (an empty KV cache)
//   are empty.
// - batches, for any other program: a `.npz` (numpy.savez(FILE, *arrays))
//   with one array per data input (every input but `lr` and `step`), in the
//   program's order, each of the input's shape with a leading dimension of
//   batches; step s reads batch (s - 1) modulo their number.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_TRAININGDATA_H
#define STRATA_RUNTIME_CORE_TRAININGDATA_H

#include "runtime/core/Executor.h"

#include <memory>
#include <string>
#include <vector>

namespace strata {

class TrainingData {
public:
  virtual ~TrainingData() = default;

  /// Opens `path` for `model`'s training step; `dtype` is "uint16" or
  /// "uint32" for a `.bin` stream. On failure returns the reason, naming the
  /// file.
  static std::string open(const strata_model &model, const std::string &path,
                          const std::string &dtype, std::unique_ptr<TrainingData> &out);

  /// Fills `inputs` (one per model input; `lr` and `step` are left alone)
  /// with step `step`'s batch, reusing the tensors there.
  virtual std::string fill(long step, std::vector<OwnedTensor> &inputs) = 0;

  /// Tokens a step reads (for tokens per second), or 0 for batches.
  virtual int64_t tokensPerStep() const = 0;
};

} // namespace strata

#endif // STRATA_RUNTIME_CORE_TRAININGDATA_H

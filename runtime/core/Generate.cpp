//===- Generate.cpp - Greedy decoding with a KV cache ---------------------===//
//
// The first step runs the whole prompt batch with empty past tensors; each
// further step runs each row's last token with the previous step's present
// tensors as past (or, for a program that appends to its KV cache in place,
// with the cache the executor keeps: nothing is copied). The attention mask
// grows by one real column a step, so that padding of the prompt (on either
// side) stays masked; positions count a row's real tokens, and
// GroupQueryAttention's `seqlens_k` is a row's real tokens less one,
// `total_sequence_length` the mask's length. The loop stops at the model's
// position limit (TokenLimit.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Generate.h"
#include "runtime/core/HalfFloat.h"
#include "runtime/core/TokenLimit.h"

#include <algorithm>
#include <cstring>

namespace strata {
namespace {

/// How each model input is filled at every step; `Fixed` inputs keep the
/// tensor given on the command line, or their default, at every step.
enum class Feed { Ids, Mask, Positions, SequenceLengths, TotalLength, Past, Fixed };

struct Plan {
  std::vector<Feed> feeds;
  /// For past inputs: the index of the present output that feeds them.
  std::vector<int> presentOf;
  int logits = -1;
};

bool startsWith(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }

/// The present output's name for past input `name`, or "".
std::string presentName(const std::string &name) {
  if (startsWith(name, "past_key_values."))
    return "present." + name.substr(std::strlen("past_key_values."));
  if (startsWith(name, "past_"))
    return "present_" + name.substr(std::strlen("past_"));
  return "";
}

bool isInteger(strata_dtype d) { return d == STRATA_DTYPE_I32 || d == STRATA_DTYPE_I64; }

bool isFloat(strata_dtype d) {
  return d == STRATA_DTYPE_F32 || d == STRATA_DTYPE_F16 || d == STRATA_DTYPE_BF16;
}

std::string makePlan(const strata_model &m, const std::vector<strata_tensor *> &fixed, Plan &plan) {
  bool haveIds = false;
  for (int32_t i = 0; i < m.num_inputs; ++i) {
    const strata_model_value &v = m.inputs[i];
    std::string name = v.name;
    int present = -1;
    Feed feed;
    if (v.kind != STRATA_VALUE_TENSOR)
      return "--generate: input '" + name + "' is not a tensor";
    if (name == "input_ids") {
      feed = Feed::Ids;
      haveIds = true;
    } else if (name == "attention_mask") {
      feed = Feed::Mask;
    } else if (name == "position_ids") {
      feed = Feed::Positions;
    } else if (name == "seqlens_k") {
      feed = Feed::SequenceLengths;
    } else if (name == "total_sequence_length") {
      feed = Feed::TotalLength;
    } else if (!presentName(name).empty()) {
      feed = Feed::Past;
      present = findValue(m.outputs, m.num_outputs, presentName(name));
      if (present < 0 || m.outputs[present].kind != STRATA_VALUE_TENSOR)
        return "--generate: past input '" + name + "' has no tensor output '" + presentName(name) +
               "'";
      if (v.rank < 4 || v.dims[v.rank - 2] >= 0)
        return "--generate: past input '" + name +
               "' needs a dynamic sequence axis (compile with --max-shape for it)";
      if (m.outputs[present].dtype != v.dtype)
        return "--generate: past input '" + name + "' and its present output differ in dtype";
    } else if (fixed[i]) {
      plan.feeds.push_back(Feed::Fixed);
      plan.presentOf.push_back(-1);
      continue;
    } else {
      return "--generate: input '" + name +
             "' is not one a decoder loop can fill (input_ids, attention_mask, "
             "position_ids, seqlens_k, total_sequence_length, past_key_values.*, past_*), "
             "and has no default; give it with --input";
    }
    bool dtypeFits = feed == Feed::Past ? isFloat(v.dtype)
                     : feed == Feed::SequenceLengths || feed == Feed::TotalLength
                         ? v.dtype == STRATA_DTYPE_I32
                         : isInteger(v.dtype);
    if (!dtypeFits)
      return "--generate: input '" + name + "' has dtype " + strata_dtype_name(v.dtype) +
             (feed == Feed::Past ? ", not f32, f16 or bf16"
              : feed == Feed::SequenceLengths || feed == Feed::TotalLength
                  ? ", not int32"
                  : ", not int32 or int64");
    plan.feeds.push_back(feed);
    plan.presentOf.push_back(present);
  }
  if (!haveIds)
    return "--generate needs a model input named 'input_ids'";
  if (std::find(plan.feeds.begin(), plan.feeds.end(), Feed::Past) == plan.feeds.end())
    return "--generate needs a model with a KV cache (past_key_values.* or past_* inputs)";
  plan.logits = findValue(m.outputs, m.num_outputs, "logits");
  if (plan.logits < 0)
    plan.logits = 0;
  const strata_model_value &logits = m.outputs[plan.logits];
  if (logits.kind != STRATA_VALUE_TENSOR || !isFloat(logits.dtype) || logits.rank != 3)
    return "--generate: output '" + std::string(logits.name) +
           "' is not f32, f16 or bf16 logits [batch, sequence, vocabulary]";
  return "";
}

std::string makeTensor(strata_dtype dtype, std::vector<int64_t> dims, OwnedTensor &out) {
  strata_tensor *t = nullptr;
  if (strata_status s =
          strata_tensor_create(dtype, static_cast<int32_t>(dims.size()), dims.data(), &t))
    return takeMessage(s);
  out.reset(t);
  return "";
}

/// An integer tensor of `dtype` (int32 or int64) and `dims` holding `values`.
std::string integerTensor(strata_dtype dtype, std::vector<int64_t> dims,
                          const std::vector<int64_t> &values, OwnedTensor &out) {
  if (std::string e = makeTensor(dtype, std::move(dims), out); !e.empty())
    return e;
  void *data = strata_tensor_data(out.get());
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == STRATA_DTYPE_I64)
      static_cast<int64_t *>(data)[i] = values[i];
    else
      static_cast<int32_t *>(data)[i] = static_cast<int32_t>(values[i]);
  }
  return "";
}

/// Logit `i` of `data` (f32, f16 or bf16) as a float.
float logitAt(const void *data, strata_dtype dtype, int64_t i) {
  return static_cast<float>(floatElement(data, dtype, i));
}

/// The index of the largest logit of row `b` at sequence position `s`.
int64_t argmaxAt(strata_tensor *logits, int64_t b, int64_t s) {
  const int64_t *dims = strata_tensor_dims(logits);
  int64_t vocab = dims[2];
  int64_t offset = (b * dims[1] + s) * vocab;
  strata_dtype dtype = strata_tensor_dtype(logits);
  const void *data = strata_tensor_data(logits);
  int64_t best = 0;
  float bestValue = logitAt(data, dtype, offset);
  for (int64_t i = 1; i < vocab; ++i) {
    float value = logitAt(data, dtype, offset + i);
    if (value > bestValue)
      best = i, bestValue = value;
  }
  return best;
}

} // namespace

std::string readPrompts(const strata_tensor *ids, const strata_tensor *mask, Prompts &prompts) {
  auto *idsTensor = const_cast<strata_tensor *>(ids);
  if (!isInteger(strata_tensor_dtype(idsTensor)) || strata_tensor_rank(idsTensor) != 2 ||
      strata_tensor_dims(idsTensor)[0] < 1 || strata_tensor_dims(idsTensor)[1] < 1)
    return "--generate: input_ids must be int32 or int64 [batch, n] with batch, n >= 1";
  prompts.batch = strata_tensor_dims(idsTensor)[0];
  prompts.length = strata_tensor_dims(idsTensor)[1];
  int64_t count = prompts.batch * prompts.length;
  auto read = [&](strata_tensor *t, std::vector<int64_t> &out) {
    const void *data = strata_tensor_data(t);
    out.resize(count);
    for (int64_t i = 0; i < count; ++i)
      out[i] = strata_tensor_dtype(t) == STRATA_DTYPE_I64 ? static_cast<const int64_t *>(data)[i]
                                                          : static_cast<const int32_t *>(data)[i];
  };
  read(idsTensor, prompts.ids);
  if (!mask) {
    prompts.mask.assign(count, 1);
    return "";
  }
  auto *maskTensor = const_cast<strata_tensor *>(mask);
  if (!isInteger(strata_tensor_dtype(maskTensor)) || strata_tensor_rank(maskTensor) != 2 ||
      strata_tensor_dims(maskTensor)[0] != prompts.batch ||
      strata_tensor_dims(maskTensor)[1] != prompts.length)
    return "--generate: attention_mask must be int32 or int64 of input_ids' shape";
  read(maskTensor, prompts.mask);
  for (int64_t b = 0; b < prompts.batch; ++b) {
    int64_t real = 0;
    for (int64_t s = 0; s < prompts.length; ++s) {
      int64_t m = prompts.mask[b * prompts.length + s];
      if (m != 0 && m != 1)
        return "--generate: attention_mask holds " + std::to_string(m) +
               "; only 0 and 1 mean "
               "padding and token";
      real += m;
    }
    if (real == 0)
      return "--generate: row " + std::to_string(b) + " of attention_mask has no token";
  }
  return "";
}

std::string generateGreedy(const strata_model &model, Executor &executor, const Prompts &prompts,
                           long steps, const std::vector<strata_tensor *> &fixed,
                           std::vector<std::vector<int64_t>> &tokens, int64_t &vocabulary) {
  Plan plan;
  if (std::string e = makePlan(model, fixed, plan); !e.empty())
    return e;
  int64_t batch = prompts.batch;
  tokens.assign(batch, {});
  // The mask over every column so far, row by row.
  std::vector<std::vector<int64_t>> mask(batch);
  for (int64_t b = 0; b < batch; ++b) {
    auto row = prompts.ids.begin() + b * prompts.length;
    tokens[b].assign(row, row + prompts.length);
    auto maskRow = prompts.mask.begin() + b * prompts.length;
    mask[b].assign(maskRow, maskRow + prompts.length);
  }

  std::vector<OwnedTensor> inputs(model.num_inputs), outputs;
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    if (plan.feeds[i] != Feed::Past)
      continue;
    const strata_model_value &v = model.inputs[i];
    std::vector<int64_t> dims(v.dims, v.dims + v.rank);
    dims[v.rank - 2] = 0;
    // The other dynamic dimension of a cache is its batch.
    for (int32_t d = 0; d < v.rank; ++d)
      if (dims[d] < 0)
        dims[d] = batch;
    if (std::string e = makeTensor(v.dtype, dims, inputs[i]); !e.empty())
      return e;
  }
  int64_t done = 0;
  for (long step = 0; step < steps; ++step) {
    int64_t columns = static_cast<int64_t>(mask[0].size()), fresh = columns - done;
    std::vector<int64_t> ids, maskValues, positions, lengths;
    for (int64_t b = 0; b < batch; ++b) {
      ids.insert(ids.end(), tokens[b].begin() + done, tokens[b].end());
      maskValues.insert(maskValues.end(), mask[b].begin(), mask[b].end());
      int64_t real = 0;
      for (int64_t c = 0; c < columns; ++c) {
        real += mask[b][c];
        // Hugging Face's convention: a padding column's position is 1.
        if (c >= done)
          positions.push_back(mask[b][c] ? real - 1 : 1);
      }
      lengths.push_back(real - 1);
    }
    if (std::string e = checkStepWithinBounds(model, done, fresh); !e.empty())
      return tokenLimitMessage(step, steps, done, fresh, e);
    for (int32_t i = 0; i < model.num_inputs; ++i) {
      const strata_model_value &v = model.inputs[i];
      std::string e;
      switch (plan.feeds[i]) {
      case Feed::Ids:
        e = integerTensor(v.dtype, {batch, fresh}, ids, inputs[i]);
        break;
      case Feed::Mask:
        e = integerTensor(v.dtype, {batch, columns}, maskValues, inputs[i]);
        break;
      case Feed::Positions:
        e = integerTensor(v.dtype, {batch, fresh}, positions, inputs[i]);
        break;
      case Feed::SequenceLengths:
        e = integerTensor(v.dtype, {batch}, lengths, inputs[i]);
        break;
      case Feed::TotalLength:
        e = integerTensor(v.dtype, std::vector<int64_t>(v.rank, 1), {columns}, inputs[i]);
        break;
      case Feed::Past:
        // A cache the program appends to in place continues from the
        // executor's buffer; any other is the last step's present output.
        if (step > 0 && isKvCache(v))
          inputs[i].reset();
        else if (step > 0)
          inputs[i] = std::move(outputs[plan.presentOf[i]]);
        break;
      case Feed::Fixed:
        break;
      }
      if (!e.empty())
        return e;
    }
    std::vector<strata_tensor *> raw;
    for (int32_t i = 0; i < model.num_inputs; ++i)
      raw.push_back(plan.feeds[i] == Feed::Fixed ? fixed[i] : inputs[i].get());
    if (std::string e = executor.checkInputs(raw); !e.empty())
      return "--generate step " + std::to_string(step) + ": " + e;
    if (std::string e = executor.run(raw, outputs, /*keepCaches=*/true); !e.empty())
      return tokenLimitMessage(step, steps, done, fresh, e);
    strata_tensor *logits = outputs[plan.logits].get();
    const int64_t *dims = strata_tensor_dims(logits);
    if (dims[0] != batch || dims[1] != fresh)
      return "--generate: logits have shape [" + std::to_string(dims[0]) + ", " +
             std::to_string(dims[1]) + ", ...] for " + std::to_string(batch) + " rows of " +
             std::to_string(fresh) + " tokens";
    vocabulary = dims[2];
    done = columns;
    for (int64_t b = 0; b < batch; ++b) {
      // The row's last real token among the new columns.
      int64_t last = fresh - 1;
      while (last > 0 && mask[b][columns - fresh + last] == 0)
        --last;
      tokens[b].push_back(argmaxAt(logits, b, last));
      mask[b].push_back(1);
    }
  }
  return "";
}

} // namespace strata

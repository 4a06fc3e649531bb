//===- Generate.cpp - Greedy decoding with a KV cache ---------------------===//
//
// The first step runs the whole prompt with empty past tensors; each further
// step runs the last token with the previous step's present tensors as past.
// The loop stops at the model's position limit (TokenLimit.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Generate.h"
#include "runtime/core/TokenLimit.h"

#include <algorithm>
#include <cstring>

namespace strata {
namespace {

/// How each model input is filled at every step.
enum class Feed { Ids, Mask, Positions, Past };

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

std::string makePlan(const strata_model &m, Plan &plan) {
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
    } else if (!presentName(name).empty()) {
      feed = Feed::Past;
      present = findValue(m.outputs, m.num_outputs, presentName(name));
      if (present < 0 || m.outputs[present].kind != STRATA_VALUE_TENSOR)
        return "--generate: past input '" + name + "' has no tensor output '" + presentName(name) +
               "'";
      if (v.rank < 4 || v.dims[v.rank - 2] >= 0)
        return "--generate: past input '" + name +
               "' needs a dynamic sequence axis (compile with --max-shape for it)";
    } else {
      return "--generate: input '" + name +
             "' is not one a decoder loop can fill (input_ids, attention_mask, "
             "position_ids, past_key_values.*, past_*)";
    }
    if (v.dtype != (feed == Feed::Past ? STRATA_DTYPE_F32 : STRATA_DTYPE_I64))
      return "--generate: input '" + name + "' has an unexpected dtype";
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
  if (logits.kind != STRATA_VALUE_TENSOR || logits.dtype != STRATA_DTYPE_F32 || logits.rank != 3)
    return "--generate: output '" + std::string(logits.name) +
           "' is not f32 logits [batch, sequence, vocabulary]";
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

/// An int64 [1, values.size()] tensor.
std::string rowTensor(const std::vector<int64_t> &values, OwnedTensor &out) {
  if (std::string e = makeTensor(STRATA_DTYPE_I64, {1, int64_t(values.size())}, out); !e.empty())
    return e;
  std::memcpy(strata_tensor_data(out.get()), values.data(), values.size() * 8);
  return "";
}

/// The index of the largest of the last position's logits.
int64_t argmaxLast(strata_tensor *logits) {
  const int64_t *dims = strata_tensor_dims(logits);
  int64_t vocab = dims[2];
  const float *row = static_cast<const float *>(strata_tensor_data(logits)) + (dims[1] - 1) * vocab;
  int64_t best = 0;
  for (int64_t i = 1; i < vocab; ++i)
    if (row[i] > row[best])
      best = i;
  return best;
}

} // namespace

std::string generateGreedy(const strata_model &model, const Executor &executor,
                           const strata_tensor *prompt, long steps, std::vector<int64_t> &tokens,
                           int64_t &vocabulary) {
  Plan plan;
  if (std::string e = makePlan(model, plan); !e.empty())
    return e;
  if (strata_tensor_dtype(prompt) != STRATA_DTYPE_I64 || strata_tensor_rank(prompt) != 2 ||
      strata_tensor_dims(prompt)[0] != 1 || strata_tensor_dims(prompt)[1] < 1)
    return "--generate: input_ids must be int64 [1, n] with n >= 1";
  const int64_t *ids =
      static_cast<const int64_t *>(strata_tensor_data(const_cast<strata_tensor *>(prompt)));
  tokens.assign(ids, ids + strata_tensor_dims(prompt)[1]);

  std::vector<OwnedTensor> inputs(model.num_inputs), outputs;
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    if (plan.feeds[i] != Feed::Past)
      continue;
    const strata_model_value &v = model.inputs[i];
    std::vector<int64_t> dims(v.dims, v.dims + v.rank);
    dims[v.rank - 2] = 0;
    for (int32_t d = 0; d < v.rank; ++d)
      if (dims[d] < 0)
        dims[d] = 1; // the batch
    if (std::string e = makeTensor(STRATA_DTYPE_F32, dims, inputs[i]); !e.empty())
      return e;
  }
  int64_t past = 0;
  for (long step = 0; step < steps; ++step) {
    std::vector<int64_t> fresh(tokens.begin() + past, tokens.end());
    int64_t total = static_cast<int64_t>(tokens.size());
    if (std::string e = checkStepWithinBounds(model, past, total - past); !e.empty())
      return tokenLimitMessage(step, steps, past, total - past, e);
    for (int32_t i = 0; i < model.num_inputs; ++i) {
      std::string e;
      switch (plan.feeds[i]) {
      case Feed::Ids:
        e = rowTensor(fresh, inputs[i]);
        break;
      case Feed::Mask:
        e = rowTensor(std::vector<int64_t>(total, 1), inputs[i]);
        break;
      case Feed::Positions: {
        std::vector<int64_t> positions;
        for (int64_t p = past; p < total; ++p)
          positions.push_back(p);
        e = rowTensor(positions, inputs[i]);
        break;
      }
      case Feed::Past:
        if (step > 0)
          inputs[i] = std::move(outputs[plan.presentOf[i]]);
        break;
      }
      if (!e.empty())
        return e;
    }
    std::vector<strata_tensor *> raw;
    for (OwnedTensor &t : inputs)
      raw.push_back(t.get());
    if (std::string e = executor.checkInputs(raw); !e.empty())
      return "--generate step " + std::to_string(step) + ": " + e;
    if (std::string e = executor.run(raw, outputs); !e.empty())
      return tokenLimitMessage(step, steps, past, total - past, e);
    vocabulary = strata_tensor_dims(outputs[plan.logits].get())[2];
    tokens.push_back(argmaxLast(outputs[plan.logits].get()));
    past = total;
  }
  return "";
}

} // namespace strata

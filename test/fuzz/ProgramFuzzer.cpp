//===- ProgramFuzzer.cpp - libFuzzer target for a program's inputs --------===//
//
// What an emitted program does with the tensors a user gives it, driven
// directly: two compiled test models (the BERT-style and the GPT-style export
// with a KV cache of test/models, compiled with bounded dimensions by
// capture-program.sh) are linked in, each with its description renamed, and
// run by the executor on the CPU device, all instrumented but the compiled
// code. Each input picks a model and, for each of its inputs, a dtype, a
// shape (mostly fitting, sometimes not) and values (token ids mostly in the
// vocabulary, sometimes anywhere in int64). The executor must refuse what does
// not fit the description, and the compiled code's run-time checks must stop a
// run that would read outside its tensors: a run that succeeds with a token id
// outside the vocabulary, a crash or an ASan report is a bug.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Executor.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

extern "C" const strata_model strata_bert_model, strata_gpt_model;

namespace {

[[noreturn]] void broken(const std::string &what) {
  std::fprintf(stderr, "broken invariant: %s\n", what.c_str());
  std::abort();
}

/// Both test models have a vocabulary of 256 tokens (test/models/export.py).
constexpr int64_t kVocabulary = 256;

/// A model with its device, mapped weights and executor, loaded once.
struct LoadedModel {
  LoadedModel(const strata_model &model, const char *weightsPath) : model(model) {
    strata_device_options options{1, 0, nullptr, 0};
    strata_device handle;
    if (strata_status s = model.create_device(&options, &handle))
      broken(strata::takeMessage(s));
    device = std::move(handle.device);
    strata_weights *mapped = nullptr;
    if (strata_status s = strata_weights_open(weightsPath, model.weights_id, &mapped))
      broken(strata::takeMessage(s));
    weights.reset(mapped);
    if (std::string e = strata::Executor::load(model, weights.get(), *device, executor); !e.empty())
      broken(e);
  }

  const strata_model &model;
  std::unique_ptr<strata::Device> device;
  strata::WeightsPtr weights;
  std::unique_ptr<strata::Executor> executor;
};

/// True once in `n` choices, and never once the input is used up (when the
/// provider returns the lowest value), so that short inputs fit the model.
bool rarely(FuzzedDataProvider &fuzz, int n) { return fuzz.ConsumeIntegralInRange<int>(1, n) == n; }

/// The sizes of one run's dimensions: a named dimension gets one size for
/// all inputs that share it, mostly within its compiled bound (sometimes 0 or
/// one past it, to reach those checks), and the GPT export's total_sequence
/// (its attention mask) mostly past_sequence + sequence; sometimes an axis
/// gets any size instead, which the executor must refuse or the compiled
/// code's checks stop.
class Dimensions {
public:
  Dimensions(FuzzedDataProvider &fuzz, const strata_model &model) : fuzz(fuzz) {
    for (bool total : {false, true})
      for (int32_t i = 0; i < model.num_inputs; ++i)
        for (int32_t d = 0; d < model.inputs[i].rank; ++d)
          nameSize(model.inputs[i], d, total);
  }

  /// The size of axis `d` of input `v` for a tensor of any rank.
  int64_t pick(const strata_model_value &v, int32_t d) {
    if (d >= v.rank || rarely(fuzz, 64))
      return fuzz.ConsumeIntegralInRange<int64_t>(0, 9);
    if (v.dims[d] >= 0)
      return v.dims[d];
    auto named = sizes.find(v.dim_names[d]);
    return named != sizes.end() ? named->second : within(v.max_dims[d]);
  }

private:
  /// Picks the size of the name of axis `d` of `v` on the first pass
  /// (`total` false) or, for total_sequence, on the second.
  void nameSize(const strata_model_value &v, int32_t d, bool total) {
    std::string name = v.dim_names[d];
    if (v.dims[d] >= 0 || name.empty() || (name == "total_sequence") != total || sizes.count(name))
      return;
    if (total && sizes.count("past_sequence") && sizes.count("sequence") && !rarely(fuzz, 4))
      sizes[name] = sizes["past_sequence"] + sizes["sequence"];
    else
      sizes[name] = within(v.max_dims[d]);
  }

  /// A size up to `bound` (8 when there is none), sometimes 0 or one past it.
  int64_t within(int64_t bound) {
    if (bound < 0)
      bound = 8;
    if (rarely(fuzz, 8))
      return fuzz.ConsumeBool() ? 0 : bound + 1;
    return fuzz.ConsumeIntegralInRange<int64_t>(1, bound);
  }

  FuzzedDataProvider &fuzz;
  std::map<std::string, int64_t> sizes;
};

/// Fills integer tensor `t` (of 8-byte elements or not) with token-like
/// values: all in the vocabulary, small ones of either sign, or any.
void fillIntegers(FuzzedDataProvider &fuzz, strata_tensor *t) {
  int mode = fuzz.ConsumeIntegralInRange<int>(0, 3);
  size_t element = strata_dtype_size(strata_tensor_dtype(t));
  auto *bytes = static_cast<unsigned char *>(strata_tensor_data(t));
  for (int64_t i = 0, n = strata_tensor_num_elements(t); i < n; ++i) {
    int64_t value = mode < 2   ? fuzz.ConsumeIntegralInRange<int64_t>(0, kVocabulary - 1)
                    : mode < 3 ? fuzz.ConsumeIntegralInRange<int64_t>(-300, 300)
                               : fuzz.ConsumeIntegral<int64_t>();
    std::memcpy(bytes + i * element, &value, element);
  }
}

/// Whether the int64 tensor `t` holds a value outside [-vocabulary, vocabulary).
bool holdsUnknownToken(const strata_tensor *t) {
  const auto *values =
      static_cast<const int64_t *>(strata_tensor_data(const_cast<strata_tensor *>(t)));
  for (int64_t i = 0, n = strata_tensor_num_elements(t); i < n; ++i)
    if (values[i] < -kVocabulary || values[i] >= kVocabulary)
      return true;
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static LoadedModel bert(strata_bert_model, STRATA_FUZZ_BERT_WEIGHTS);
  static LoadedModel gpt(strata_gpt_model, STRATA_FUZZ_GPT_WEIGHTS);
  FuzzedDataProvider fuzz(data, size);
  LoadedModel &loaded = fuzz.ConsumeBool() ? bert : gpt;
  const strata_model &model = loaded.model;
  Dimensions sizes(fuzz, model);
  std::vector<strata::OwnedTensor> owned;
  std::vector<strata_tensor *> inputs;
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    const strata_model_value &v = model.inputs[i];
    strata_dtype dtype = v.dtype;
    if (rarely(fuzz, 32))
      dtype = static_cast<strata_dtype>(fuzz.ConsumeIntegralInRange<int>(0, 12));
    int32_t rank = v.rank;
    if (rarely(fuzz, 32))
      rank = fuzz.ConsumeIntegralInRange<int>(0, 5);
    std::vector<int64_t> dims;
    int64_t elements = 1;
    for (int32_t d = 0; d < rank; ++d) {
      dims.push_back(sizes.pick(v, d));
      elements *= dims.back();
    }
    // Keep runs fast: no tensor of more than 64 Ki elements.
    if (elements > (1 << 16))
      return 0;
    strata_tensor *t = nullptr;
    if (strata_status s = strata_tensor_create(dtype, rank, dims.data(), &t)) {
      strata_status_free(s);
      return 0;
    }
    owned.emplace_back(t);
    inputs.push_back(t);
    if (dtype == STRATA_DTYPE_I64 || dtype == STRATA_DTYPE_I32)
      fillIntegers(fuzz, t);
    else if (size_t bytes = strata_tensor_byte_size(t))
      fuzz.ConsumeData(strata_tensor_data(t), bytes);
  }
  if (!loaded.executor->checkInputs(inputs).empty())
    return 0;
  std::vector<strata::OwnedTensor> outputs;
  std::string error = loaded.executor->run(inputs, outputs);
  if (!error.empty())
    return 0;
  for (int32_t i = 0; i < model.num_inputs; ++i)
    if (std::strcmp(model.inputs[i].name, "input_ids") == 0 && holdsUnknownToken(inputs[i]))
      broken(std::string(model.name) + " ran with a token id outside its vocabulary");
  return 0;
}

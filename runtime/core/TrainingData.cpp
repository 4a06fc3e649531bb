//===- TrainingData.cpp - What a training program's steps read ------------===//
//
// A `.bin` stream is mapped read-only, not read: nanoGPT-style token files
// are gigabytes, and a step touches B x T of their ids.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/TrainingData.h"

#include "runtime/core/File.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/mman.h>

namespace strata {
namespace {

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

bool isIndexType(strata_dtype d) { return d == STRATA_DTYPE_I64 || d == STRATA_DTYPE_I32; }

/// Whether a token stream fills the input called `name` with what a batch of
/// whole windows has: a mask of ones, positions from 0, one segment (0).
bool isFilledAlongside(const std::string &name) {
  return name == "attention_mask" || name == "position_ids" || name == "token_type_ids";
}

/// Whether input `i` is one a training loop fills itself.
bool isStepInput(const strata_model &model, int32_t i) {
  return i == model.training->lr_input || i == model.training->step_input;
}

/// A new tensor of input `v`'s dtype and compiled shape.
std::string createInput(const strata_model_value &v, OwnedTensor &out) {
  if (out)
    return "";
  strata_tensor *t = nullptr;
  if (strata_status s = strata_tensor_create(v.dtype, v.rank, v.dims, &t))
    return "input '" + std::string(v.name) + "': " + takeMessage(s);
  out.reset(t);
  return "";
}

/// Stores `value` as element `i` of `t`, an int32 or int64 tensor.
void storeIndex(strata_tensor *t, int64_t i, int64_t value) {
  if (strata_tensor_dtype(t) == STRATA_DTYPE_I64)
    static_cast<int64_t *>(strata_tensor_data(t))[i] = value;
  else
    static_cast<int32_t *>(strata_tensor_data(t))[i] = static_cast<int32_t>(value);
}

/// Token ids: a mapped `.bin` of uint16 or uint32, or a loaded 1-D `.npy`.
class TokenStream : public TrainingData {
public:
  ~TokenStream() override {
    if (mapped)
      munmap(mapped, mappedBytes);
  }

  std::string open(const strata_model &model, const std::string &path, const std::string &dtype) {
    model_ = &model;
    if (std::string e = readIds(path, dtype); !e.empty())
      return e;
    const strata_training &training = *model.training;
    tokens = findValue(model.inputs, model.num_inputs, "input_ids");
    if (tokens < 0)
      tokens = training.target_input;
    target = training.target_input;
    const strata_model_value &v = model.inputs[tokens];
    if (!isIndexType(v.dtype) || v.rank != 2 || v.dims[0] < 1 || v.dims[1] < 1)
      return "--data " + path + ": a token stream fills input '" + v.name +
             "', which is not [batch, sequence] of int32 or int64 (give .npz batches)";
    if (!isIndexType(model.inputs[target].dtype))
      return "--data " + path + ": a token stream feeds a loss whose target is token ids; " +
             "this program's '" + model.inputs[target].name + "' is not (give .npz batches)";
    batch = v.dims[0];
    sequence = v.dims[1];
    next = target != tokens && !training.shift;
    int64_t window = sequence + (next ? 1 : 0);
    if (count < window)
      return "--data " + path + " holds " + std::to_string(count) + " tokens, fewer than one " +
             "window of " + std::to_string(window);
    windows = (count - window) / sequence + 1;
    for (int32_t i = 0; i < model.num_inputs; ++i) {
      const strata_model_value &in = model.inputs[i];
      bool empty =
          in.rank > 0 && std::any_of(in.dims, in.dims + in.rank, [](int64_t d) { return d == 0; });
      std::string name = in.name;
      if (i == tokens || i == target || isStepInput(model, i) || empty ||
          (isFilledAlongside(name) && isIndexType(in.dtype) && in.rank == 2))
        continue;
      return "--data " + path + ": a token stream does not fill input '" + name +
             "' (it fills the tokens, the labels, attention_mask, position_ids, " +
             "token_type_ids and empty inputs; give .npz batches)";
    }
    return "";
  }

  std::string fill(long step, std::vector<OwnedTensor> &inputs) override {
    const strata_model &model = *model_;
    for (int32_t i = 0; i < model.num_inputs; ++i) {
      if (isStepInput(model, i))
        continue;
      if (std::string e = createInput(model.inputs[i], inputs[i]); !e.empty())
        return e;
    }
    for (int64_t b = 0; b < batch; ++b) {
      int64_t start = ((static_cast<int64_t>(step) - 1) * batch + b) % windows * sequence;
      for (int64_t j = 0; j < sequence; ++j) {
        int64_t at = b * sequence + j;
        storeIndex(inputs[tokens].get(), at, id(start + j));
        if (target != tokens)
          storeIndex(inputs[target].get(), at, id(start + j + (next ? 1 : 0)));
      }
    }
    for (int32_t i = 0; i < model.num_inputs; ++i) {
      std::string name = model.inputs[i].name;
      strata_tensor *t = inputs[i].get();
      if (i == tokens || i == target)
        continue;
      if (isFilledAlongside(name))
        for (int64_t at = 0; at < strata_tensor_num_elements(t); ++at)
          storeIndex(t, at,
                     name == "attention_mask" ? 1
                     : name == "position_ids" ? at % sequence
                                              : 0);
    }
    return "";
  }

  int64_t tokensPerStep() const override { return batch * sequence; }

private:
  std::string readIds(const std::string &path, const std::string &dtype) {
    if (endsWith(path, ".npy")) {
      strata_tensor *t = nullptr;
      if (strata_status s = strata_npy_load(path.c_str(), &t))
        return takeMessage(s);
      loaded.reset(t);
      strata_dtype d = strata_tensor_dtype(t);
      if (strata_tensor_rank(t) != 1 ||
          (!isIndexType(d) && d != STRATA_DTYPE_U16 && d != STRATA_DTYPE_U32))
        return "--data " + path + ": a token stream is a 1-D array of integer ids";
      width = d == STRATA_DTYPE_U16 ? 2 : d == STRATA_DTYPE_I64 ? 8 : 4;
      signedIds = isIndexType(d);
      ids = static_cast<const unsigned char *>(strata_tensor_data(t));
      count = strata_tensor_num_elements(t);
      return "";
    }
    if (dtype != "uint16" && dtype != "uint32")
      return "--data-dtype " + dtype + ": expected uint16 or uint32";
    width = dtype == "uint16" ? 2 : 4;
    runtime::InputFile file;
    if (strata_status s = runtime::InputFile::open(path.c_str(), file))
      return takeMessage(s);
    if (file.size() % width != 0)
      return "--data " + path + ": " + std::to_string(file.size()) + " bytes are not a whole " +
             "number of " + dtype + " token ids";
    count = static_cast<int64_t>(file.size() / width);
    if (count == 0)
      return "--data " + path + " is empty";
    void *p = mmap(nullptr, file.size(), PROT_READ, MAP_PRIVATE, file.descriptor(), 0);
    if (p == MAP_FAILED)
      return "--data " + path + ": cannot map it: " + std::strerror(errno);
    mapped = p;
    mappedBytes = file.size();
    ids = static_cast<const unsigned char *>(p);
    return "";
  }

  /// The id at `i` of the stream (little-endian, as this machine is).
  int64_t id(int64_t i) const {
    const unsigned char *p = ids + i * width;
    if (width == 2) {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    if (width == 8) {
      int64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
    uint32_t v;
    std::memcpy(&v, p, 4);
    return signedIds ? static_cast<int32_t>(v) : static_cast<int64_t>(v);
  }

  const strata_model *model_ = nullptr;
  OwnedTensor loaded;
  void *mapped = nullptr;
  size_t mappedBytes = 0;
  const unsigned char *ids = nullptr;
  int64_t count = 0;
  int width = 2;
  bool signedIds = false;
  int32_t tokens = -1, target = -1;
  int64_t batch = 0, sequence = 0, windows = 0;
  /// The target is the window moved on by one token.
  bool next = false;
};

/// Batches from a `.npz`: one array per data input, batches along axis 0.
class Batches : public TrainingData {
public:
  ~Batches() override { strata_tensor_list_free(arrays, numArrays); }

  std::string open(const strata_model &model, const std::string &path) {
    model_ = &model;
    if (strata_status s = strata_npz_load(path.c_str(), &arrays, &numArrays))
      return takeMessage(s);
    for (int32_t i = 0; i < model.num_inputs; ++i)
      if (!isStepInput(model, i))
        inputs.push_back(i);
    if (numArrays != static_cast<int32_t>(inputs.size()))
      return "--data " + path + " holds " + std::to_string(numArrays) + " arrays; the program " +
             "has " + std::to_string(inputs.size()) + " data inputs (see --help)";
    for (size_t k = 0; k < inputs.size(); ++k) {
      const strata_model_value &v = model.inputs[inputs[k]];
      strata_tensor *a = arrays[k];
      int32_t rank = strata_tensor_rank(a);
      const int64_t *dims = strata_tensor_dims(a);
      std::string expected = shapeText(v.rank, v.dims);
      if (strata_tensor_dtype(a) != v.dtype || rank != v.rank + 1 ||
          !std::equal(v.dims, v.dims + v.rank, dims + 1) || dims[0] < 1)
        return "--data " + path + ": array " + std::to_string(k) + " (input '" + v.name + "') is " +
               strata_dtype_name(strata_tensor_dtype(a)) + " " + shapeText(rank, dims) +
               "; expected " + strata_dtype_name(v.dtype) + " [batches x" + expected.substr(1);
      count = k == 0 ? dims[0] : std::min(count, dims[0]);
    }
    return "";
  }

  std::string fill(long step, std::vector<OwnedTensor> &out) override {
    int64_t b = (static_cast<int64_t>(step) - 1) % count;
    for (size_t k = 0; k < inputs.size(); ++k) {
      const strata_model_value &v = model_->inputs[inputs[k]];
      if (std::string e = createInput(v, out[inputs[k]]); !e.empty())
        return e;
      strata_tensor *t = out[inputs[k]].get();
      size_t bytes = strata_tensor_num_elements(t) * strata_dtype_size(v.dtype);
      std::memcpy(strata_tensor_data(t),
                  static_cast<const char *>(strata_tensor_data(arrays[k])) + b * bytes, bytes);
    }
    return "";
  }

  int64_t tokensPerStep() const override { return 0; }

private:
  const strata_model *model_ = nullptr;
  strata_tensor **arrays = nullptr;
  int32_t numArrays = 0;
  std::vector<int32_t> inputs;
  int64_t count = 0;
};

} // namespace

std::string TrainingData::open(const strata_model &model, const std::string &path,
                               const std::string &dtype, std::unique_ptr<TrainingData> &out) {
  if (endsWith(path, ".npz")) {
    auto batches = std::make_unique<Batches>();
    if (std::string e = batches->open(model, path); !e.empty())
      return e;
    out = std::move(batches);
    return "";
  }
  auto stream = std::make_unique<TokenStream>();
  if (std::string e = stream->open(model, path, dtype); !e.empty())
    return e;
  out = std::move(stream);
  return "";
}

} // namespace strata

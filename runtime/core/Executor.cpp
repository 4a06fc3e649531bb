//===- Executor.cpp - Runs a compiled model on its device -----------------===//
//
// Descriptors are flat arrays of 64-bit words, as the compiled code's C
// interface lays them out. Outputs are read in place, so the memory they lie
// in must be readable by the host; outputs of static shape are written by the
// compiled code into the caller's tensors, host memory the device must be
// able to write.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Executor.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace strata {

std::string shapeText(int32_t rank, const int64_t *dims) {
  std::string s = "[";
  for (int32_t i = 0; i < rank; ++i)
    s += (i ? "x" : "") + (dims[i] < 0 ? std::string("?") : std::to_string(dims[i]));
  return s + "]";
}

namespace {

size_t descriptorWords(int32_t rank) { return 3 + 2 * static_cast<size_t>(rank); }

/// A contiguous row-major descriptor over `data`.
std::vector<int64_t> describe(void *data, int32_t rank, const int64_t *dims) {
  std::vector<int64_t> words(descriptorWords(rank));
  words[0] = reinterpret_cast<int64_t>(data);
  words[1] = reinterpret_cast<int64_t>(data);
  words[2] = 0;
  int64_t stride = 1;
  for (int32_t i = rank - 1; i >= 0; --i) {
    words[3 + i] = dims[i];
    words[3 + rank + i] = stride;
    stride *= dims[i];
  }
  return words;
}

/// Whether `t` holds a tensor of `dtype` and the `rank` sizes `sizes`.
bool hasShape(const strata_tensor *t, strata_dtype dtype, int32_t rank, const int64_t *sizes) {
  return t && strata_tensor_dtype(t) == dtype && strata_tensor_rank(t) == rank &&
         std::equal(sizes, sizes + rank, strata_tensor_dims(t));
}

/// The bytes of `t`'s data.
std::pair<const char *, size_t> bytesOf(strata_tensor *t) {
  return {static_cast<const char *>(strata_tensor_data(t)),
          static_cast<size_t>(strata_tensor_num_elements(t)) *
              strata_dtype_size(strata_tensor_dtype(t))};
}

/// Whether `t`'s data shares a byte with a tensor input among `inputs`.
bool overlapsAnInput(strata_tensor *t, const strata_model &model,
                     const std::vector<strata_tensor *> &inputs) {
  auto [begin, bytes] = bytesOf(t);
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    if (model.inputs[i].kind != STRATA_VALUE_TENSOR || !inputs[i])
      continue;
    auto [other, otherBytes] = bytesOf(inputs[i]);
    if (begin < other + otherBytes && other < begin + bytes)
      return true;
  }
  return false;
}

/// Copies the (possibly strided) memref described at `words` into `out`: the
/// tensor it holds when that has the output's type and shape, else a new one.
/// A row-major memref is one block, which `device` copies (sharing it among
/// its threads: a decode step's present KV cache, a prefill's logits).
std::string copyOut(Device &device, const strata_model_value &value, const int64_t *words,
                    OwnedTensor &out) {
  int32_t rank = value.rank;
  const int64_t *sizes = words + 3, *strides = words + 3 + rank;
  if (!hasShape(out.get(), value.dtype, rank, sizes)) {
    strata_tensor *t = nullptr;
    if (strata_status s = strata_tensor_create(value.dtype, rank, sizes, &t))
      return "output '" + std::string(value.name) + "': " + takeMessage(s);
    out.reset(t);
  }
  strata_tensor *t = out.get();
  size_t element = strata_dtype_size(value.dtype);
  const char *base = reinterpret_cast<const char *>(words[1]) + words[2] * element;
  char *dst = static_cast<char *>(strata_tensor_data(t));
  int64_t count = strata_tensor_num_elements(t);
  if (count == 0)
    return "";
  bool rowMajor = true;
  for (int64_t i = rank - 1, step = 1; i >= 0; step *= sizes[i--])
    rowMajor = rowMajor && (sizes[i] == 1 || strides[i] == step);
  if (rowMajor) {
    device.copyHostMemory(dst, base, static_cast<uint64_t>(count) * element);
    return "";
  }
  // Rows along the innermost dimension are copied whole when it is unit-stride
  // (always, for the row-major buffers the compiled code allocates).
  int64_t row = rank > 0 && strides[rank - 1] == 1 ? sizes[rank - 1] : 1;
  int32_t outer = rank > 0 && row > 1 ? rank - 1 : rank;
  std::vector<int64_t> index(outer, 0);
  for (int64_t n = 0; n < count; n += row) {
    int64_t offset = 0;
    for (int32_t i = 0; i < outer; ++i)
      offset += index[i] * strides[i];
    std::memcpy(dst + n * element, base + offset * element, row * element);
    for (int32_t i = outer - 1; i >= 0; --i) {
      if (++index[i] < sizes[i])
        break;
      index[i] = 0;
    }
  }
  return "";
}

} // namespace

std::string Executor::load(const strata_model &model, const strata_weights *weights, Device &device,
                           std::unique_ptr<Executor> &out) {
  std::unique_ptr<Executor> executor(new (std::nothrow) Executor(model, device));
  if (!executor)
    return "out of memory loading the model";
  int64_t size = static_cast<int64_t>(strata_weights_size(weights));
  executor->weights_ = describe(const_cast<void *>(strata_weights_data(weights)), 1, &size);
  for (int32_t j = 0; j < model.num_arenas; ++j) {
    const strata_model_arena &a = model.arenas[j];
    std::unique_ptr<Arena> arena;
    if (strata_status s = device.allocateArena(a.space, a.bytes, a.alignment, arena))
      return "arena " + std::to_string(j) + " of the model: " + takeMessage(s);
    int64_t bytes = static_cast<int64_t>(a.bytes);
    executor->arenaWords_.push_back(describe(arena->data(), 1, &bytes));
    executor->arenas_.push_back(std::move(arena));
  }
  for (std::vector<int64_t> &words : executor->arenaWords_)
    executor->arenaPointers_.push_back(words.data());
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    const strata_model_value &v = model.inputs[i];
    if (!isKvCache(v))
      continue;
    Cache cache;
    cache.input = i;
    for (int32_t o = 0; o < model.num_outputs; ++o)
      if (model.outputs[o].cache_input == i)
        cache.output = o;
    uint64_t bytes = strata_dtype_size(v.dtype);
    for (int32_t d = 0; d < v.rank; ++d) {
      int64_t size = d == v.cache_axis ? v.cache_capacity
                     : v.dims[d] >= 0  ? v.dims[d]
                                       : v.max_dims[d];
      if (size <= 0)
        return "the KV cache of input '" + std::string(v.name) + "' has no size in dimension " +
               std::to_string(d);
      if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(size), &bytes))
        return "the KV cache of input '" + std::string(v.name) + "' would take 2^64 bytes or more";
    }
    if (v.cache_space != STRATA_MEMORY_DEVICE && v.cache_space != STRATA_MEMORY_HOST)
      return "the KV cache of input '" + std::string(v.name) + "' names memory space " +
             std::to_string(v.cache_space) + ", which no device has";
    auto space = static_cast<strata_memory_space>(v.cache_space);
    if (strata_status s = device.allocateArena(space, bytes, 64, cache.memory))
      return "the KV cache of input '" + std::string(v.name) + "': " + takeMessage(s);
    executor->caches_.push_back(std::move(cache));
  }
  executor->fallbackAtLoad_ = device.counters().fallbackAllocations;
  out = std::move(executor);
  return "";
}

uint64_t Executor::cacheBytes(strata_memory_space space) const {
  uint64_t bytes = 0;
  for (const Cache &cache : caches_)
    if (model_.inputs[cache.input].cache_space == space)
      bytes += cache.memory->bytes();
  return bytes;
}

uint64_t Executor::fallbackAllocationsSinceLoad() const {
  return device_.counters().fallbackAllocations - fallbackAtLoad_;
}

std::string takeMessage(strata_status s) {
  std::string message = strata_status_message(s);
  strata_status_free(s);
  return message;
}

int findValue(const strata_model_value *values, int32_t count, const std::string &name) {
  for (int32_t i = 0; i < count; ++i)
    if (name == values[i].name)
      return i;
  return -1;
}

std::string checkTensor(const strata_model_value &v, const strata_tensor *t,
                        const std::string &what) {
  if (strata_tensor_dtype(t) != v.dtype)
    return what + " has dtype " + strata_dtype_name(strata_tensor_dtype(t)) +
           ", the model expects " + strata_dtype_name(v.dtype);
  if (v.rank < 0 || v.type_only)
    return "";
  int32_t rank = strata_tensor_rank(t);
  const int64_t *dims = strata_tensor_dims(t);
  std::string expected = "the model expects " + shapeText(v.rank, v.dims);
  if (rank != v.rank)
    return what + " has shape " + shapeText(rank, dims) + ", " + expected;
  for (int32_t d = 0; d < rank; ++d) {
    if (v.dims[d] >= 0 && dims[d] != v.dims[d])
      return what + " has shape " + shapeText(rank, dims) + ", " + expected;
    if (v.dims[d] < 0 && v.max_dims[d] >= 0 && dims[d] > v.max_dims[d])
      return what + " has shape " + shapeText(rank, dims) + ": dimension " + std::to_string(d) +
             " exceeds the compiled bound " + std::to_string(v.max_dims[d]) +
             (d == v.cache_axis && v.max_dims[d] == v.cache_capacity
                  ? " (its KV cache's capacity: the --max-shape bound of the positions of its "
                    "present output)"
                  : "");
  }
  return "";
}

std::string Executor::checkInputs(const std::vector<strata_tensor *> &inputs) const {
  // Dimension name -> its size and the input that set it.
  std::vector<std::pair<std::string, std::pair<int64_t, int32_t>>> named;
  for (int32_t i = 0; i < model_.num_inputs; ++i) {
    const strata_model_value &v = model_.inputs[i];
    // A KV cache left out continues from its buffer (see run).
    if (v.kind != STRATA_VALUE_TENSOR || (isKvCache(v) && !inputs[i]))
      continue;
    std::string what = "input '" + std::string(v.name) + "'";
    if (std::string error = checkTensor(v, inputs[i], what); !error.empty())
      return error;
    if (v.type_only || v.rank < 0)
      continue;
    for (int32_t d = 0; d < v.rank; ++d) {
      if (!v.dim_names || !v.dim_names[d] || !*v.dim_names[d])
        continue;
      int64_t size = strata_tensor_dims(inputs[i])[d];
      auto it = std::find_if(named.begin(), named.end(),
                             [&](const auto &entry) { return entry.first == v.dim_names[d]; });
      if (it == named.end()) {
        named.push_back({v.dim_names[d], {size, i}});
        continue;
      }
      if (it->second.first != size)
        return what + " has size " + std::to_string(size) + " in dimension '" + v.dim_names[d] +
               "' (axis " + std::to_string(d) + "), but input '" +
               model_.inputs[it->second.second].name + "' has " + std::to_string(it->second.first) +
               ": inputs sharing a dimension must agree";
    }
  }
  return "";
}

std::string Executor::enterCache(Cache &cache, const strata_tensor *t,
                                 std::vector<std::vector<int64_t>> &words, size_t slot) {
  const strata_model_value &v = model_.inputs[cache.input];
  int32_t axis = v.cache_axis;
  std::vector<int64_t> sizes;
  if (t) {
    auto *tensor = const_cast<strata_tensor *>(t);
    sizes.assign(strata_tensor_dims(tensor), strata_tensor_dims(tensor) + v.rank);
    if (sizes[axis] > v.cache_capacity)
      return "input '" + std::string(v.name) + "' holds " + std::to_string(sizes[axis]) +
             " positions along axis " + std::to_string(axis) + "; its KV cache holds at most " +
             std::to_string(v.cache_capacity);
    // Row blocks before the axis, each `length` positions of `inner` bytes.
    int64_t outer = 1, inner = strata_dtype_size(v.dtype);
    for (int32_t d = 0; d < v.rank; ++d)
      (d < axis ? outer : inner) *= d == axis ? 1 : sizes[d];
    const char *src = static_cast<const char *>(strata_tensor_data(tensor));
    char *dst = static_cast<char *>(cache.memory->data());
    if (sizes[axis] > 0)
      for (int64_t o = 0; o < outer; ++o)
        std::memcpy(dst + o * v.cache_capacity * inner, src + o * sizes[axis] * inner,
                    sizes[axis] * inner);
    cache.held = false;
  } else {
    if (!cache.held)
      return "input '" + std::string(v.name) +
             "' was not given, and its KV cache holds no earlier run's positions";
    sizes = cache.filled;
  }
  cache.length = sizes[axis];
  sizes[axis] = v.cache_capacity;
  words[slot] = describe(cache.memory->data(), v.rank, sizes.data());
  words.push_back(
      {reinterpret_cast<int64_t>(&cache.length), reinterpret_cast<int64_t>(&cache.length), 0});
  return "";
}

std::string Executor::run(const std::vector<strata_tensor *> &inputs,
                          std::vector<OwnedTensor> &outputs, bool keepCaches) {
  std::vector<std::vector<int64_t>> inputWords;
  std::vector<void *> inputPointers;
  for (int32_t i = 0; i < model_.num_inputs; ++i) {
    const strata_model_value &v = model_.inputs[i];
    strata_tensor *t = v.kind == STRATA_VALUE_TENSOR ? inputs[i] : nullptr;
    // A cache's place is filled below, with its buffer.
    if (!t || isKvCache(v)) {
      inputWords.emplace_back();
    } else if (v.type_only) {
      // The compiled code reads the descriptor's declared rank but never the
      // data: sizes of zero at that rank, whatever shape was given.
      std::vector<int64_t> zeros(v.rank, 0);
      inputWords.push_back(describe(strata_tensor_data(t), v.rank, zeros.data()));
    } else {
      inputWords.push_back(
          describe(strata_tensor_data(t), strata_tensor_rank(t), strata_tensor_dims(t)));
    }
  }
  // The caches' buffers take their inputs' places, the counts of their
  // filled positions follow the inputs.
  for (Cache &cache : caches_)
    if (std::string e = enterCache(cache, inputs[cache.input], inputWords, cache.input); !e.empty())
      return e;
  // Then the memory of each output the compiled code writes in place: the
  // tensor of the last run where it has the output's type and shape and lies
  // apart from every input, else a new one (a caller feeding an output back
  // keeps its tensor, which receives the new output after the run).
  std::vector<OwnedTensor> made(model_.num_outputs);
  std::vector<strata_tensor *> destinations(model_.num_outputs, nullptr);
  for (int32_t i = 0; i < model_.num_outputs; ++i) {
    const strata_model_value &v = model_.outputs[i];
    if (!v.destination)
      continue;
    if (std::any_of(v.dims, v.dims + v.rank, [](int64_t d) { return d < 0; }))
      return "output '" + std::string(v.name) +
             "' is written in place but has no static shape: the program and the executor "
             "disagree";
    strata_tensor *t = static_cast<size_t>(i) < outputs.size() ? outputs[i].get() : nullptr;
    if (!hasShape(t, v.dtype, v.rank, v.dims) || overlapsAnInput(t, model_, inputs)) {
      t = nullptr;
      if (strata_status s = strata_tensor_create(v.dtype, v.rank, v.dims, &t))
        return "output '" + std::string(v.name) + "': " + takeMessage(s);
      made[i].reset(t);
    }
    destinations[i] = t;
    inputWords.push_back(describe(strata_tensor_data(t), v.rank, v.dims));
  }
  for (std::vector<int64_t> &w : inputWords)
    inputPointers.push_back(w.empty() ? nullptr : w.data());
  size_t resultWords = 0;
  for (int32_t i = 0; i < model_.num_outputs; ++i)
    if (model_.outputs[i].source < 0)
      resultWords += descriptorWords(model_.outputs[i].rank);
  std::vector<int64_t> results(resultWords, 0);
  if (strata_status s = device_.invoke(
          model_.invoke, inputPointers.data(), const_cast<int64_t *>(weights_.data()),
          const_cast<void **>(arenaPointers_.data()), results.data())) {
    // The run stopped part way: the blocks it allocated are garbage.
    device_.releaseFallbackBlocks();
    return takeMessage(s);
  }

  std::vector<OwnedTensor> previous = std::move(outputs);
  outputs.clear();
  const int64_t *words = results.data();
  std::string error;
  for (int32_t i = 0; i < model_.num_outputs; ++i) {
    OwnedTensor out;
    if (static_cast<size_t>(i) < previous.size())
      out = std::move(previous[i]);
    if (model_.outputs[i].source >= 0) {
      outputs.push_back(nullptr);
      continue;
    }
    const strata_model_value &v = model_.outputs[i];
    auto cache =
        std::find_if(caches_.begin(), caches_.end(), [&](const Cache &c) { return c.output == i; });
    if (cache != caches_.end()) {
      // The compiled code returns a view of the buffer it was given.
      if (reinterpret_cast<void *>(words[1]) != cache->memory->data() && error.empty())
        error = "output '" + std::string(v.name) +
                "' is not a view of its KV cache: the program and the executor disagree";
      cache->filled.assign(words + 3, words + 3 + v.rank);
      cache->held = error.empty();
    }
    if (v.destination) {
      // The compiled code returns the memory it was given.
      auto *data = reinterpret_cast<const char *>(words[1]) + words[2] * strata_dtype_size(v.dtype);
      if (data != strata_tensor_data(destinations[i]) && error.empty())
        error = "output '" + std::string(v.name) +
                "' is not in the memory passed for it: the program and the executor disagree";
      if (made[i] && hasShape(out.get(), v.dtype, v.rank, v.dims))
        device_.copyHostMemory(strata_tensor_data(out.get()), strata_tensor_data(made[i].get()),
                               bytesOf(made[i].get()).second);
      else if (made[i])
        out = std::move(made[i]);
    } else if (cache != caches_.end() && keepCaches) {
      out.reset();
    } else if (error.empty()) {
      error = copyOut(device_, v, words, out);
    }
    outputs.push_back(std::move(out));
    words += descriptorWords(model_.outputs[i].rank);
  }
  // Outputs the compiled code allocated itself are the blocks it has not
  // freed; they are copied out now.
  device_.releaseFallbackBlocks();
  return error;
}

} // namespace strata

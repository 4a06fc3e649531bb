//===- Generate.h - Greedy decoding with a KV cache -------------*- C++ -*-===//
//
// `--generate N` for decoder models that take and return their attention
// cache, with the input and output conventions of the exporters people use:
// `input_ids` (int32 or int64), optionally `attention_mask` and
// `position_ids`, GroupQueryAttention's `seqlens_k` and
// `total_sequence_length` (onnxruntime-genai's model builder), and past
// tensors named `past_key_values.<i>.key|value` (Hugging Face, optimum,
// onnxruntime-genai) or `past_<i>` (onnxruntime's transformer exports), each
// with its present output (`present.<i>.key|value`, `present_<i>`); logits
// (the output `logits`, else the first) of f32, f16 or bf16. The cache's
// sequence axis is the one before the last. Any other input keeps the tensor
// given with --input, or its default, at every step.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_GENERATE_H
#define STRATA_RUNTIME_CORE_GENERATE_H

#include "runtime/core/Executor.h"

#include <string>
#include <vector>

namespace strata {

/// The prompts of one `--generate` run: `batch` rows of `length` token ids,
/// and which of them are real tokens (1) rather than padding (0). Padding may
/// be on either side of a row's tokens; every row has at least one token.
struct Prompts {
  int64_t batch = 0, length = 0;
  std::vector<int64_t> ids;
  std::vector<int64_t> mask;
};

/// Reads the prompts from `ids` (int32 or int64 `[batch, length]`) and, when
/// given, `mask` (the same shape, 0 or 1); without a mask every id is a token.
std::string readPrompts(const strata_tensor *ids, const strata_tensor *mask, Prompts &prompts);

/// Greedy decoding of `steps` tokens after each prompt row. An input the loop
/// does not fill takes its tensor from `fixed` (one entry per model input: the
/// tensor given, or the input's default; null for neither) at every step.
/// `tokens` receives,
/// row by row, the row's ids followed by its generated tokens (`steps` of
/// them on success, those before the failing step otherwise), and
/// `vocabulary` the logits' last dimension once the model is known to suit.
/// Returns an error message or "".
std::string generateGreedy(const strata_model &model, Executor &executor, const Prompts &prompts,
                           long steps, const std::vector<strata_tensor *> &fixed,
                           std::vector<std::vector<int64_t>> &tokens, int64_t &vocabulary);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_GENERATE_H

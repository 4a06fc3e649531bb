//===- Generate.h - Greedy decoding with a KV cache -------------*- C++ -*-===//
//
// `--generate N` for decoder models that take and return their attention
// cache: inputs `input_ids`, optionally `attention_mask` and `position_ids`,
// and past tensors named `past_key_values.<i>.key|value` (Hugging Face) or
// `past_<i>` (onnxruntime); outputs `logits` first, and for each past input
// the present output of the same name pattern (`present.<i>.key|value`,
// `present_<i>`). The cache's sequence axis is the one before the last
// (rank 4: [batch, heads, seq, head_dim]; rank 5: [2, batch, heads, seq,
// head_dim]).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_GENERATE_H
#define STRATA_RUNTIME_CORE_GENERATE_H

#include "runtime/core/Executor.h"

#include <string>
#include <vector>

namespace strata {

/// Greedy decoding from `prompt` (int64 [1, n]); `tokens` receives the prompt
/// followed by the generated tokens (`steps` of them on success, those before
/// the failing step otherwise) and `vocabulary` the logits' last dimension
/// once the model is known to suit. Returns an error message or "".
std::string generateGreedy(const strata_model &model, const Executor &executor,
                           const strata_tensor *prompt, long steps, std::vector<int64_t> &tokens,
                           int64_t &vocabulary);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_GENERATE_H

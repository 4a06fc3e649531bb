//===- TokenLimit.h - How far --generate can go -----------------*- C++ -*-===//
//
// A decoder takes so many positions and no more, and a program is compiled
// for so many. --generate learns the first from the compiled code: the
// position table is read by a gather whose run-time check fails, naming the
// node, at the first position past the table (the table's size is known only
// to the compiled code, which may offset positions, slice the table, or read
// rotary caches instead). It learns the second from the model description:
// the compiled bounds of the sequence dimensions the loop grows, checked
// before each step so that no step starts that the program's buffers cannot
// hold. Either way the loop stops with a message saying how far it got.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_TOKENLIMIT_H
#define STRATA_RUNTIME_CORE_TOKENLIMIT_H

#include "strata/model.h"

#include <cstdint>
#include <string>

namespace strata {

/// Checks that `model` was compiled for a --generate step that runs `fresh`
/// new tokens after `past` cached ones: input_ids and position_ids hold
/// `fresh`, attention_mask `past + fresh` and the past tensors' sequence axis
/// (the one before the last) `past`, each within its dimension's compiled
/// bound. Returns "" or why the step cannot run, naming the input and bound.
std::string checkStepWithinBounds(const strata_model &model, int64_t past, int64_t fresh);

/// The message of a --generate loop that stops before step `step`, which
/// would run positions `past` to `past + fresh - 1`, because of `reason` (the
/// step's failed check): it says how many of the `steps` tokens it generated.
std::string tokenLimitMessage(long step, long steps, int64_t past, int64_t fresh,
                              const std::string &reason);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_TOKENLIMIT_H

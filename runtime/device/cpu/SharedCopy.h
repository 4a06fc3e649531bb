//===- SharedCopy.h - One contiguous copy shared among the team -*- C++ -*-===//
//
// A large copy of one block (a decode step's present KV cache copied out of
// its arena, a prefill's logits) is bound by memory bandwidth, which one
// core does not reach alone: the team (Team.h) copies it by cache lines.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_SHAREDCOPY_H
#define STRATA_RUNTIME_DEVICE_CPU_SHAREDCOPY_H

#include <cstddef>

namespace strata::cpu {

/// Copies `bytes` bytes from `from` to `to` (which do not overlap), split by
/// cache lines among the team's threads when each gets at least
/// kLeastSharedElements floats' worth, else on the calling thread.
void copyShared(void *to, const void *from, size_t bytes);

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_SHAREDCOPY_H

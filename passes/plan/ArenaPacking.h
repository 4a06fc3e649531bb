//===- ArenaPacking.h - Offsets for buffers with lifetimes ------*- C++ -*-===//
//
// The placement problem of the buffer plan, free of IR: buffers with a size
// and a lifetime (an inclusive range of positions in the op order) get offsets
// in one arena so that no two buffers live at the same time overlap.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_PLAN_ARENAPACKING_H
#define STRATA_PASSES_PLAN_ARENAPACKING_H

#include <cstdint>
#include <vector>

namespace strata::plan {

/// One buffer to place.
struct ArenaRequest {
  int64_t bytes = 0;
  /// A power of two.
  int64_t alignment = 64;
  /// First and last position (inclusive) at which the buffer is live.
  int64_t start = 0, end = 0;
};

/// Where the buffers went.
struct ArenaLayout {
  /// Per request, in order.
  std::vector<int64_t> offsets;
  /// The arena's size: the end of the last-ending buffer.
  int64_t bytes = 0;
  /// The most bytes live at one position: no layout can be smaller.
  int64_t lowerBound = 0;
};

/// Places `requests`, one at a time, each at the lowest offset where it
/// overlaps no buffer already placed whose lifetime meets its own; tries four
/// orders (largest, longest-lived, largest bytes-times-lifetime and
/// latest-ending first), then improves the best by swapping pairs in it, and
/// keeps the smallest arena (within a few percent of the lower bound on the op
/// graphs of transformer models). One placement costs the number of buffers
/// times the number alive at once; the search's tries shrink as the number of
/// buffers grows, so large graphs stay near a few placements.
ArenaLayout packArena(const std::vector<ArenaRequest> &requests);

} // namespace strata::plan

#endif // STRATA_PASSES_PLAN_ARENAPACKING_H

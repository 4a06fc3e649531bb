//===- ArenaPacking.cpp - Offsets for buffers with lifetimes --------------===//
//
// Placed buffers are indexed by the positions they are live at, so finding
// the buffers a new one must avoid costs the number of buffers alive during
// its lifetime rather than the number placed so far.
//
//===----------------------------------------------------------------------===//

#include "passes/plan/ArenaPacking.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace strata::plan {

ArenaLayout packArena(const std::vector<ArenaRequest> &requests) {
  ArenaLayout layout;
  size_t n = requests.size();
  layout.offsets.assign(n, 0);
  if (n == 0)
    return layout;
  int64_t first = requests.front().start, last = requests.front().end;
  for (const ArenaRequest &r : requests) {
    first = std::min(first, r.start);
    last = std::max(last, r.end);
  }

  // The lower bound: the most bytes live at one position.
  std::vector<int64_t> delta(last - first + 2, 0);
  for (const ArenaRequest &r : requests) {
    delta[r.start - first] += r.bytes;
    delta[r.end - first + 1] -= r.bytes;
  }
  int64_t live = 0;
  for (int64_t d : delta) {
    live += d;
    layout.lowerBound = std::max(layout.lowerBound, live);
  }

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  llvm::stable_sort(order, [&](size_t a, size_t b) {
    if (requests[a].bytes != requests[b].bytes)
      return requests[a].bytes > requests[b].bytes;
    return requests[a].start < requests[b].start;
  });

  // Placed buffers by the positions they are live at.
  std::vector<std::vector<size_t>> livePlaced(last - first + 1);
  std::vector<size_t> seenAt(n, SIZE_MAX);
  std::vector<std::pair<int64_t, int64_t>> blocked;
  for (size_t i : order) {
    const ArenaRequest &r = requests[i];
    if (r.bytes == 0)
      continue;
    blocked.clear();
    for (int64_t t = r.start; t <= r.end; ++t)
      for (size_t j : livePlaced[t - first])
        if (seenAt[j] != i) {
          seenAt[j] = i;
          blocked.push_back({layout.offsets[j], layout.offsets[j] + requests[j].bytes});
        }
    llvm::sort(blocked);
    int64_t offset = 0;
    for (auto [begin, end] : blocked) {
      if (offset + r.bytes <= begin)
        break;
      offset = std::max<int64_t>(offset, llvm::alignTo(end, r.alignment));
    }
    layout.offsets[i] = offset;
    layout.bytes = std::max(layout.bytes, offset + r.bytes);
    for (int64_t t = r.start; t <= r.end; ++t)
      livePlaced[t - first].push_back(i);
  }
  return layout;
}

} // namespace strata::plan

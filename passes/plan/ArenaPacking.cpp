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
#include <functional>
#include <random>
#include <numeric>
#include <utility>

namespace strata::plan {

namespace {

/// The local search's most tries, and the product of tries and buffers it
/// may spend.
constexpr int64_t kMaxSearchSteps = 4000;
constexpr int64_t kSearchBudget = 400000;

/// Places the requests in `order`, each at the lowest offset free during its
/// lifetime; returns the offsets and the arena size.
std::pair<std::vector<int64_t>, int64_t> placeInOrder(const std::vector<ArenaRequest> &requests,
                                                      const std::vector<size_t> &order,
                                                      int64_t first, int64_t last) {
  std::vector<int64_t> offsets(requests.size(), 0);
  int64_t bytes = 0;
  // Placed buffers by the positions they are live at.
  std::vector<std::vector<size_t>> livePlaced(last - first + 1);
  std::vector<size_t> seenAt(requests.size(), SIZE_MAX);
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
          blocked.push_back({offsets[j], offsets[j] + requests[j].bytes});
        }
    llvm::sort(blocked);
    int64_t offset = 0;
    for (auto [begin, end] : blocked) {
      if (offset + r.bytes <= begin)
        break;
      offset = std::max<int64_t>(offset, llvm::alignTo(end, r.alignment));
    }
    offsets[i] = offset;
    bytes = std::max(bytes, offset + r.bytes);
    for (int64_t t = r.start; t <= r.end; ++t)
      livePlaced[t - first].push_back(i);
  }
  return {offsets, bytes};
}

} // namespace

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

  // Greedy placement in several orders, keeping the smallest arena: largest
  // first (best on most graphs), longest-lived first, largest area (bytes
  // times lifetime) first and latest-ending first, each breaking ties by
  // program order.
  auto length = [&](size_t i) { return requests[i].end - requests[i].start + 1; };
  using Key = std::function<std::pair<double, double>(size_t)>;
  const Key keys[] = {
      [&](size_t i) { return std::make_pair(double(requests[i].bytes), double(length(i))); },
      [&](size_t i) { return std::make_pair(double(length(i)), double(requests[i].bytes)); },
      [&](size_t i) { return std::make_pair(double(requests[i].bytes) * length(i), 0.0); },
      [&](size_t i) { return std::make_pair(double(requests[i].end), double(requests[i].bytes)); },
  };
  std::vector<size_t> bestOrder;
  layout.bytes = -1;
  auto consider = [&](const std::vector<size_t> &order) {
    auto [offsets, bytes] = placeInOrder(requests, order, first, last);
    if (layout.bytes >= 0 && bytes > layout.bytes)
      return false;
    layout.offsets = std::move(offsets);
    layout.bytes = bytes;
    bestOrder = order;
    return true;
  };
  for (const Key &key : keys) {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    llvm::stable_sort(order, [&](size_t a, size_t b) {
      auto ka = key(a), kb = key(b);
      if (ka != kb)
        return ka > kb;
      return requests[a].start < requests[b].start;
    });
    consider(order);
  }
  // Then a local search over the best order: swap two buffers, keep the
  // swap when the arena does not grow. The seed is fixed (compiles are
  // reproducible) and the number of tries shrinks with the number of buffers
  // (large graphs keep their compile time).
  std::mt19937_64 random(0x5eed);
  int64_t tries = std::min<int64_t>(kMaxSearchSteps, kSearchBudget / static_cast<int64_t>(n));
  for (int64_t step = 0; step < tries && layout.bytes > layout.lowerBound && n > 1; ++step) {
    std::vector<size_t> order = bestOrder;
    std::swap(order[random() % n], order[random() % n]);
    consider(order);
  }
  return layout;
}

} // namespace strata::plan

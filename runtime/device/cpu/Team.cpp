//===- Team.cpp - The CPU device's one team of threads --------------------===//

#include "runtime/device/cpu/Team.h"

#include <algorithm>
#include <atomic>

// GNU OpenMP's runtime, oneDNN's (omp.h is the compiler's own header: a
// build of the runtime by another compiler, the fuzz targets', declares what
// it calls).
extern "C" {
void omp_set_num_threads(int);
int omp_get_max_threads(void);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
}

namespace strata::cpu {

namespace {
std::atomic<int> size{0};

/// What is left of one thread's share in shareBalanced: the pieces
/// [front, back), packed as front << 32 | back, so that its owner (from the
/// front) and the other threads (from the back) each claim a piece with one
/// compare-and-swap. One to a cache line: a claim does not disturb the
/// others' lines.
struct alignas(64) Share {
  std::atomic<uint64_t> left;
};

/// The most shares shareBalanced makes; a larger team leaves its other
/// threads idle there.
constexpr int64_t kMostShares = 64;
/// The most pieces shareBalanced splits its range into: a share's bounds are
/// packed in 32 bits each. Below this count a piece is one index.
constexpr int64_t kMostPieces = int64_t{1} << 31;

/// Claims a piece of `share`, from its front or its back; -1 once it is
/// empty.
int64_t claim(Share &share, bool fromFront) {
  uint64_t left = share.left.load(std::memory_order_relaxed);
  for (;;) {
    uint64_t front = left >> 32, back = left & 0xffffffffu;
    if (front >= back)
      return -1;
    uint64_t next = fromFront ? (front + 1) << 32 | back : front << 32 | (back - 1);
    if (share.left.compare_exchange_weak(left, next, std::memory_order_relaxed))
      return static_cast<int64_t>(fromFront ? front : back - 1);
  }
}
} // namespace

void setTeamSize(int threads) {
  size = std::max(threads, 1);
  omp_set_num_threads(size);
}

int teamSize() {
  int n = size;
  return n > 0 ? n : omp_get_max_threads();
}

void applyTeamSize() {
  int n = teamSize();
  if (omp_get_max_threads() != n)
    omp_set_num_threads(n);
}

void shareOut(int64_t most, void (*task)(void *context, int64_t part, int64_t parts),
              void *context) {
  int64_t parts = std::clamp<int64_t>(teamSize(), 1, std::max<int64_t>(most, 1));
  if (parts == 1)
    return task(context, 0, 1);
#ifdef _OPENMP
#pragma omp parallel num_threads(parts)
#endif
  task(context, omp_get_thread_num(), omp_get_num_threads());
}

void shareBalanced(int64_t count, void (*task)(void *context, int64_t index), void *context) {
  if (count <= 0)
    return;
  struct Balanced {
    void (*task)(void *, int64_t);
    void *context;
    int64_t count, piece, shares;
    Share share[kMostShares];
  } balanced{task, context, count, count / kMostPieces + 1, 0, {}};
  int64_t pieces = (count + balanced.piece - 1) / balanced.piece;
  balanced.shares = std::clamp<int64_t>(teamSize(), 1, std::min(pieces, kMostShares));
  for (int64_t s = 0; s < balanced.shares; ++s)
    balanced.share[s].left = static_cast<uint64_t>(pieces * s / balanced.shares) << 32 |
                             static_cast<uint64_t>(pieces * (s + 1) / balanced.shares);
  // The team may have fewer threads than shares (OpenMP's limits): every
  // thread goes on through all the other shares, so none is left unclaimed.
  shareOut(
      balanced.shares,
      [](void *context, int64_t part, int64_t) {
        auto &b = *static_cast<Balanced *>(context);
        auto run = [&b](int64_t piece) {
          for (int64_t index = piece * b.piece; index < std::min(b.count, (piece + 1) * b.piece);
               ++index)
            b.task(b.context, index);
        };
        for (int64_t piece; (piece = claim(b.share[part], true)) >= 0;)
          run(piece);
        for (int64_t other = 1; other < b.shares; ++other)
          for (int64_t piece; (piece = claim(b.share[(part + other) % b.shares], false)) >= 0;)
            run(piece);
      },
      &balanced);
}

} // namespace strata::cpu

void strata_cpu_share(int64_t (*task)(void *context, int64_t part, int64_t parts), void *context) {
  struct Shared {
    int64_t (*task)(void *, int64_t, int64_t);
    void *context;
  } shared{task, context};
  int64_t work = task(context, 0, 0);
  strata::cpu::shareOut(
      work / strata::cpu::kLeastSharedElements,
      [](void *c, int64_t part, int64_t parts) {
        auto *s = static_cast<Shared *>(c);
        s->task(s->context, part, parts);
      },
      &shared);
}

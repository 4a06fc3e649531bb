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

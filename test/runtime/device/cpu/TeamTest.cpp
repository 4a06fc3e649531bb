//===- TeamTest.cpp - Work shared among the CPU device's threads ----------===//
//
// shareOut and strata_cpu_share (the call of compiled kernels whose outer
// loop the team shares): which parts run, on how many threads, and that a
// kernel's parts together cover its loop once.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/Team.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace {

using strata::cpu::kLeastSharedElements;

/// What a kernel's parts did: each iteration's count of visits and the
/// threads that ran them.
struct Kernel {
  int64_t iterations;
  int64_t elementsPerIteration;
  std::vector<std::atomic<int>> visits;
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::vector<int64_t> partsSeen;

  Kernel(int64_t n, int64_t elements) : iterations(n), elementsPerIteration(elements), visits(n) {}

  /// The compiled kernel's protocol (strata-cpu-share-kernels).
  static int64_t task(void *context, int64_t part, int64_t parts) {
    auto &k = *static_cast<Kernel *>(context);
    if (parts == 0)
      return k.iterations * k.elementsPerIteration;
    {
      std::lock_guard<std::mutex> lock(k.mutex);
      k.threads.insert(std::this_thread::get_id());
      k.partsSeen.push_back(parts);
    }
    for (int64_t i = k.iterations * part / parts; i < k.iterations * (part + 1) / parts; ++i)
      ++k.visits[i];
    return 0;
  }

  bool eachVisitedOnce() const {
    for (const auto &v : visits)
      if (v != 1)
        return false;
    return true;
  }
};

TEST(Team, LargeWorkIsSharedAmongTheTeam) {
  strata::cpu::setTeamSize(2);
  Kernel k(1000, kLeastSharedElements);
  strata_cpu_share(Kernel::task, &k);
  EXPECT_TRUE(k.eachVisitedOnce());
  EXPECT_EQ(k.threads.size(), 2u);
  EXPECT_EQ(k.partsSeen, (std::vector<int64_t>{2, 2}));
}

TEST(Team, SmallWorkRunsOnTheCallingThread) {
  strata::cpu::setTeamSize(2);
  // Twice the least work per thread, less one element: one part.
  Kernel k(1, 2 * kLeastSharedElements - 1);
  strata_cpu_share(Kernel::task, &k);
  EXPECT_TRUE(k.eachVisitedOnce());
  EXPECT_EQ(k.threads, std::set<std::thread::id>{std::this_thread::get_id()});
  EXPECT_EQ(k.partsSeen, std::vector<int64_t>{1});
}

TEST(Team, OneThreadRunsEverythingOnTheCaller) {
  strata::cpu::setTeamSize(1);
  Kernel k(4096, kLeastSharedElements);
  strata_cpu_share(Kernel::task, &k);
  EXPECT_TRUE(k.eachVisitedOnce());
  EXPECT_EQ(k.threads, std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST(Team, MorePartsThanIterations) {
  // Three threads, two iterations of ample work: three parts, one of them
  // empty; each iteration still runs once.
  strata::cpu::setTeamSize(3);
  Kernel k(2, 100 * kLeastSharedElements);
  strata_cpu_share(Kernel::task, &k);
  EXPECT_TRUE(k.eachVisitedOnce());
  EXPECT_EQ(k.partsSeen.size(), 3u);
  strata::cpu::setTeamSize(1);
}

TEST(Team, EmptyLoopsRunNothing) {
  strata::cpu::setTeamSize(2);
  Kernel k(0, 64);
  strata_cpu_share(Kernel::task, &k);
  EXPECT_EQ(k.partsSeen, std::vector<int64_t>{1});
  strata::cpu::setTeamSize(1);
}

} // namespace

//===- TeamTest.cpp - Work shared among the CPU device's threads ----------===//
//
// shareOut and strata_cpu_share (the call of compiled kernels whose outer
// loop the team shares): which parts run, on how many threads, and that a
// kernel's parts together cover its loop once. shareBalanced: every index
// runs once, and a thread done with its share takes a stalled thread's rest.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/Team.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
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

/// What shareBalanced ran: each index's count of visits and the thread that
/// ran it last.
struct Indices {
  std::vector<std::atomic<int>> visits;
  std::vector<std::thread::id> ranOn;
  std::atomic<int64_t> done{0};

  explicit Indices(int64_t n) : visits(n), ranOn(n) {}

  static void visit(void *context, int64_t index) {
    auto &i = *static_cast<Indices *>(context);
    ++i.visits[index];
    i.ranOn[index] = std::this_thread::get_id();
    ++i.done;
  }
};

TEST(Team, BalancedSharingRunsEveryIndexOnce) {
  for (int threads : {1, 2, 3})
    for (int64_t count : {0, 1, 2, 5, 1000}) {
      strata::cpu::setTeamSize(threads);
      Indices indices(count);
      strata::cpu::shareBalanced(count, Indices::visit, &indices);
      for (int64_t i = 0; i < count; ++i)
        EXPECT_EQ(indices.visits[i], 1) << threads << " threads, " << count << " indices, " << i;
      EXPECT_EQ(indices.done, count);
    }
  strata::cpu::setTeamSize(1);
}

TEST(Team, BalancedSharingTakesTheRestOfAStalledShare) {
  // Two threads, eight indices: shares [0, 4) and [4, 8). The first index to
  // run, on whichever thread, does not return until the seven others are
  // done, so the other thread must take the rest of the stalled thread's
  // share from its back after its own.
  strata::cpu::setTeamSize(2);
  struct Stalled {
    Indices indices{8};
    std::atomic<bool> stalling{false};
    int64_t first = -1;
    bool timedOut = false;
  } stalled;
  strata::cpu::shareBalanced(
      8,
      [](void *context, int64_t index) {
        auto &s = *static_cast<Stalled *>(context);
        if (!s.stalling.exchange(true)) {
          s.first = index;
          auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
          while (s.indices.done < 7 && !s.timedOut) {
            std::this_thread::yield();
            s.timedOut = std::chrono::steady_clock::now() > deadline;
          }
        }
        Indices::visit(&s.indices, index);
      },
      &stalled);
  EXPECT_FALSE(stalled.timedOut);
  ASSERT_GE(stalled.first, 0);
  for (int64_t i = 0; i < 8; ++i) {
    EXPECT_EQ(stalled.indices.visits[i], 1) << i;
    if (i != stalled.first)
      EXPECT_NE(stalled.indices.ranOn[i], stalled.indices.ranOn[stalled.first]) << i;
  }
  strata::cpu::setTeamSize(1);
}

} // namespace

//===- TierStreams.cpp - The tier plan's copy streams ---------------------===//
//
// One lock guards the streams' counts: copies are whole weights, so it is
// taken a few times per copy, never per byte. The state is created on the
// first copy and never destroyed, so copy threads idle at exit need nothing.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/TierStreams.h"

#include "runtime/core/Status.h"
#include "runtime/core/Trace.h"
#include "runtime/device/cpu/CopyStream.h"
#include "runtime/device/cpu/RunGuard.h"
#include "runtime/device/cpu/TierCopies.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <new>
#include <optional>

using strata::runtime::makeError;

namespace strata::cpu {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t nanosecondsSince(Clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
}

/// A copy: its work (given the read that follows it on its stream, if that
/// is queued yet) and, for traces, its name; a read says what it reads.
struct Copy {
  std::function<strata_status(const NextWeightsRead &)> work;
  const char *name;
  std::optional<WeightsRead> read;
};

class TierStreams {
public:
  static TierStreams &get() {
    static TierStreams *streams = new TierStreams;
    return *streams;
  }

  strata_status enqueue(int64_t stream, Copy copy, int64_t &ticket) {
    std::lock_guard<std::mutex> lock(mutex);
    CopyStream *thread = nullptr;
    if (strata_status s = threadOf(stream, thread))
      return s;
    uint64_t number = ++issued[stream];
    queuedReads[stream].push_back(copy.read);
    thread->enqueue([this, stream, number, copy = std::move(copy)] { run(stream, number, copy); });
    ticket = static_cast<int64_t>(number);
    return nullptr;
  }

  strata_status streamWait(int64_t stream, int64_t other, int64_t ticket) {
    std::lock_guard<std::mutex> lock(mutex);
    CopyStream *thread = nullptr;
    if (strata_status s = checkTicket(other, ticket))
      return s;
    if (strata_status s = threadOf(stream, thread))
      return s;
    queuedReads[stream].push_back(std::nullopt);
    thread->enqueue([this, stream, other, ticket] {
      std::unique_lock<std::mutex> lock(mutex);
      queuedReads[stream].pop_front();
      advanced.wait(lock, [&] { return completed[other] >= static_cast<uint64_t>(ticket); });
    });
    return nullptr;
  }

  strata_status wait(int64_t stream, int64_t ticket) {
    std::unique_lock<std::mutex> lock(mutex);
    if (strata_status s = checkTicket(stream, ticket))
      return s;
    auto done = [&] { return completed[stream] >= static_cast<uint64_t>(ticket); };
    if (!done()) {
      bool tracing = runtime::traceStarted();
      if (tracing) {
        lock.unlock();
        strata_status_free(strata_trace_begin("waits for a copy", "stall"));
        lock.lock();
      }
      Clock::time_point start = Clock::now();
      advanced.wait(lock, done);
      stallNs += nanosecondsSince(start);
      if (tracing) {
        lock.unlock();
        strata_status_free(strata_trace_end());
        lock.lock();
      }
    }
    return takeFailure();
  }

  strata_status drain() {
    std::unique_lock<std::mutex> lock(mutex);
    advanced.wait(lock, [&] {
      for (int64_t s = 0; s < kMaxTierStreams; ++s)
        if (completed[s] < issued[s])
          return false;
      return true;
    });
    return takeFailure();
  }

  TierStreamTimes times() {
    std::lock_guard<std::mutex> lock(mutex);
    return {copyNs, stallNs};
  }

private:
  TierStreams() = default;

  /// The copy thread of `stream`, started at its first copy. Holds the lock.
  strata_status threadOf(int64_t stream, CopyStream *&out) {
    if (stream < 0 || stream >= kMaxTierStreams)
      return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                       "tier copy stream %lld does not exist (the CPU device has %lld)",
                       static_cast<long long>(stream), static_cast<long long>(kMaxTierStreams));
    std::unique_ptr<CopyStream> &thread = threads[stream];
    if (!thread) {
      if (strata_status s = CopyStream::create(thread))
        return s;
      char name[32];
      std::snprintf(name, sizeof name, "tier copy stream %lld", static_cast<long long>(stream));
      thread->enqueue([name = std::string(name)] { runtime::nameTraceThread(name.c_str()); });
    }
    out = thread.get();
    return nullptr;
  }

  /// Holds the lock.
  strata_status checkTicket(int64_t stream, int64_t ticket) const {
    if (stream < 0 || stream >= kMaxTierStreams || ticket < 1 ||
        static_cast<uint64_t>(ticket) > issued[stream])
      return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                       "a wait for copy %lld of tier copy stream %lld, which was never queued",
                       static_cast<long long>(ticket), static_cast<long long>(stream));
    return nullptr;
  }

  /// The failure no wait has raised yet, now the caller's. Holds the lock.
  strata_status takeFailure() {
    strata_status taken = failure;
    failure = nullptr;
    return taken;
  }

  /// Runs `copy`, number `number` of `stream`, on the stream's copy thread.
  void run(int64_t stream, uint64_t number, const Copy &copy) {
    bool tracing = runtime::traceStarted();
    if (tracing)
      strata_status_free(strata_trace_begin(copy.name, "copy"));
    {
      std::lock_guard<std::mutex> lock(mutex);
      queuedReads[stream].pop_front();
      if (busyStreams++ == 0)
        busySince = Clock::now();
    }
    // The stream's next task, if it is a read queued already.
    NextWeightsRead next = [this, stream]() -> std::optional<WeightsRead> {
      std::lock_guard<std::mutex> lock(mutex);
      if (queuedReads[stream].empty())
        return std::nullopt;
      return queuedReads[stream].front();
    };
    strata_status status = copy.work(next);
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (--busyStreams == 0)
        copyNs += nanosecondsSince(busySince);
      if (status && !failure)
        failure = status;
      else
        strata_status_free(status);
      completed[stream] = number;
    }
    if (tracing)
      strata_status_free(strata_trace_end());
    advanced.notify_all();
  }

  std::mutex mutex;
  std::condition_variable advanced;
  std::unique_ptr<CopyStream> threads[kMaxTierStreams];
  uint64_t issued[kMaxTierStreams] = {};
  /// Each stream's tasks not yet begun, in order: what each reads, for a
  /// read, and nothing for the rest.
  std::deque<std::optional<WeightsRead>> queuedReads[kMaxTierStreams];
  uint64_t completed[kMaxTierStreams] = {};
  int busyStreams = 0;
  Clock::time_point busySince;
  uint64_t copyNs = 0;
  uint64_t stallNs = 0;
  strata_status failure = nullptr;
};

/// Raises `status` from the compiled code's call; this frame holds nothing
/// to destroy (RunGuard.h).
[[noreturn]] void raise(strata_status status) {
  char message[4096];
  std::snprintf(message, sizeof message, "%s", strata_status_message(status));
  strata_status_code code = strata_status_get_code(status);
  strata_status_free(status);
  raiseFromCompiledCode(code, "%s", message);
}

/// Queues a copy: this frame returns, destroying what it built, before the
/// caller raises a failure.
strata_status queueCopy(int64_t stream, void *target, const void *source, int64_t bytes,
                        int64_t &ticket) {
  if (bytes < 0)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "a tier copy of %lld bytes",
                     static_cast<long long>(bytes));
  return TierStreams::get().enqueue(stream,
                                    Copy{[=](const NextWeightsRead &) -> strata_status {
                                           copyToDevice(target, source,
                                                        static_cast<uint64_t>(bytes));
                                           return nullptr;
                                         },
                                         "copy to the device", std::nullopt},
                                    ticket);
}

strata_status queueRead(int64_t stream, const void *region, int64_t offset, void *target,
                        int64_t bytes, int64_t &ticket) {
  if (offset < 0 || bytes < 0)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT,
                     "a tier read of %lld bytes at offset %lld of the weights",
                     static_cast<long long>(bytes), static_cast<long long>(offset));
  WeightsRead read{region, static_cast<uint64_t>(offset), target, static_cast<uint64_t>(bytes)};
  return TierStreams::get().enqueue(
      stream,
      Copy{[read](const NextWeightsRead &next) { return readWeightsFromNvme(read, next); },
           "read from NVMe", read},
      ticket);
}

} // namespace

TierStreamTimes tierStreamTimes() { return TierStreams::get().times(); }

strata_status drainTierStreams() { return TierStreams::get().drain(); }

} // namespace strata::cpu

using namespace strata::cpu;

extern "C" int64_t strata_cpu_tier_copy(int64_t stream, void *target, const void *source,
                                        int64_t bytes) {
  int64_t ticket = 0;
  if (strata_status s = queueCopy(stream, target, source, bytes, ticket))
    raise(s);
  return ticket;
}

extern "C" int64_t strata_cpu_tier_read_weights(int64_t stream, const void *region, int64_t offset,
                                                void *target, int64_t bytes) {
  int64_t ticket = 0;
  if (strata_status s = queueRead(stream, region, offset, target, bytes, ticket))
    raise(s);
  return ticket;
}

extern "C" void strata_cpu_tier_stream_wait(int64_t stream, int64_t other, int64_t ticket) {
  if (strata_status s = TierStreams::get().streamWait(stream, other, ticket))
    raise(s);
}

extern "C" void strata_cpu_tier_wait(int64_t stream, int64_t ticket) {
  if (strata_status s = TierStreams::get().wait(stream, ticket))
    raise(s);
}

//===- Trace.cpp - Chrome/Perfetto trace recording --------------*- C++ -*-===//
//
// Records nested spans (kernels, copies, steps) per thread and writes them as
// Chrome trace-event JSON, which chrome://tracing and ui.perfetto.dev open
// directly. Open spans live in a thread-local stack, so begin/end take no
// lock; only a completed span takes the recorder's mutex once.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Trace.h"
#include "runtime/core/File.h"
#include "runtime/core/Status.h"

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

using namespace strata::runtime;

namespace {

using Clock = std::chrono::steady_clock;

struct OpenSpan {
  std::string name;
  std::string category;
  Clock::time_point start;
};

struct CompletedSpan {
  std::string name;
  std::string category;
  int64_t startNs;
  int64_t durationNs;
  int64_t tid;
};

/// Completed spans of all threads, with times relative to the recorder's
/// creation: at the first strata_trace_begin, or earlier when a runtime thread
/// names its track (nameTraceThread) first.
class TraceRecorder {
public:
  static TraceRecorder &get() {
    static TraceRecorder recorder;
    return recorder;
  }

  int64_t sinceEpochNs(Clock::time_point time) const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(time - epoch).count();
  }

  void add(CompletedSpan span) {
    std::lock_guard<std::mutex> lock(mutex);
    spans.push_back(std::move(span));
  }

  std::vector<CompletedSpan> snapshot() {
    std::lock_guard<std::mutex> lock(mutex);
    return spans;
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mutex);
    spans.clear();
  }

  void nameThread(int64_t tid, std::string name) {
    std::lock_guard<std::mutex> lock(mutex);
    threadNames[tid] = std::move(name);
  }

  std::map<int64_t, std::string> names() {
    std::lock_guard<std::mutex> lock(mutex);
    return threadNames;
  }

private:
  TraceRecorder() : epoch(Clock::now()) {}

  Clock::time_point epoch;
  std::mutex mutex;
  std::vector<CompletedSpan> spans;
  std::map<int64_t, std::string> threadNames;
};

std::atomic<bool> started{false};

thread_local std::vector<OpenSpan> openSpans;

/// The kernel thread id, so spans line up with perf and /proc; gettid cannot
/// fail.
int64_t currentThreadId() {
  thread_local int64_t tid = static_cast<int64_t>(::syscall(SYS_gettid));
  return tid;
}

void appendJsonString(std::string &out, const std::string &text) {
  out += '"';
  for (char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
        out += escaped;
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

/// Appends `ns` as microseconds with three decimals, Chrome's time unit.
void appendMicroseconds(std::string &out, int64_t ns) {
  char text[32];
  std::snprintf(text, sizeof(text), "%" PRId64 ".%03" PRId64, ns / 1000, ns % 1000);
  out += text;
}

} // namespace

bool strata::runtime::traceStarted() { return started.load(std::memory_order_relaxed); }

void strata::runtime::nameTraceThread(const char *name) {
  TraceRecorder::get().nameThread(currentThreadId(), name);
}

extern "C" {

strata_status strata_trace_begin(const char *name, const char *category) noexcept {
  if (!name || !category)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_trace_begin: %s is NULL",
                     name ? "category" : "name");
  TraceRecorder::get();
  started.store(true, std::memory_order_relaxed);
  openSpans.push_back(OpenSpan{name, category, Clock::now()});
  return nullptr;
}

strata_status strata_trace_end(void) noexcept {
  Clock::time_point end = Clock::now();
  if (openSpans.empty())
    return makeError(STRATA_ERROR_FAILED_PRECONDITION,
                     "strata_trace_end: no open span on this thread (more "
                     "ends than begins)");
  OpenSpan span = std::move(openSpans.back());
  openSpans.pop_back();
  TraceRecorder &recorder = TraceRecorder::get();
  int64_t startNs = recorder.sinceEpochNs(span.start);
  recorder.add(CompletedSpan{std::move(span.name), std::move(span.category), startNs,
                             recorder.sinceEpochNs(end) - startNs, currentThreadId()});
  return nullptr;
}

strata_status strata_trace_write(const char *path) noexcept {
  if (!path)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_trace_write: path is NULL");
  std::vector<CompletedSpan> spans = TraceRecorder::get().snapshot();
  std::string pid = std::to_string(::getpid());
  std::string json = "{\"traceEvents\":[";
  for (size_t i = 0; i < spans.size(); ++i) {
    const CompletedSpan &span = spans[i];
    json += i == 0 ? "\n" : ",\n";
    json += "{\"name\":";
    appendJsonString(json, span.name);
    json += ",\"cat\":";
    appendJsonString(json, span.category);
    json += ",\"ph\":\"X\",\"ts\":";
    appendMicroseconds(json, span.startNs);
    json += ",\"dur\":";
    appendMicroseconds(json, span.durationNs);
    json += ",\"pid\":" + pid + ",\"tid\":" + std::to_string(span.tid) + "}";
  }
  for (const auto &[tid, name] : TraceRecorder::get().names()) {
    json += json.back() == '[' ? "\n" : ",\n";
    json += "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" + pid +
            ",\"tid\":" + std::to_string(tid) + ",\"args\":{\"name\":";
    appendJsonString(json, name);
    json += "}}";
  }
  json += "\n]}\n";
  ByteRange range{json.data(), json.size()};
  return writeFileAtomically(path, &range, 1);
}

void strata_trace_clear(void) noexcept { TraceRecorder::get().clear(); }

} // extern "C"

//===- TraceTest.cpp - Chrome/Perfetto trace tests --------------*- C++ -*-===//
//
// Writes traces and parses them back with a small strict JSON parser, so the
// tests check what a trace viewer would read: well-formed JSON, the required
// event fields, escaping, nesting of spans, and per-thread stacks.
//
//===----------------------------------------------------------------------===//

#include "test/runtime/TestSupport.h"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <thread>
#include <unistd.h>

using strata::test::isError;
using strata::test::readBytes;
using strata::test::TempDir;

namespace {

/// A parsed JSON value; only what trace files contain.
struct Json {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::map<std::string, Json> object;
};

/// Strict recursive-descent JSON parser (RFC 8259 minus \u surrogate pairs).
class JsonParser {
public:
  explicit JsonParser(const std::string &text) : text(text) {}

  /// Parses the whole text; false on any syntax error or trailing garbage.
  bool parse(Json &out) {
    if (!value(out))
      return false;
    space();
    return pos == text.size();
  }

private:
  void space() {
    while (pos < text.size() && std::strchr(" \t\r\n", text[pos]))
      ++pos;
  }
  bool eat(char c) {
    space();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool literal(const char *word) {
    size_t n = std::strlen(word);
    if (text.compare(pos, n, word) != 0)
      return false;
    pos += n;
    return true;
  }
  bool str(std::string &out) {
    if (!eat('"'))
      return false;
    while (pos < text.size() && text[pos] != '"') {
      char c = text[pos++];
      if (static_cast<unsigned char>(c) < 0x20)
        return false;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos >= text.size())
        return false;
      char e = text[pos++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        if (pos + 4 > text.size())
          return false;
        std::string hex = text.substr(pos, 4);
        char *end = nullptr;
        unsigned long code = std::strtoul(hex.c_str(), &end, 16);
        if (end != hex.c_str() + 4 || code >= 0x80)
          return false;
        out += static_cast<char>(code);
        pos += 4;
        break;
      }
      default:
        return false;
      }
    }
    return eat('"');
  }
  bool num(double &out) {
    size_t start = pos;
    if (pos < text.size() && text[pos] == '-')
      ++pos;
    size_t digits = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
      ++pos;
    if (pos == digits)
      return false;
    if (pos < text.size() && text[pos] == '.') {
      size_t frac = ++pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
        ++pos;
      if (pos == frac)
        return false;
    }
    out = std::strtod(text.substr(start, pos - start).c_str(), nullptr);
    return true;
  }
  bool value(Json &out) {
    space();
    if (pos >= text.size())
      return false;
    char c = text[pos];
    if (c == '{') {
      out.kind = Json::Object;
      ++pos;
      if (eat('}'))
        return true;
      do {
        std::string key;
        Json member;
        if (!str(key) || !eat(':') || !value(member) ||
            !out.object.emplace(key, std::move(member)).second)
          return false;
      } while (eat(','));
      return eat('}');
    }
    if (c == '[') {
      out.kind = Json::Array;
      ++pos;
      if (eat(']'))
        return true;
      do {
        out.array.emplace_back();
        if (!value(out.array.back()))
          return false;
      } while (eat(','));
      return eat(']');
    }
    if (c == '"') {
      out.kind = Json::String;
      return str(out.string);
    }
    if (literal("true")) {
      out.kind = Json::Bool;
      out.boolean = true;
      return true;
    }
    if (literal("false")) {
      out.kind = Json::Bool;
      return true;
    }
    if (literal("null"))
      return true;
    out.kind = Json::Number;
    return num(out.number);
  }

  const std::string &text;
  size_t pos = 0;
};

/// One "X" event read back from a trace file.
struct Event {
  std::string name, cat;
  double ts, dur;
  double pid, tid;
};

/// Parses `path` and checks the trace-event schema; fills `events`.
::testing::AssertionResult readTrace(const std::string &path, std::vector<Event> &events) {
  std::string text = readBytes(path);
  Json root;
  if (!JsonParser(text).parse(root))
    return ::testing::AssertionFailure() << "not valid JSON:\n" << text;
  if (root.kind != Json::Object || !root.object.count("traceEvents") ||
      root.object["traceEvents"].kind != Json::Array)
    return ::testing::AssertionFailure() << "no traceEvents array";
  for (Json &e : root.object["traceEvents"].array) {
    if (e.kind != Json::Object || e.object.size() != 7)
      return ::testing::AssertionFailure() << "event is not a 7-field object";
    for (const char *key : {"name", "cat", "ph"})
      if (e.object[key].kind != Json::String)
        return ::testing::AssertionFailure() << key << " is not a string";
    for (const char *key : {"ts", "dur", "pid", "tid"})
      if (e.object[key].kind != Json::Number)
        return ::testing::AssertionFailure() << key << " is not a number";
    if (e.object["ph"].string != "X")
      return ::testing::AssertionFailure() << "ph is not \"X\"";
    events.push_back({e.object["name"].string, e.object["cat"].string, e.object["ts"].number,
                      e.object["dur"].number, e.object["pid"].number, e.object["tid"].number});
  }
  return ::testing::AssertionSuccess();
}

const Event *find(const std::vector<Event> &events, const std::string &name) {
  for (const Event &e : events)
    if (e.name == name)
      return &e;
  return nullptr;
}

class Trace : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(dir.valid());
    strata_trace_clear();
  }
  void TearDown() override { strata_trace_clear(); }

  TempDir dir;
};

TEST_F(Trace, EmptyTraceIsValidJson) {
  std::string path = dir.path("t.json");
  ASSERT_STRATA_OK(strata_trace_write(path.c_str()));
  std::vector<Event> events;
  ASSERT_TRUE(readTrace(path, events));
  EXPECT_TRUE(events.empty());
}

TEST_F(Trace, SpanHasAllFields) {
  ASSERT_STRATA_OK(strata_trace_begin("matmul_0", "kernel"));
  ::usleep(2000);
  ASSERT_STRATA_OK(strata_trace_end());
  std::string path = dir.path("t.json");
  ASSERT_STRATA_OK(strata_trace_write(path.c_str()));
  std::vector<Event> events;
  ASSERT_TRUE(readTrace(path, events));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "matmul_0");
  EXPECT_EQ(events[0].cat, "kernel");
  EXPECT_GE(events[0].ts, 0);
  EXPECT_GE(events[0].dur, 2000) << "dur is in microseconds";
  EXPECT_LT(events[0].dur, 2e6);
  EXPECT_EQ(events[0].pid, static_cast<double>(::getpid()));
  EXPECT_GT(events[0].tid, 0);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"t.json"});
}

TEST_F(Trace, SpansNestWithinTheirParent) {
  ASSERT_STRATA_OK(strata_trace_begin("step", "step"));
  ASSERT_STRATA_OK(strata_trace_begin("layer", "group"));
  ASSERT_STRATA_OK(strata_trace_begin("gemm", "kernel"));
  ::usleep(500);
  ASSERT_STRATA_OK(strata_trace_end());
  ASSERT_STRATA_OK(strata_trace_end());
  ASSERT_STRATA_OK(strata_trace_begin("copy", "copy"));
  ::usleep(500);
  ASSERT_STRATA_OK(strata_trace_end());
  ASSERT_STRATA_OK(strata_trace_end());
  std::string path = dir.path("t.json");
  ASSERT_STRATA_OK(strata_trace_write(path.c_str()));
  std::vector<Event> events;
  ASSERT_TRUE(readTrace(path, events));
  ASSERT_EQ(events.size(), 4u);
  const Event *step = find(events, "step"), *layer = find(events, "layer"),
              *gemm = find(events, "gemm"), *copy = find(events, "copy");
  ASSERT_TRUE(step && layer && gemm && copy);
  auto inside = [](const Event *child, const Event *parent) {
    return child->tid == parent->tid && child->ts >= parent->ts &&
           child->ts + child->dur <= parent->ts + parent->dur;
  };
  EXPECT_TRUE(inside(layer, step));
  EXPECT_TRUE(inside(gemm, layer));
  EXPECT_TRUE(inside(copy, step));
  EXPECT_GE(copy->ts, layer->ts + layer->dur) << "siblings do not overlap";
  EXPECT_EQ(gemm->cat, "kernel");
  EXPECT_EQ(copy->cat, "copy");
}

TEST_F(Trace, EndWithoutBeginFails) {
  EXPECT_TRUE(isError(strata_trace_end(), STRATA_ERROR_FAILED_PRECONDITION,
                      {"no open span on this thread"}));
  ASSERT_STRATA_OK(strata_trace_begin("a", "b"));
  ASSERT_STRATA_OK(strata_trace_end());
  EXPECT_TRUE(
      isError(strata_trace_end(), STRATA_ERROR_FAILED_PRECONDITION, {"more ends than begins"}));
}

TEST_F(Trace, NullNamesAreRejected) {
  EXPECT_TRUE(
      isError(strata_trace_begin(nullptr, "c"), STRATA_ERROR_INVALID_ARGUMENT, {"name is NULL"}));
  EXPECT_TRUE(isError(strata_trace_begin("n", nullptr), STRATA_ERROR_INVALID_ARGUMENT,
                      {"category is NULL"}));
  // Neither failed begin opened a span.
  EXPECT_TRUE(isError(strata_trace_end(), STRATA_ERROR_FAILED_PRECONDITION, {}));
}

TEST_F(Trace, NamesAreEscaped) {
  const std::string name = "say \"hi\" \\ path\n\ttab \x01 ctl";
  ASSERT_STRATA_OK(strata_trace_begin(name.c_str(), "odd/\"cat\""));
  ASSERT_STRATA_OK(strata_trace_end());
  std::string path = dir.path("t.json");
  ASSERT_STRATA_OK(strata_trace_write(path.c_str()));
  std::vector<Event> events;
  ASSERT_TRUE(readTrace(path, events));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, name);
  EXPECT_EQ(events[0].cat, "odd/\"cat\"");
}

TEST_F(Trace, OpenSpansAreNotWrittenAndClearDropsCompletedOnes) {
  ASSERT_STRATA_OK(strata_trace_begin("done", "k"));
  ASSERT_STRATA_OK(strata_trace_end());
  ASSERT_STRATA_OK(strata_trace_begin("open", "k"));
  std::string path = dir.path("t.json");
  ASSERT_STRATA_OK(strata_trace_write(path.c_str()));
  std::vector<Event> events;
  ASSERT_TRUE(readTrace(path, events));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "done");

  strata_trace_clear();
  ASSERT_STRATA_OK(strata_trace_end());
  ASSERT_STRATA_OK(strata_trace_write(path.c_str()));
  events.clear();
  ASSERT_TRUE(readTrace(path, events));
  ASSERT_EQ(events.size(), 1u) << "the span open across clear survives it";
  EXPECT_EQ(events[0].name, "open");
}

TEST_F(Trace, ThreadsKeepSeparateStacks) {
  ASSERT_STRATA_OK(strata_trace_begin("main", "host"));
  std::thread worker([] {
    // The main thread's open span is not this thread's to close.
    strata::StatusPtr status(strata_trace_end());
    EXPECT_EQ(strata_status_get_code(status.get()), STRATA_ERROR_FAILED_PRECONDITION);
    EXPECT_EQ(strata::StatusPtr(strata_trace_begin("worker", "copy")), nullptr);
    EXPECT_EQ(strata::StatusPtr(strata_trace_end()), nullptr);
  });
  worker.join();
  ASSERT_STRATA_OK(strata_trace_end());
  std::string path = dir.path("t.json");
  ASSERT_STRATA_OK(strata_trace_write(path.c_str()));
  std::vector<Event> events;
  ASSERT_TRUE(readTrace(path, events));
  const Event *mainSpan = find(events, "main"), *workerSpan = find(events, "worker");
  ASSERT_TRUE(mainSpan && workerSpan);
  EXPECT_NE(mainSpan->tid, workerSpan->tid);
  EXPECT_EQ(mainSpan->pid, workerSpan->pid);
}

TEST_F(Trace, WriteFailureNamesThePathAndLeavesNothing) {
  ASSERT_STRATA_OK(strata_trace_begin("a", "b"));
  ASSERT_STRATA_OK(strata_trace_end());
  std::string path = dir.path("missing/t.json");
  EXPECT_TRUE(isError(strata_trace_write(path.c_str()), STRATA_ERROR_IO,
                      {path + ": cannot create temporary file"}));
  EXPECT_TRUE(dir.entries().empty());
  EXPECT_TRUE(
      isError(strata_trace_write(nullptr), STRATA_ERROR_INVALID_ARGUMENT, {"path is NULL"}));
}

} // namespace

//===- TestSupport.h - Helpers shared by the runtime tests ------*- C++ -*-===//
//
// Status assertions, a self-removing temporary directory, small file helpers
// and forked children used by the runtime GoogleTest suites.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TEST_RUNTIME_TESTSUPPORT_H
#define STRATA_TEST_RUNTIME_TESTSUPPORT_H

#include "strata/runtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

/// Asserts that a runtime call returned success, printing its message if not.
#define ASSERT_STRATA_OK(expr)                                                                     \
  do {                                                                                             \
    strata::StatusPtr assertStatus(expr);                                                          \
    ASSERT_EQ(assertStatus, nullptr) << strata_status_message(assertStatus.get());                 \
  } while (false)

namespace strata::test {

/// Checks that `status` is an error with `code` whose message contains
/// every string of `fragments`; takes ownership of `status`.
inline ::testing::AssertionResult isError(strata_status status, strata_status_code code,
                                          std::vector<std::string> fragments) {
  StatusPtr owned(status);
  if (!owned)
    return ::testing::AssertionFailure() << "call succeeded";
  std::string message = strata_status_message(owned.get());
  if (strata_status_get_code(owned.get()) != code)
    return ::testing::AssertionFailure()
           << "code " << strata_status_get_code(owned.get()) << " != " << code << ": " << message;
  for (const std::string &fragment : fragments)
    if (message.find(fragment) == std::string::npos)
      return ::testing::AssertionFailure()
             << "message \"" << message << "\" lacks \"" << fragment << "\"";
  return ::testing::AssertionSuccess();
}

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
public:
  TempDir() {
    const char *base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/strata-rt-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()))
      dir = buffer.data();
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  ~TempDir() {
    if (dir.empty())
      return;
    std::error_code ignored;
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ignored);
    std::filesystem::remove_all(dir, ignored);
  }
  bool valid() const { return !dir.empty(); }
  std::string path(const std::string &name) const { return dir + "/" + name; }
  const std::string &str() const { return dir; }

  /// Names of the entries in the directory, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

private:
  std::string dir;
};

/// Returns the bytes of the file at `path` ("" if it cannot be read).
inline std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Replaces the file at `path` with `bytes`; returns false on failure.
inline bool writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  return static_cast<bool>(out);
}

/// Runs `body` in a forked child and returns its exit code (-1 if it did not
/// exit normally), so tests can change process-wide state such as the user id
/// or resource limits without affecting other tests.
inline int runInChild(const std::function<int()> &body) {
  pid_t pid = ::fork();
  if (pid < 0)
    return -1;
  if (pid == 0)
    ::_exit(body());
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

/// Path of a committed fixture in test/runtime/data.
inline std::string fixture(const std::string &name) {
  return std::string(STRATA_RUNTIME_TEST_DATA_DIR) + "/" + name;
}

} // namespace strata::test

#endif // STRATA_TEST_RUNTIME_TESTSUPPORT_H

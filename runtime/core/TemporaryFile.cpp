//===- TemporaryFile.cpp - Temporary files of atomic writes ---------------===//
//
// The temporaries being written are kept in a list a signal handler can walk:
// entries are published with atomic stores, never freed (a finished write's
// entry is reused by the next one), and the handler only reads them and
// calls unlink, which is async-signal-safe.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/TemporaryFile.h"
#include "runtime/core/Status.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <memory>
#include <new>
#include <sys/types.h>
#include <unistd.h>

namespace strata::runtime {

/// A temporary that may exist, for the signal handler.
struct PendingTemporary {
  /// One of the states below.
  std::atomic<int> state{0};
  char path[PATH_MAX];
  PendingTemporary *next = nullptr;
};

namespace {

enum : int {
  /// Unused: a later write may take the entry.
  Free = 0,
  /// Taken by a write that is filling in the path.
  Claimed = 1,
  /// `path` names a temporary that may exist.
  Live = 2,
};

std::atomic<PendingTemporary *> pendingList{nullptr};

static_assert(std::atomic<int>::is_always_lock_free &&
                  std::atomic<PendingTemporary *>::is_always_lock_free,
              "the signal handler reads these atomics");

/// A free entry of the list, claimed, or a new one; null when out of memory.
PendingTemporary *claimEntry() {
  for (PendingTemporary *p = pendingList.load(); p; p = p->next) {
    int expected = Free;
    if (p->state.compare_exchange_strong(expected, Claimed))
      return p;
  }
  auto *entry = new (std::nothrow) PendingTemporary;
  if (!entry)
    return nullptr;
  entry->state.store(Claimed);
  PendingTemporary *head = pendingList.load();
  do
    entry->next = head;
  while (!pendingList.compare_exchange_weak(head, entry));
  return entry;
}

/// Whether this process is writing the temporary `path`.
bool isPending(const std::string &path) {
  for (PendingTemporary *p = pendingList.load(); p; p = p->next)
    if (p->state.load() == Live && path == p->path)
      return true;
  return false;
}

const int kCleanedSignals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};

/// Installed with SA_RESETHAND | SA_NODEFER: the action is the default again
/// by the time it runs, so raising the signal ends the process as it would
/// have ended without the handler.
void removePendingAndReraise(int signal) {
  int savedErrno = errno;
  for (PendingTemporary *p = pendingList.load(); p; p = p->next)
    if (p->state.load() == Live)
      ::unlink(p->path);
  errno = savedErrno;
  ::raise(signal);
}

struct DirectoryCloser {
  void operator()(DIR *dir) const { ::closedir(dir); }
};

} // namespace

strata_status TemporaryFile::reserve(const std::string &target, TemporaryFile &out) {
  std::string path = target + ".tmp." + std::to_string(::getpid());
  if (path.size() >= PATH_MAX)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "%s: the path is too long to write",
                     target.c_str());
  PendingTemporary *entry = claimEntry();
  if (!entry)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY, "%s: out of memory", target.c_str());
  std::memcpy(entry->path, path.c_str(), path.size() + 1);
  entry->state.store(Live);
  out.path = std::move(path);
  out.pending = entry;
  return nullptr;
}

TemporaryFile::~TemporaryFile() {
  if (!pending)
    return;
  // Best effort: the error being reported already explains the failure, and
  // unlink fails only when the file is gone or was never created.
  ::unlink(path.c_str());
  pending->state.store(Free);
}

void TemporaryFile::commit() {
  if (pending)
    pending->state.store(Free);
  pending = nullptr;
}

void removeStaleTemporaries(const std::string &target) {
  size_t slash = target.rfind('/');
  std::string dir = slash == std::string::npos ? "." : target.substr(0, slash + 1);
  std::string prefix = (slash == std::string::npos ? target : target.substr(slash + 1)) + ".tmp.";
  // An unreadable directory has nothing this process could remove; the
  // write itself reports why the directory cannot be written.
  std::unique_ptr<DIR, DirectoryCloser> entries(::opendir(dir.c_str()));
  if (!entries)
    return;
  while (const dirent *entry = ::readdir(entries.get())) {
    const char *name = entry->d_name;
    if (std::strncmp(name, prefix.c_str(), prefix.size()) != 0)
      continue;
    const char *digits = name + prefix.size();
    char *end = nullptr;
    errno = 0;
    long long pid = std::strtoll(digits, &end, 10);
    if (!*digits || *end || errno || pid <= 0 || pid != static_cast<pid_t>(pid))
      continue;
    std::string path = (slash == std::string::npos ? "" : dir) + name;
    bool stale = pid == ::getpid() ? !isPending(path)
                                   : ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
    // A temporary another process removed first is gone all the same.
    if (stale)
      ::unlink(path.c_str());
  }
}

strata_status removeTemporaryFilesOnSignals() {
  for (int signal : kCleanedSignals) {
    struct sigaction current;
    if (::sigaction(signal, nullptr, &current) != 0)
      return makeIoError(errno, "cannot read the action of signal %d", signal);
    if (current.sa_handler != SIG_DFL)
      continue;
    struct sigaction action = {};
    action.sa_handler = removePendingAndReraise;
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    if (::sigaction(signal, &action, nullptr) != 0)
      return makeIoError(errno, "cannot install the handler of signal %d", signal);
  }
  return nullptr;
}

} // namespace strata::runtime

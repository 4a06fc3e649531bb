//===- InterruptCleanup.cpp - Undo a compile that is interrupted ----------===//
//
// Registered paths are copied into strings that stay allocated for the life
// of the process (a handler running on another thread may be reading one
// while it is unregistered); a compile registers a handful.
//
//===----------------------------------------------------------------------===//

#include "lib/emit/InterruptCleanup.h"

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <mutex>
#include <pthread.h>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>

namespace strata {

namespace {

constexpr size_t kSlots = 16;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

std::array<std::atomic<const char *>, kSlots> directories{};
std::array<std::atomic<pid_t>, kSlots> groups{};
std::array<struct sigaction, sizeof(kSignals) / sizeof(kSignals[0])> previous;

/// Whether each of kSignals was ignored when the process started (a shell
/// ignores SIGINT in the jobs it starts in the background); read before main,
/// before LLVM installs its handlers.
const std::array<bool, sizeof(kSignals) / sizeof(kSignals[0])> ignoredAtStart = [] {
  std::array<bool, sizeof(kSignals) / sizeof(kSignals[0])> ignored{};
  for (size_t i = 0; i < ignored.size(); ++i) {
    struct sigaction current;
    ignored[i] = sigaction(kSignals[i], nullptr, &current) == 0 && current.sa_handler == SIG_IGN;
  }
  return ignored;
}();

/// Keeps registered path strings alive (and reachable) for good.
std::mutex registryMutex;
std::deque<std::string> &keptPaths() {
  static std::deque<std::string> paths;
  return paths;
}

/// The `linux_dirent64` records getdents64 fills a buffer with.
struct DirectoryEntry {
  uint64_t inode;
  int64_t offset;
  unsigned short length;
  unsigned char type;
  char name[1];
};

bool isDotOrDotDot(const char *name) {
  return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0));
}

/// Empties the directory open as `fd` (recursing at most `depth` levels).
void removeContents(int fd, int depth) {
  alignas(8) char buffer[4096];
  // Entries are removed while the directory is read, so it is read again from
  // the start until a pass removes nothing.
  bool removed = true;
  while (removed) {
    removed = false;
    if (lseek(fd, 0, SEEK_SET) != 0)
      return;
    for (;;) {
      long bytes = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
      if (bytes <= 0)
        break;
      for (long at = 0; at < bytes;) {
        auto *entry = reinterpret_cast<DirectoryEntry *>(buffer + at);
        at += entry->length;
        if (isDotOrDotDot(entry->name))
          continue;
        if (unlinkat(fd, entry->name, 0) == 0) {
          removed = true;
          continue;
        }
        if (depth == 0)
          continue;
        int child = openat(fd, entry->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0)
          continue;
        removeContents(child, depth - 1);
        close(child);
        if (unlinkat(fd, entry->name, AT_REMOVEDIR) == 0)
          removed = true;
      }
    }
  }
}

void onInterrupt(int signal, siginfo_t *info, void *context) {
  for (std::atomic<pid_t> &group : groups)
    if (pid_t g = group.load(); g > 0)
      kill(-g, SIGKILL);
  for (std::atomic<const char *> &directory : directories)
    if (const char *path = directory.exchange(nullptr))
      removeTreeSignalSafe(path);
  for (size_t i = 0; i < previous.size(); ++i) {
    if (kSignals[i] != signal)
      continue;
    const struct sigaction &before = previous[i];
    if (before.sa_flags & SA_SIGINFO) {
      before.sa_sigaction(signal, info, context);
      return;
    }
    if (before.sa_handler == SIG_IGN)
      return;
    if (before.sa_handler != SIG_DFL) {
      before.sa_handler(signal);
      return;
    }
    std::signal(signal, SIG_DFL);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, signal);
    sigprocmask(SIG_UNBLOCK, &mask, nullptr);
    raise(signal);
  }
}

template <typename T> bool registerIn(std::array<std::atomic<T>, kSlots> &table, T value) {
  for (std::atomic<T> &slot : table) {
    T empty{};
    if (slot.compare_exchange_strong(empty, value))
      return true;
  }
  return false;
}

} // namespace

void installInterruptCleanup() {
  for (size_t i = 0; i < previous.size(); ++i) {
    // What the process was started to ignore stays ignored (LLVM's handlers
    // would catch it).
    if (ignoredAtStart[i]) {
      std::signal(kSignals[i], SIG_IGN);
      continue;
    }
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = onInterrupt;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(kSignals[i], &action, &previous[i]);
  }
}

void blockInterrupts(sigset_t &previousMask) {
  sigset_t interrupts;
  sigemptyset(&interrupts);
  for (int signal : kSignals)
    sigaddset(&interrupts, signal);
  pthread_sigmask(SIG_BLOCK, &interrupts, &previousMask);
}

void resetInterruptHandlersInChild() {
  for (size_t i = 0; i < previous.size(); ++i)
    if (!ignoredAtStart[i])
      std::signal(kSignals[i], SIG_DFL);
}

bool removeDirectoryOnInterrupt(llvm::StringRef path) {
  std::lock_guard<std::mutex> lock(registryMutex);
  keptPaths().push_back(path.str());
  return registerIn(directories, keptPaths().back().c_str());
}

void dontRemoveDirectoryOnInterrupt(llvm::StringRef path) {
  for (std::atomic<const char *> &slot : directories) {
    const char *registered = slot.load();
    if (registered && path == registered)
      slot.compare_exchange_strong(registered, nullptr);
  }
}

bool killProcessGroupOnInterrupt(pid_t group) { return registerIn(groups, group); }

void dontKillProcessGroupOnInterrupt(pid_t group) {
  for (std::atomic<pid_t> &slot : groups) {
    pid_t registered = group;
    slot.compare_exchange_strong(registered, 0);
  }
}

void removeTreeSignalSafe(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return;
  removeContents(fd, /*depth=*/8);
  close(fd);
  rmdir(path);
}

} // namespace strata

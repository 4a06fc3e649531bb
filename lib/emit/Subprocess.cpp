//===- Subprocess.cpp - Run a tool the compile needs ----------------------===//
//
// fork and exec rather than posix_spawn, for PR_SET_PDEATHSIG: between the
// two the child makes only async-signal-safe calls (the compiler runs
// threads), everything it needs is prepared before the fork.
//
//===----------------------------------------------------------------------===//

#include "lib/emit/Subprocess.h"

#include "lib/emit/InterruptCleanup.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace strata {

llvm::Expected<int> runSubprocess(llvm::StringRef program, llvm::ArrayRef<std::string> args,
                                  llvm::StringRef logPath) {
  std::string path = program.str(), log = logPath.str();
  std::vector<char *> argv;
  for (const std::string &arg : args)
    argv.push_back(const_cast<char *>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t parent = ::getpid();
  // Until the child is registered (parent) or has the default actions back
  // (child), an interrupt waits.
  sigset_t mask;
  blockInterrupts(mask);
  pid_t child = ::fork();
  if (child < 0) {
    int error = errno;
    pthread_sigmask(SIG_SETMASK, &mask, nullptr);
    return llvm::createStringError(std::error_code(error, std::generic_category()),
                                   "cannot start '%s': %s", path.c_str(), std::strerror(error));
  }
  if (child == 0) {
    resetInterruptHandlersInChild();
    pthread_sigmask(SIG_SETMASK, &mask, nullptr);
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
      ::_exit(127);
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0)
      ::_exit(127);
    ::execve(path.c_str(), argv.data(), environ);
    ::_exit(127);
  }
  // Set on both sides, so that the group exists before it is registered.
  ::setpgid(child, child);
  killProcessGroupOnInterrupt(child);
  pthread_sigmask(SIG_SETMASK, &mask, nullptr);
  int status = 0;
  pid_t waited;
  do
    waited = ::waitpid(child, &status, 0);
  while (waited < 0 && errno == EINTR);
  dontKillProcessGroupOnInterrupt(child);
  if (waited < 0)
    return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                   "waiting for '%s' failed: %s", path.c_str(),
                                   std::strerror(errno));
  if (WIFSIGNALED(status))
    return llvm::createStringError("'%s' was killed by signal %d (%s)", path.c_str(),
                                   WTERMSIG(status), strsignal(WTERMSIG(status)));
  return WEXITSTATUS(status);
}

} // namespace strata

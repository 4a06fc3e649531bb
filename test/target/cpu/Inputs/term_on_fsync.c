/* Preloaded into a program by program-files.test: the first fsync (of the
 * temporary file an output is written to) delivers SIGTERM to the process
 * instead, as if the user stopped it in the middle of the write. */
#include <signal.h>

int fsync(int fd) {
  (void)fd;
  raise(SIGTERM);
  return 0;
}

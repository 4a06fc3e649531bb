//===- FileTest.cpp - Special files and temporaries of the runtime's files ===//
//
// What the runtime does with paths that are not regular files: FIFOs and
// devices are never opened for reading (no hang on a FIFO), outputs on a
// character device or FIFO are written in place and never replaced, other
// kinds are refused; and the temporaries of atomic writes are removed when the
// process is stopped by a signal, or by the next write after a process was
// killed outright.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/File.h"
#include "runtime/core/TemporaryFile.h"
#include "test/runtime/TestSupport.h"

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using strata::test::isError;
using strata::test::readBytes;
using strata::test::TempDir;
using strata::test::writeBytes;
using namespace strata::runtime;

namespace {

/// A 1-element f32 tensor.
strata::TensorPtr scalarTensor() {
  int64_t dims[] = {1};
  strata_tensor *raw = nullptr;
  strata_tensor_create(STRATA_DTYPE_F32, 1, dims, &raw);
  return strata::TensorPtr(raw);
}

/// The pid of a process that has exited and been reaped.
pid_t deadProcess() {
  pid_t pid = ::fork();
  if (pid == 0)
    ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

class SpecialFiles : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(dir.valid());
    fifo = dir.path("fifo");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  }

  TempDir dir;
  std::string fifo;
};

TEST_F(SpecialFiles, AFifoIsNeverOpenedForReading) {
  // Each would wait forever for a writer if the FIFO were opened.
  strata_tensor *tensor = nullptr;
  EXPECT_TRUE(isError(strata_npy_load(fifo.c_str(), &tensor), STRATA_ERROR_IO,
                      {fifo + ": is a FIFO, not a regular file"}));
  strata_tensor **list = nullptr;
  int32_t count = 0;
  EXPECT_TRUE(isError(strata_npz_load(fifo.c_str(), &list, &count), STRATA_ERROR_IO,
                      {fifo + ": is a FIFO, not a regular file"}));
  strata_weights *weights = nullptr;
  EXPECT_TRUE(isError(strata_weights_open(fifo.c_str(), 0, &weights), STRATA_ERROR_IO,
                      {fifo + ": is a FIFO, not a regular file"}));
  EXPECT_TRUE(isError(strata_npy_load("/dev/null", &tensor), STRATA_ERROR_IO,
                      {"/dev/null: is a character device, not a regular file"}));
}

TEST_F(SpecialFiles, ACharacterDeviceIsWrittenInPlace) {
  strata::TensorPtr tensor = scalarTensor();
  ASSERT_STRATA_OK(strata_npy_save("/dev/null", tensor.get()));
  struct stat info;
  ASSERT_EQ(::stat("/dev/null", &info), 0);
  EXPECT_TRUE(S_ISCHR(info.st_mode));
}

TEST_F(SpecialFiles, AFifoIsWrittenInPlaceWhileAProcessReadsIt) {
  strata::TensorPtr tensor = scalarTensor();
  EXPECT_TRUE(isError(strata_npy_save(fifo.c_str(), tensor.get()), STRATA_ERROR_IO,
                      {fifo + ": a FIFO that no process has open for reading"}));
  std::string received;
  std::thread reader([&] { received = readBytes(fifo); });
  // The reader's open blocks until a writer opens, and the writer's open
  // fails until a reader is there: retry until they meet.
  bool written = false;
  for (int attempt = 0; attempt < 5000 && !written; ++attempt) {
    strata::StatusPtr status(strata_npy_save(fifo.c_str(), tensor.get()));
    written = !status;
    if (!written)
      ::usleep(1000);
  }
  // Should they never meet, the reader still gets its end of file.
  if (!written)
    ::close(::open(fifo.c_str(), O_WRONLY));
  reader.join();
  EXPECT_TRUE(written);
  EXPECT_EQ(received.substr(0, 6), "\x93NUMPY");
  EXPECT_EQ(received.size(), 128u + 4u);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"fifo"});
}

TEST_F(SpecialFiles, OtherKindsAreRefusedBeforeAnythingIsWritten) {
  OutputKind kind;
  EXPECT_TRUE(isError(checkOutputPath(dir.str().c_str(), kind), STRATA_ERROR_IO,
                      {dir.str() + ": is a directory; outputs are written to regular files, "
                                   "character devices (such as /dev/null) and FIFOs"}));
  ASSERT_STRATA_OK(checkOutputPath(fifo.c_str(), kind));
  EXPECT_EQ(kind, OutputKind::InPlace);
  ASSERT_STRATA_OK(checkOutputPath(dir.path("new.npy").c_str(), kind));
  EXPECT_EQ(kind, OutputKind::Replaced);
}

TEST_F(SpecialFiles, ASymbolicLinkKeepsPointingAtTheReplacedFile) {
  std::string target = dir.path("target.npy"), link = dir.path("link.npy");
  ASSERT_TRUE(writeBytes(target, "previous"));
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  strata::TensorPtr tensor = scalarTensor();
  ASSERT_STRATA_OK(strata_npy_save(link.c_str(), tensor.get()));
  struct stat info;
  ASSERT_EQ(::lstat(link.c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  EXPECT_EQ(readBytes(target).substr(0, 6), "\x93NUMPY");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"fifo", "link.npy", "target.npy"}));
}

TEST(Temporaries, StaleOnesOfDeadProcessesAreRemovedByTheNextWrite) {
  TempDir dir;
  ASSERT_TRUE(dir.valid());
  std::string path = dir.path("y.npy");
  std::string dead = path + ".tmp." + std::to_string(deadProcess());
  std::string alive = path + ".tmp." + std::to_string(::getppid());
  ASSERT_TRUE(writeBytes(dead, "partial"));
  ASSERT_TRUE(writeBytes(alive, "in progress"));
  ASSERT_TRUE(writeBytes(path + ".tmp.x1", "not a temporary"));
  ASSERT_TRUE(writeBytes(dir.path("z.npy.tmp.1"), "another file's"));
  strata::TensorPtr tensor = scalarTensor();
  ASSERT_STRATA_OK(strata_npy_save(path.c_str(), tensor.get()));
  std::string aliveName = alive.substr(alive.rfind('/') + 1);
  std::vector<std::string> expected = {"y.npy", aliveName, "y.npy.tmp.x1", "z.npy.tmp.1"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(dir.entries(), expected);
}

TEST(Temporaries, OneLeftUnderThisProcessIdIsStaleToo) {
  TempDir dir;
  ASSERT_TRUE(dir.valid());
  std::string path = dir.path("y.npy");
  ASSERT_TRUE(writeBytes(path + ".tmp." + std::to_string(::getpid()), "partial"));
  strata::TensorPtr tensor = scalarTensor();
  ASSERT_STRATA_OK(strata_npy_save(path.c_str(), tensor.get()));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"y.npy"});
}

/// In a child: a temporary of a write of `path` is created, then `signal`
/// arrives. Returns how the child ended.
int signalDuringWrite(const std::string &path, int signal) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (removeTemporaryFilesOnSignals())
      ::_exit(2);
    TemporaryFile temp;
    if (TemporaryFile::reserve(path, temp))
      ::_exit(3);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
      ::_exit(4);
    ::raise(signal);
    ::_exit(5);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(Temporaries, ASignalRemovesThemAndEndsTheProcessAsItWould) {
  TempDir dir;
  ASSERT_TRUE(dir.valid());
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
    int status = signalDuringWrite(dir.path("y.npy"), signal);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    EXPECT_EQ(WTERMSIG(status), signal);
    EXPECT_TRUE(dir.entries().empty());
  }
}

TEST(Temporaries, AnIgnoredSignalStaysIgnored) {
  int exitCode = strata::test::runInChild([] {
    std::signal(SIGINT, SIG_IGN);
    if (removeTemporaryFilesOnSignals())
      return 2;
    ::raise(SIGINT);
    return 0;
  });
  EXPECT_EQ(exitCode, 0);
}

} // namespace

//===- NvmeReaderTest.cpp - The NVMe tier's reads --------------------------===//
//
// Reads through io_uring return the file's bytes wherever they start and end
// (block-aligned or not, across requests and batches, into buffers
// registered with the ring or not), resume short reads, and fail naming the file and offset on an
// I/O error or a file that ends too soon. The file lives in the test's temporary directory, so
// O_DIRECT is used where that filesystem allows it.
//
//===----------------------------------------------------------------------===//

#include "runtime/tiers/NvmeReader.h"
#include "test/runtime/TestSupport.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using strata::test::isError;
using strata::test::TempDir;
using strata::test::writeBytes;
using strata::tiers::NvmeReader;

namespace {

/// A file of `bytes` bytes, byte i being a hash of i, in `dir`.
std::string patternFile(const TempDir &dir, uint64_t bytes) {
  std::string data(bytes, '\0');
  for (uint64_t i = 0; i < bytes; ++i)
    data[i] = static_cast<char>((i * 2654435761u) >> 13);
  std::string path = dir.path("weights.bin");
  EXPECT_TRUE(writeBytes(path, data));
  return path;
}

char expectedByte(uint64_t i) { return static_cast<char>((i * 2654435761u) >> 13); }

/// Checks that the `bytes` bytes at `data` are the file's from `offset` on.
void expectFileBytes(const void *data, uint64_t offset, uint64_t bytes) {
  const char *got = static_cast<const char *>(data);
  for (uint64_t i = 0; i < bytes; ++i)
    if (got[i] != expectedByte(offset + i)) {
      ADD_FAILURE() << "byte " << i << " of the read at " << offset;
      return;
    }
}

/// Reads `bytes` at `offset` and checks every byte.
void expectReads(NvmeReader &reader, uint64_t offset, uint64_t bytes) {
  std::vector<char> got(bytes + 2, '\x5a');
  ASSERT_EQ(reader.read(offset, got.data() + 1, bytes), nullptr) << offset << " " << bytes;
  EXPECT_EQ(got.front(), '\x5a');
  EXPECT_EQ(got.back(), '\x5a');
  for (uint64_t i = 0; i < bytes; ++i)
    if (got[i + 1] != expectedByte(offset + i)) {
      ADD_FAILURE() << "byte " << offset + i << " of a read of " << bytes << " at " << offset;
      return;
    }
}

constexpr uint64_t kFileBytes = 20 * NvmeReader::kRequestBytes + 12345;

TEST(NvmeReaderTest, ReadsAnyRange) {
  TempDir dir;
  std::unique_ptr<NvmeReader> reader;
  ASSERT_EQ(NvmeReader::open(patternFile(dir, kFileBytes).c_str(), reader), nullptr);
  expectReads(*reader, 0, 4096);
  expectReads(*reader, 1, 1);
  expectReads(*reader, 4095, 2);
  expectReads(*reader, 5000, 3 * NvmeReader::kRequestBytes + 7);
  // More than one batch of requests, from an unaligned start.
  expectReads(*reader, 777, 11 * NvmeReader::kRequestBytes);
  // The last bytes of the file.
  expectReads(*reader, kFileBytes - 100, 100);
  expectReads(*reader, 0, 0);
}

/// A block-aligned buffer of `bytes` bytes.
struct AlignedBuffer {
  explicit AlignedBuffer(uint64_t bytes) {
    EXPECT_EQ(posix_memalign(&data, NvmeReader::kBlockBytes, bytes), 0);
  }
  ~AlignedBuffer() { std::free(data); }
  void *data = nullptr;
};

TEST(NvmeReaderTest, ReadsLongRangesStraightIntoAnAlignedTarget) {
  // Longer than the queue's sixteen requests, so requests go out as others
  // complete; the target's whole blocks are read into it directly and the
  // last partial block through the reader's buffer. Short reads are resumed
  // wherever they fall in the window.
  TempDir dir;
  std::unique_ptr<NvmeReader> reader;
  ASSERT_EQ(NvmeReader::open(patternFile(dir, kFileBytes).c_str(), reader), nullptr);
  int shortened = 0;
  reader->setFaultHook([&](uint64_t offset, uint64_t &bytes) {
    // Every third request, where it starts (the read starts a block in).
    if (offset % NvmeReader::kRequestBytes == NvmeReader::kBlockBytes &&
        (offset / NvmeReader::kRequestBytes) % 3 == 0) {
      bytes = NvmeReader::kBlockBytes;
      ++shortened;
    }
    return 0;
  });
  uint64_t bytes = 19 * NvmeReader::kRequestBytes + 1000;
  AlignedBuffer target(bytes);
  ASSERT_EQ(reader->read(NvmeReader::kBlockBytes, target.data, bytes), nullptr);
  expectFileBytes(target.data, NvmeReader::kBlockBytes, bytes);
  EXPECT_GE(shortened, 6);
}

TEST(NvmeReaderTest, ReadsThroughPreadWithoutIoUring) {
  // As where a seccomp profile blocks io_uring: the same ranges, short reads
  // resumed, and an I/O error named by file and offset.
  TempDir dir;
  std::string path = patternFile(dir, kFileBytes);
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC);
  bool direct = fd >= 0;
  if (fd < 0)
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::unique_ptr<NvmeReader> reader;
  ASSERT_EQ(NvmeReader::adopt(fd, path.c_str(), direct, reader, /*ring=*/false), nullptr);
  EXPECT_FALSE(reader->usesRing());
  expectReads(*reader, 0, 4096);
  expectReads(*reader, 777, 3 * NvmeReader::kRequestBytes + 5);
  expectReads(*reader, kFileBytes - 100, 100);
  AlignedBuffer target(19 * NvmeReader::kRequestBytes);
  int shortened = 0;
  reader->setFaultHook([&](uint64_t, uint64_t &bytes) {
    if (bytes > 2 * NvmeReader::kBlockBytes) {
      bytes = 2 * NvmeReader::kBlockBytes;
      ++shortened;
    }
    return 0;
  });
  ASSERT_EQ(reader->read(0, target.data, 19 * NvmeReader::kRequestBytes), nullptr);
  const char *got = static_cast<const char *>(target.data);
  for (uint64_t i = 0; i < 19 * NvmeReader::kRequestBytes; i += 4093)
    ASSERT_EQ(got[i], expectedByte(i)) << "byte " << i;
  EXPECT_GT(shortened, 19);
  uint64_t bad = 5 * NvmeReader::kRequestBytes + 4096;
  reader->setFaultHook([&](uint64_t offset, uint64_t &bytes) {
    return offset <= bad && bad < offset + bytes ? -EIO : 0;
  });
  EXPECT_TRUE(isError(reader->read(0, target.data, 8 * NvmeReader::kRequestBytes), STRATA_ERROR_IO,
                      {"reading '" + path + "' at offset", "Input/output error"}));
}

TEST(NvmeReaderTest, ReadsIntoRegisteredBuffers) {
  // The target's first half is registered with the ring: its requests go
  // out as fixed-buffer reads (short ones resumed inside it), the second
  // half's as plain ones; dropped, the buffer reads as plain memory again.
  TempDir dir;
  std::unique_ptr<NvmeReader> reader;
  ASSERT_EQ(NvmeReader::open(patternFile(dir, kFileBytes).c_str(), reader), nullptr);
  // Root may always register buffers; others only within RLIMIT_MEMLOCK,
  // and the reader reads without them where the kernel refuses.
  bool registers = reader->usesRing() && ::geteuid() == 0;
  size_t own = reader->fixedBufferCount();
  if (registers) {
    EXPECT_EQ(own, 1u);
  }
  uint64_t bytes = 19 * NvmeReader::kRequestBytes + 1000;
  AlignedBuffer target(bytes);
  reader->addFixedBuffer(target.data, bytes / 2);
  reader->addFixedBuffer(target.data, bytes / 2);
  if (registers) {
    EXPECT_EQ(reader->fixedBufferCount(), own + 1);
  }
  int shortened = 0;
  reader->setFaultHook([&](uint64_t offset, uint64_t &count) {
    if ((offset / NvmeReader::kRequestBytes) % 4 == 1 && count > NvmeReader::kBlockBytes) {
      count = NvmeReader::kBlockBytes;
      ++shortened;
    }
    return 0;
  });
  auto expectTarget = [&] {
    std::memset(target.data, 0x5a, bytes);
    ASSERT_EQ(reader->read(NvmeReader::kBlockBytes, target.data, bytes), nullptr);
    expectFileBytes(target.data, NvmeReader::kBlockBytes, bytes);
  };
  expectTarget();
  EXPECT_GE(shortened, 4);
  reader->dropFixedBuffer(target.data);
  EXPECT_EQ(reader->fixedBufferCount(), own);
  expectTarget();
}

TEST(NvmeReaderTest, StartsTheNextReadAsOneEnds) {
  // Read A is told of read B: once A's last request is out, B's requests
  // take the free queue slots, and the call that reads B takes them up.
  // A read other than the one announced lets those requests finish and
  // reads its own; an error in a request read ahead is B's, reported by
  // the call that reads B.
  TempDir dir;
  std::unique_ptr<NvmeReader> reader;
  ASSERT_EQ(NvmeReader::open(patternFile(dir, kFileBytes).c_str(), reader), nullptr);
  uint64_t bytes = 5 * NvmeReader::kRequestBytes;
  AlignedBuffer a(bytes), b(bytes), c(bytes);
  uint64_t offsetB = 8 * NvmeReader::kRequestBytes, offsetC = 14 * NvmeReader::kRequestBytes;
  bool inA = false;
  int bRequestsDuringA = 0;
  uint64_t failAt = UINT64_MAX;
  reader->setFaultHook([&](uint64_t offset, uint64_t &) {
    if (inA && offset >= offsetB && offset < offsetB + bytes)
      ++bRequestsDuringA;
    return offset == failAt ? -EIO : 0;
  });
  auto check = [&](const AlignedBuffer &got, uint64_t offset) {
    expectFileBytes(got.data, offset, bytes);
  };
  NvmeReader::NextRead announceB = [&] {
    return std::optional<NvmeReader::Range>(NvmeReader::Range{offsetB, b.data, bytes});
  };
  inA = true;
  ASSERT_EQ(reader->read(0, a.data, bytes, announceB), nullptr);
  inA = false;
  // Through pread (where the kernel refuses io_uring) nothing reads ahead.
  if (reader->usesRing()) {
    EXPECT_GT(bRequestsDuringA, 0);
  } else {
    EXPECT_EQ(bRequestsDuringA, 0);
  }
  ASSERT_EQ(reader->read(offsetB, b.data, bytes), nullptr);
  check(a, 0);
  check(b, offsetB);

  // Announced B, read C.
  std::memset(b.data, 0, bytes);
  ASSERT_EQ(reader->read(0, a.data, bytes, announceB), nullptr);
  ASSERT_EQ(reader->read(offsetC, c.data, bytes), nullptr);
  check(c, offsetC);

  // A request of B read ahead fails: A is whole, B's read names B's offset.
  failAt = offsetB + 2 * NvmeReader::kRequestBytes;
  ASSERT_EQ(reader->read(0, a.data, bytes, announceB), nullptr);
  check(a, 0);
  strata_status s = reader->read(offsetB, b.data, bytes);
  EXPECT_TRUE(isError(s, STRATA_ERROR_IO,
                      {"reading '" + dir.path("weights.bin") + "' at offset " +
                       std::to_string(failAt) + " (1048576 bytes) failed: Input/output error"}));
}

TEST(NvmeReaderTest, ResumesShortReads) {
  TempDir dir;
  std::unique_ptr<NvmeReader> reader;
  ASSERT_EQ(NvmeReader::open(patternFile(dir, kFileBytes).c_str(), reader), nullptr);
  int shortened = 0;
  reader->setFaultHook([&](uint64_t, uint64_t &bytes) {
    if (bytes > 3 * NvmeReader::kBlockBytes) {
      bytes = 3 * NvmeReader::kBlockBytes;
      ++shortened;
    }
    return 0;
  });
  expectReads(*reader, 123, 2 * NvmeReader::kRequestBytes + 5);
  EXPECT_GT(shortened, 2);
}

TEST(NvmeReaderTest, NamesFileAndOffsetOfAnIoError) {
  TempDir dir;
  std::string path = patternFile(dir, kFileBytes);
  std::unique_ptr<NvmeReader> reader;
  ASSERT_EQ(NvmeReader::open(path.c_str(), reader), nullptr);
  uint64_t bad = 3 * NvmeReader::kRequestBytes;
  reader->setFaultHook([&](uint64_t offset, uint64_t &bytes) {
    return offset <= bad && bad < offset + bytes ? -EIO : 0;
  });
  std::vector<char> got(5 * NvmeReader::kRequestBytes);
  EXPECT_TRUE(isError(reader->read(0, got.data(), got.size()), STRATA_ERROR_IO,
                      {"reading '" + path +
                       "' at offset 3145728 (1048576 bytes) failed: " + "Input/output error"}));
  // Reads elsewhere still work.
  reader->setFaultHook(nullptr);
  expectReads(*reader, 0, 4096);
}

TEST(NvmeReaderTest, ATruncatedFileIsAnError) {
  TempDir dir;
  std::string path = patternFile(dir, 10000);
  std::unique_ptr<NvmeReader> reader;
  ASSERT_EQ(NvmeReader::open(path.c_str(), reader), nullptr);
  std::vector<char> got(8192);
  EXPECT_TRUE(isError(reader->read(4096, got.data(), got.size()), STRATA_ERROR_FORMAT,
                      {"'" + path + "' ends at offset 10000, before the 8192 bytes at offset " +
                       "4096: the file is truncated"}));
  EXPECT_TRUE(
      isError(reader->read(20000, got.data(), 1), STRATA_ERROR_FORMAT, {"the file is truncated"}));
}

TEST(NvmeReaderTest, AReadTheKernelFailsNamesTheFile) {
  // A directory opens for reading, and each read of it fails in its
  // completion (EISDIR): the path io_uring reports errors by.
  TempDir dir;
  std::unique_ptr<NvmeReader> reader;
  ASSERT_EQ(NvmeReader::open(dir.path("").c_str(), reader), nullptr);
  std::vector<char> got(4096);
  EXPECT_TRUE(isError(reader->read(0, got.data(), got.size()), STRATA_ERROR_IO,
                      {"reading '" + dir.path("") + "' at offset 0", "Is a directory"}));
}

TEST(NvmeReaderTest, AMissingFileIsAnError) {
  TempDir dir;
  std::unique_ptr<NvmeReader> reader;
  EXPECT_TRUE(
      isError(NvmeReader::open(dir.path("absent").c_str(), reader), STRATA_ERROR_IO,
              {"cannot open '" + dir.path("absent") + "' for reading: No such file or directory"}));
  EXPECT_EQ(reader, nullptr);
}

} // namespace

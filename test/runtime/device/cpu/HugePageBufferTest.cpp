//===- HugePageBufferTest.cpp - Memory that large pages may back ----------===//
//
// The buffer's base lies on a 2 MiB boundary, its size is what was asked for
// rounded up to a small page (never to a large one), its memory is zeroed and
// writable, it is marked for huge pages where the kernel has them (its own
// accounting of the mapping says so), and moves hand the mapping over
// without unmapping it.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/HugePageBuffer.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>

namespace {

using strata::cpu::HugePageBuffer;

constexpr size_t kLargePage = size_t{2} << 20;

/// The VmFlags line of the mapping that holds `address`, from /proc/self/smaps.
std::string mappingFlags(const void *address) {
  std::ifstream smaps("/proc/self/smaps");
  auto at = reinterpret_cast<uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    unsigned long begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &begin, &end) == 2 && line.find(' ') < 30)
      inside = begin <= at && at < end;
    else if (inside && line.rfind("VmFlags:", 0) == 0)
      return line;
  }
  return "";
}

/// Whether the kernel has transparent huge pages and does not forbid them.
bool transparentHugePages() {
  std::ifstream setting("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  return std::getline(setting, line) && line.find("[never]") == std::string::npos;
}

TEST(HugePageBuffer, AlignedZeroedAndSizedToSmallPages) {
  auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  HugePageBuffer buffer;
  size_t bytes = 3 * kLargePage + 100;
  ASSERT_TRUE(buffer.allocate(bytes));
  ASSERT_NE(buffer.data(), nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.data()) % kLargePage, 0u);
  EXPECT_EQ(buffer.size(), (bytes + page - 1) / page * page);
  auto *bytesAt = static_cast<unsigned char *>(buffer.data());
  for (size_t i = 0; i < buffer.size(); i += 4096)
    ASSERT_EQ(bytesAt[i], 0u) << "at " << i;
  std::memset(bytesAt, 0x5a, buffer.size());
  EXPECT_EQ(bytesAt[buffer.size() - 1], 0x5a);
  // A kernel without transparent huge pages refuses the advice (the buffer
  // stays usable, as above); where it has them, the mapping is marked.
  if (transparentHugePages()) {
    EXPECT_NE(mappingFlags(buffer.data()).find(" hg"), std::string::npos)
        << mappingFlags(buffer.data());
  }
}

TEST(HugePageBuffer, MovesHandTheMappingOver) {
  HugePageBuffer first;
  ASSERT_TRUE(first.allocate(kLargePage));
  static_cast<char *>(first.data())[0] = 7;
  void *data = first.data();
  HugePageBuffer second(std::move(first));
  EXPECT_EQ(first.data(), nullptr);
  EXPECT_EQ(first.size(), 0u);
  EXPECT_EQ(second.data(), data);
  EXPECT_EQ(static_cast<char *>(second.data())[0], 7);
  HugePageBuffer third;
  ASSERT_TRUE(third.allocate(100));
  third = std::move(second);
  EXPECT_EQ(third.data(), data);
  EXPECT_EQ(static_cast<char *>(third.data())[0], 7);
  EXPECT_EQ(mappingFlags(data).empty(), false);
}

TEST(HugePageBuffer, RefusesNothingAndTheImpossible) {
  HugePageBuffer buffer;
  EXPECT_FALSE(buffer.allocate(0));
  EXPECT_EQ(buffer.data(), nullptr);
  EXPECT_FALSE(buffer.allocate(SIZE_MAX - 10));
  EXPECT_EQ(buffer.data(), nullptr);
  ASSERT_TRUE(buffer.allocate(10));
  void *mapped = buffer.data();
  EXPECT_FALSE(buffer.allocate(0));
  EXPECT_EQ(buffer.data(), nullptr);
  EXPECT_TRUE(mappingFlags(mapped).empty()) << "the mapping was not released";
}

} // namespace

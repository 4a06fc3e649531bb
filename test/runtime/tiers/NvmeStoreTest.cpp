//===- NvmeStoreTest.cpp - The NVMe tier's file in --nvme-dir -------------===//
//
// What is appended reads back byte for byte, whatever its size; the file has
// no name in the directory; and each way a directory can fail names it: one
// that is missing, is not a directory, lacks the free space asked for, or
// fills up (injected).
//
//===----------------------------------------------------------------------===//

#include "runtime/tiers/NvmeStore.h"
#include "test/runtime/TestSupport.h"

#include <cerrno>
#include <filesystem>
#include <vector>

using strata::test::isError;
using strata::test::TempDir;
using strata::tiers::NvmeReader;
using strata::tiers::NvmeStore;

namespace {

std::vector<char> pattern(uint64_t bytes, unsigned seed) {
  std::vector<char> data(bytes);
  for (uint64_t i = 0; i < bytes; ++i)
    data[i] = static_cast<char>(((i + seed) * 2654435761u) >> 13);
  return data;
}

TEST(NvmeStoreTest, ReadsBackWhatWasAppended) {
  TempDir dir;
  std::unique_ptr<NvmeStore> store;
  ASSERT_EQ(NvmeStore::create(dir.path("").c_str(), 1 << 20, store), nullptr);
  // Sizes off the block, over the write buffer, and of nothing.
  std::vector<uint64_t> sizes = {100, NvmeReader::kBlockBytes, 3 * NvmeReader::kBlockBytes + 1,
                                 (uint64_t(17) << 20) + 5, 0};
  std::vector<uint64_t> offsets;
  for (size_t k = 0; k < sizes.size(); ++k) {
    uint64_t offset = 1;
    std::vector<char> data = pattern(sizes[k], static_cast<unsigned>(k));
    ASSERT_EQ(store->append(data.data(), data.size(), offset), nullptr);
    EXPECT_EQ(offset % NvmeReader::kBlockBytes, 0u);
    offsets.push_back(offset);
  }
  for (size_t k = 0; k < sizes.size(); ++k) {
    std::vector<char> got(sizes[k] + 1, '\x5a');
    ASSERT_EQ(store->read(offsets[k], got.data(), sizes[k]), nullptr);
    got.pop_back();
    EXPECT_EQ(got, pattern(sizes[k], static_cast<unsigned>(k))) << "range " << k;
  }
  // Nothing in the directory bears the store's name: it has none.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path("")));
  std::vector<char> got(8);
  EXPECT_TRUE(isError(store->read(store->size(), got.data(), 8), STRATA_ERROR_OUT_OF_RANGE,
                      {"a read of 8 bytes at offset", "which holds"}));
}

TEST(NvmeStoreTest, NamesADirectoryItCannotUse) {
  TempDir dir;
  std::unique_ptr<NvmeStore> store;
  EXPECT_TRUE(isError(NvmeStore::create(dir.path("absent").c_str(), 0, store), STRATA_ERROR_IO,
                      {"the NVMe directory '" + dir.path("absent") +
                       "' cannot be used: No such file or directory"}));
  ASSERT_TRUE(strata::test::writeBytes(dir.path("file"), "x"));
  EXPECT_TRUE(isError(NvmeStore::create(dir.path("file").c_str(), 0, store),
                      STRATA_ERROR_INVALID_ARGUMENT,
                      {"the NVMe directory '" + dir.path("file") + "' is not a directory"}));
  EXPECT_TRUE(isError(NvmeStore::create(dir.path("").c_str(), uint64_t(1) << 62, store),
                      STRATA_ERROR_OUT_OF_MEMORY,
                      {"the NVMe directory '" + dir.path("") + "' has ",
                       " bytes free; the tier plan keeps 4611686018427387904 bytes of weights on "
                       "NVMe"}));
  EXPECT_EQ(store, nullptr);
}

TEST(NvmeStoreTest, AFullDirectoryIsAnError) {
  TempDir dir;
  std::unique_ptr<NvmeStore> store;
  ASSERT_EQ(NvmeStore::create(dir.path("").c_str(), 0, store), nullptr);
  store->setFaultHook([](uint64_t offset, uint64_t) { return offset > 0 ? ENOSPC : 0; });
  std::vector<char> data = pattern(10000, 1);
  uint64_t offset = 0;
  ASSERT_EQ(store->append(data.data(), data.size(), offset), nullptr);
  EXPECT_TRUE(isError(store->append(data.data(), data.size(), offset), STRATA_ERROR_IO,
                      {"the NVMe directory '" + dir.path("") +
                       "' is full: writing 12288 bytes at offset 12288 of the NVMe tier's file "
                       "failed: No space left on device"}));
  // What was stored before still reads back.
  std::vector<char> got(data.size());
  ASSERT_EQ(store->read(0, got.data(), got.size()), nullptr);
  EXPECT_EQ(got, data);
}

} // namespace

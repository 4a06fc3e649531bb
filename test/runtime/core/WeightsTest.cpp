//===- WeightsTest.cpp - The weights file reader ----------------*- C++ -*-===//
//
// Files in the layout of strata/weights.h, written here byte by byte: lookup
// by name (names of any length), the data region and its alignment, and
// every refusal of a malformed, foreign or corrupt file, each naming the
// file and, where one is at fault, the tensor.
//
//===----------------------------------------------------------------------===//

#include "strata/weights.h"
#include "runtime/core/WeightsFiles.h"
#include "test/runtime/TestSupport.h"

#include <cstring>

using strata::test::isError;
using strata::test::TempDir;
using strata::test::writeBytes;

namespace {

struct TestTensor {
  std::string name;
  std::string data;
};

/// Byte offsets of header fields and of entry fields within an entry.
constexpr size_t kCountAt = 12, kModelIdAt = 16, kNamesBytesAt = 32, kDataOffsetAt = 40,
                 kLayoutIdAt = 48;
constexpr size_t kNameOffsetAt = 0, kNameSizeAt = 8, kOffsetAt = 16, kBytesAt = 24;

void put64(std::string &file, size_t at, uint64_t value) { std::memcpy(&file[at], &value, 8); }
uint64_t get64(const std::string &file, size_t at) {
  uint64_t value;
  std::memcpy(&value, &file[at], 8);
  return value;
}
size_t entryAt(size_t i) { return sizeof(strata_weights_header) + i * 40; }

/// Recomputes the model id after the index or names were edited, so that the
/// checks behind the model id are reached; returns it.
uint64_t reseal(std::string &file) {
  uint32_t count;
  std::memcpy(&count, &file[kCountAt], 4);
  size_t described = count * sizeof(strata_weights_entry) + get64(file, kNamesBytesAt);
  uint64_t id = strata_checksum(&file[sizeof(strata_weights_header)], described);
  put64(file, kModelIdAt, id);
  // The layout id covers the index with each tensor's checksum (its last
  // word) as 0.
  std::string index = file.substr(sizeof(strata_weights_header), described);
  for (uint32_t i = 0; i < count && (i + 1) * 40 <= index.size(); ++i)
    put64(index, i * 40 + 32, 0);
  put64(file, kLayoutIdAt, strata_checksum(index.data(), index.size()));
  return id;
}

/// A well-formed file holding `tensors`, each at the next aligned offset of
/// the data region.
std::string buildFile(const std::vector<TestTensor> &tensors) {
  std::string index, names, data;
  for (const TestTensor &t : tensors) {
    strata_weights_entry e;
    e.name_offset = names.size();
    e.name_size = t.name.size();
    e.offset = data.size();
    e.bytes = t.data.size();
    e.checksum = strata_checksum(t.data.data(), t.data.size());
    index.append(reinterpret_cast<const char *>(&e), sizeof e);
    names += t.name;
    names += '\0';
    data += t.data;
    data.resize((data.size() + STRATA_WEIGHTS_ALIGNMENT - 1) / STRATA_WEIGHTS_ALIGNMENT *
                STRATA_WEIGHTS_ALIGNMENT);
  }
  strata_weights_header header;
  std::memset(&header, 0, sizeof header);
  std::memcpy(header.magic, STRATA_WEIGHTS_MAGIC, 8);
  header.version = STRATA_WEIGHTS_VERSION;
  header.count = tensors.size();
  header.names_bytes = names.size();
  size_t described = sizeof header + index.size() + names.size();
  header.data_offset = (described + STRATA_WEIGHTS_ALIGNMENT - 1) / STRATA_WEIGHTS_ALIGNMENT *
                       STRATA_WEIGHTS_ALIGNMENT;
  header.file_size = header.data_offset + data.size();
  std::string file(reinterpret_cast<const char *>(&header), sizeof header);
  file += index + names;
  file.resize(header.data_offset, '\0');
  file += data;
  reseal(file);
  return file;
}

class WeightsFile : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(dir.valid()); }

  /// Writes `bytes` to a file in the temporary directory; returns its path.
  std::string write(const std::string &bytes) {
    std::string path = dir.path("model.weights");
    EXPECT_TRUE(writeBytes(path, bytes));
    return path;
  }

  /// Opens `bytes` expecting the model id the file records.
  strata_status open(const std::string &bytes, strata::WeightsPtr &out) {
    strata_weights *w = nullptr;
    strata_status s = strata_weights_open(write(bytes).c_str(), get64(bytes, kModelIdAt), &w);
    out.reset(w);
    return s;
  }

  TempDir dir;
  const std::string longName = "model.decoder.layers.11.self_attn.k_proj.weight/" +
                               std::string(150, 'x') + "/MatMul_output_0_initializer";
  std::vector<TestTensor> tensors = {{"w", std::string(100, 'a')},
                                     {longName, std::string(5000, 'b')},
                                     {"empty", ""},
                                     {"bias", "0123456789abcdef"}};
};

TEST_F(WeightsFile, FindsTensorsByNamesOfAnyLength) {
  std::string bytes = buildFile(tensors);
  strata::WeightsPtr w;
  ASSERT_STRATA_OK(open(bytes, w));
  const char *region = static_cast<const char *>(strata_weights_data(w.get()));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(region) % STRATA_WEIGHTS_ALIGNMENT, 0u);
  EXPECT_EQ(strata_weights_size(w.get()), bytes.size() - get64(bytes, kDataOffsetAt));
  ASSERT_GT(longName.size(), 200u);
  for (const TestTensor &t : tensors) {
    const void *data = nullptr;
    size_t size = 0;
    ASSERT_STRATA_OK(strata_weights_find(w.get(), t.name.c_str(), &data, &size));
    EXPECT_EQ(size, t.data.size()) << t.name;
    EXPECT_EQ(std::string(static_cast<const char *>(data), size), t.data) << t.name;
    EXPECT_EQ((static_cast<const char *>(data) - region) % STRATA_WEIGHTS_ALIGNMENT, 0) << t.name;
  }
}

TEST_F(WeightsFile, SavedWeightsReopenWithTheirNewValues) {
  std::string bytes = buildFile(tensors);
  strata::WeightsPtr w;
  ASSERT_STRATA_OK(open(bytes, w));
  std::string original = dir.path("model.weights");
  // A training step writes the private mapping; the file stays as it was.
  const void *data = nullptr;
  size_t size = 0;
  ASSERT_STRATA_OK(strata_weights_find(w.get(), longName.c_str(), &data, &size));
  std::memset(const_cast<void *>(data), 'z', size);
  EXPECT_EQ(strata::test::readBytes(original), bytes);
  std::string saved = dir.path("saved.weights");
  ASSERT_STRATA_OK(strata_weights_save(w.get(), saved.c_str()));
  // Same size, same ids, the new bytes and their checksum.
  std::string written = strata::test::readBytes(saved);
  ASSERT_EQ(written.size(), bytes.size());
  EXPECT_EQ(get64(written, kModelIdAt), get64(bytes, kModelIdAt));
  EXPECT_EQ(get64(written, kLayoutIdAt), get64(bytes, kLayoutIdAt));
  strata_weights *reopened = nullptr;
  ASSERT_STRATA_OK(strata_weights_open(saved.c_str(), get64(bytes, kModelIdAt), &reopened));
  strata::WeightsPtr owned(reopened);
  ASSERT_STRATA_OK(strata_weights_find(reopened, longName.c_str(), &data, &size));
  EXPECT_EQ(std::string(static_cast<const char *>(data), size), std::string(5000, 'z'));
  ASSERT_STRATA_OK(strata_weights_find(reopened, "w", &data, &size));
  EXPECT_EQ(std::string(static_cast<const char *>(data), size), std::string(100, 'a'));
}

TEST_F(WeightsFile, AFileWhoseIndexDoesNotMatchItsLayoutIdIsRefused) {
  std::string bytes = buildFile(tensors);
  put64(bytes, kLayoutIdAt, get64(bytes, kLayoutIdAt) ^ 1);
  strata::WeightsPtr w;
  EXPECT_TRUE(isError(open(bytes, w), STRATA_ERROR_FORMAT, {"belongs to another compilation"}));
}

TEST_F(WeightsFile, OpenAnyTakesTheRecordedIdAndStillChecksEverything) {
  std::string bytes = buildFile(tensors);
  strata_weights *w = nullptr;
  ASSERT_STRATA_OK(strata_weights_open_any(write(bytes).c_str(), &w));
  strata::WeightsPtr owned(w);
  EXPECT_EQ(strata_weights_count(w), tensors.size());
  owned.reset();
  // The first byte of the first tensor, "w".
  bytes[get64(bytes, kDataOffsetAt)] ^= 1;
  w = nullptr;
  EXPECT_TRUE(isError(strata_weights_open_any(write(bytes).c_str(), &w), STRATA_ERROR_FORMAT,
                      {"checksum mismatch"}));
  EXPECT_EQ(w, nullptr);
  EXPECT_TRUE(isError(strata_weights_open_any(write("STRATA").c_str(), &w), STRATA_ERROR_FORMAT,
                      {"is truncated"}));
}

TEST_F(WeightsFile, AnUnknownNameIsNotFound) {
  strata::WeightsPtr w;
  ASSERT_STRATA_OK(open(buildFile(tensors), w));
  const void *data = &data;
  size_t size = 7;
  EXPECT_TRUE(isError(strata_weights_find(w.get(), "W", &data, &size), STRATA_ERROR_NOT_FOUND,
                      {dir.path("model.weights"), "no tensor named 'W'"}));
  EXPECT_EQ(data, nullptr);
  EXPECT_EQ(size, 0u);
  // A prefix of a name is not that name.
  EXPECT_TRUE(isError(strata_weights_find(w.get(), longName.substr(0, 64).c_str(), &data, &size),
                      STRATA_ERROR_NOT_FOUND, {"no tensor named"}));
  EXPECT_TRUE(isError(strata_weights_find(w.get(), nullptr, &data, &size),
                      STRATA_ERROR_INVALID_ARGUMENT, {"NULL"}));
}

TEST_F(WeightsFile, AFileWithoutTensorsHasAnEmptyDataRegion) {
  strata::WeightsPtr w;
  std::string bytes = buildFile({});
  EXPECT_EQ(bytes.size(), size_t{STRATA_WEIGHTS_ALIGNMENT});
  ASSERT_STRATA_OK(open(bytes, w));
  EXPECT_EQ(strata_weights_size(w.get()), 0u);
}

TEST_F(WeightsFile, AnotherCompilationsFileIsRefused) {
  std::string path = write(buildFile(tensors));
  strata_weights *w = nullptr;
  EXPECT_TRUE(isError(strata_weights_open(path.c_str(), 42, &w), STRATA_ERROR_FORMAT,
                      {path, "belongs to another compilation", "expects 000000000000002a"}));
  EXPECT_EQ(w, nullptr);
}

TEST_F(WeightsFile, AVersionOneFileIsRefused) {
  std::string bytes = buildFile(tensors);
  bytes[8] = 1;
  strata::WeightsPtr w;
  EXPECT_TRUE(
      isError(open(bytes, w), STRATA_ERROR_FORMAT, {"has format version 1, this program reads 3"}));
}

TEST_F(WeightsFile, ATruncatedIndexIsRefused) {
  std::string bytes = buildFile(tensors);
  uint32_t count = 1 << 30;
  std::memcpy(&bytes[kCountAt], &count, 4);
  strata::WeightsPtr w;
  EXPECT_TRUE(isError(open(bytes, w), STRATA_ERROR_FORMAT, {"the index is truncated"}));
  bytes = buildFile(tensors);
  put64(bytes, kNamesBytesAt, bytes.size());
  EXPECT_TRUE(isError(open(bytes, w), STRATA_ERROR_FORMAT, {"the index is truncated"}));
}

TEST_F(WeightsFile, AMisplacedDataRegionIsRefused) {
  strata::WeightsPtr w;
  for (uint64_t offset : {uint64_t{100}, uint64_t{0}, uint64_t{1} << 40}) {
    std::string bytes = buildFile(tensors);
    put64(bytes, kDataOffsetAt, offset);
    EXPECT_TRUE(isError(open(bytes, w), STRATA_ERROR_FORMAT,
                        {"the data region (offset " + std::to_string(offset) + ")"}));
  }
}

TEST_F(WeightsFile, ANameOutsideTheStringTableIsRefused) {
  strata::WeightsPtr w;
  std::string bytes = buildFile(tensors);
  put64(bytes, entryAt(1) + kNameSizeAt, 1 << 20);
  reseal(bytes);
  EXPECT_TRUE(isError(open(bytes, w), STRATA_ERROR_FORMAT,
                      {"the name of tensor 1 lies outside the string table"}));
  bytes = buildFile(tensors);
  put64(bytes, entryAt(3) + kNameOffsetAt, ~uint64_t{0});
  reseal(bytes);
  EXPECT_TRUE(isError(open(bytes, w), STRATA_ERROR_FORMAT, {"the name of tensor 3"}));
  // A name must be followed by its NUL.
  bytes = buildFile(tensors);
  put64(bytes, entryAt(0) + kNameSizeAt, 0);
  reseal(bytes);
  EXPECT_TRUE(isError(open(bytes, w), STRATA_ERROR_FORMAT, {"the name of tensor 0"}));
}

// Found by the weights fuzzer: a name holding a NUL before its end could not
// be found by its C string, and two such names could share one C string.
TEST_F(WeightsFile, ANameHoldingANulIsRefused) {
  strata::WeightsPtr w;
  std::string bytes = buildFile({{"ab", "abcd"}, {"cd", "efgh"}});
  put64(bytes, entryAt(0) + kNameSizeAt, 5);
  reseal(bytes);
  EXPECT_TRUE(
      isError(open(bytes, w), STRATA_ERROR_FORMAT, {"the name of tensor 0 holds a NUL byte"}));
}

TEST_F(WeightsFile, TwoTensorsOfOneNameAreRefused) {
  strata::WeightsPtr w;
  std::vector<TestTensor> twice = {{"w", "abcd"}, {"v", "efgh"}, {"w", "ijkl"}};
  EXPECT_TRUE(
      isError(open(buildFile(twice), w), STRATA_ERROR_FORMAT, {"two tensors are named 'w'"}));
}

TEST_F(WeightsFile, ATensorOutsideTheDataRegionIsRefused) {
  strata::WeightsPtr w;
  std::string bytes = buildFile(tensors);
  put64(bytes, entryAt(1) + kBytesAt, 1 << 20);
  reseal(bytes);
  EXPECT_TRUE(isError(open(bytes, w), STRATA_ERROR_FORMAT,
                      {"tensor '" + longName + "' lies outside the data region"}));
  bytes = buildFile(tensors);
  put64(bytes, entryAt(3) + kOffsetAt, get64(bytes, entryAt(3) + kOffsetAt) + 8);
  reseal(bytes);
  EXPECT_TRUE(isError(open(bytes, w), STRATA_ERROR_FORMAT, {"tensor 'bias'", "misaligned"}));
}

TEST_F(WeightsFile, ACorruptTensorIsNamed) {
  std::string bytes = buildFile(tensors);
  bytes[get64(bytes, kDataOffsetAt) + 4096 + 17] ^= 1;
  strata::WeightsPtr w;
  EXPECT_TRUE(isError(open(bytes, w), STRATA_ERROR_FORMAT,
                      {dir.path("model.weights"), "tensor '" + longName + "' is corrupt"}));
}

TEST_F(WeightsFile, AStreamedTensorIsCheckedAtItsFirstRead) {
  // The corrupt tensor is one the program reads only from the file itself:
  // opening leaves it for its first read, which names it; a good read of it
  // passes and is not checked again, and the other tensors are checked at
  // open as ever.
  std::string bytes = buildFile(tensors);
  size_t at = get64(bytes, kDataOffsetAt) + 4096;
  bytes[at + 17] ^= 1;
  std::string path = write(bytes);
  const char *streamed[] = {longName.c_str(), "absent"};
  strata_weights *raw = nullptr;
  ASSERT_STRATA_OK(
      strata_weights_open_streamed(path.c_str(), get64(bytes, kModelIdAt), streamed, 2, &raw));
  strata::WeightsPtr w(raw);
  const void *region = strata_weights_data(w.get());
  EXPECT_TRUE(isError(
      strata::runtime::checkStreamedRead(region, 4096, bytes.data() + at, 5000),
      STRATA_ERROR_FORMAT,
      {path, "tensor '" + longName + "' is corrupt", "found as it was first read from the file"}));
  std::string good = bytes.substr(at, 5000);
  good[17] ^= 1;
  ASSERT_STRATA_OK(strata::runtime::checkStreamedRead(region, 4096, good.data(), 5000));
  ASSERT_STRATA_OK(strata::runtime::checkStreamedRead(region, 4096, bytes.data() + at, 5000));
  // A read that is not the whole of a left tensor, or of a file not open,
  // has nothing to check.
  ASSERT_STRATA_OK(strata::runtime::checkStreamedRead(region, 0, "zz", 2));
  ASSERT_STRATA_OK(strata::runtime::checkStreamedRead(&raw, 0, "zz", 2));
  // Not streamed, the same corruption is found at open.
  strata::WeightsPtr again;
  EXPECT_TRUE(isError(open(bytes, again), STRATA_ERROR_FORMAT, {"tensor '" + longName + "'"}));
}

TEST_F(WeightsFile, ATruncatedFileIsRefused) {
  std::string bytes = buildFile(tensors);
  strata::WeightsPtr w;
  EXPECT_TRUE(isError(open(bytes.substr(0, bytes.size() - 1), w), STRATA_ERROR_FORMAT,
                      {"its header says " + std::to_string(bytes.size()), "(truncated?)"}));
  std::string path = write(bytes.substr(0, 20));
  strata_weights *raw = nullptr;
  EXPECT_TRUE(isError(strata_weights_open(path.c_str(), 0, &raw), STRATA_ERROR_FORMAT,
                      {"is truncated (20 bytes)"}));
}

} // namespace

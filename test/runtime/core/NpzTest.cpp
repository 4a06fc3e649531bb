//===- NpzTest.cpp - .npz reader and writer tests ---------------*- C++ -*-===//
//
// Archives written by numpy.savez and numpy.savez_compressed (committed
// fixtures in data/, see data/generate.py) read or refused; the writer's bytes
// against an archive Python's zipfile wrote and numpy.load reads; round trips
// of every dtype; zip64 records, data descriptors and comments in archives
// built here with an independent zip writer; and every error path: not a
// zip, truncated, compressed, encrypted, keyword-named, corrupt CRC, members
// that are not valid .npy images.
//
//===----------------------------------------------------------------------===//

#include "test/runtime/TestSupport.h"

#include <cstring>
#include <sys/stat.h>

using strata::test::fixture;
using strata::test::isError;
using strata::test::readBytes;
using strata::test::TempDir;
using strata::test::writeBytes;

namespace {

/// Owns the tensor list strata_npz_load returns.
class TensorList {
public:
  TensorList() = default;
  TensorList(const TensorList &) = delete;
  TensorList &operator=(const TensorList &) = delete;
  ~TensorList() { strata_tensor_list_free(tensors, count); }

  strata_tensor *operator[](int32_t i) const { return tensors[i]; }

  strata_tensor **tensors = nullptr;
  int32_t count = 0;
};

/// Loads `path` into `list`, expecting success.
::testing::AssertionResult loadOk(const std::string &path, TensorList &list) {
  strata::StatusPtr status(strata_npz_load(path.c_str(), &list.tensors, &list.count));
  if (status)
    return ::testing::AssertionFailure() << strata_status_message(status.get());
  return ::testing::AssertionSuccess();
}

/// Checks the dtype and shape of `tensor`.
::testing::AssertionResult hasShape(const strata_tensor *tensor, strata_dtype dtype,
                                    const std::vector<int64_t> &dims) {
  if (strata_tensor_dtype(tensor) != dtype)
    return ::testing::AssertionFailure()
           << "dtype " << strata_dtype_name(strata_tensor_dtype(tensor))
           << " != " << strata_dtype_name(dtype);
  std::vector<int64_t> actual(strata_tensor_dims(tensor),
                              strata_tensor_dims(tensor) + strata_tensor_rank(tensor));
  if (actual != dims)
    return ::testing::AssertionFailure() << "shape differs (rank " << actual.size() << ")";
  return ::testing::AssertionSuccess();
}

/// The element `i` of `tensor` as a T.
template <typename T> T element(const strata_tensor *tensor, size_t i) {
  T value;
  std::memcpy(&value,
              static_cast<const char *>(strata_tensor_data(const_cast<strata_tensor *>(tensor))) +
                  i * sizeof(T),
              sizeof(T));
  return value;
}

//===----------------------------------------------------------------------===//
// An independent zip writer, for archives numpy does not write
//===----------------------------------------------------------------------===//

void put(std::string &out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out += static_cast<char>((value >> (8 * i)) & 0xff);
}

/// Bit-at-a-time CRC-32 (reflected 0xEDB88320), independent of the runtime's
/// table-driven one.
uint32_t referenceCrc32(const std::string &bytes) {
  uint32_t crc = 0xffffffff;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

struct ZipEntry {
  std::string name;
  std::string data;
  uint16_t flags = 0;
  uint16_t method = 0;
};

struct ZipOptions {
  /// Local headers with 0xFFFFFFFF sizes and a zip64 extra field.
  bool zip64Local = false;
  /// Central directory entries with 0xFFFFFFFF sizes and offset and a zip64
  /// extra field.
  bool zip64Central = false;
  /// A zip64 end record and locator; the end record holds 0xFFFF/0xFFFFFFFF.
  bool zip64End = false;
  /// Local headers with zero CRC and sizes, and a data descriptor after each
  /// member's data.
  bool dataDescriptor = false;
  std::string comment;
};

std::string buildZip(const std::vector<ZipEntry> &entries, const ZipOptions &options = {}) {
  std::string out, directory;
  for (const ZipEntry &entry : entries) {
    uint32_t crc = referenceCrc32(entry.data);
    uint64_t size = entry.data.size(), offset = out.size();
    uint16_t flags = entry.flags | (options.dataDescriptor ? 8 : 0);
    std::string localExtra;
    if (options.zip64Local) {
      put(localExtra, 1, 2);
      put(localExtra, 16, 2);
      put(localExtra, options.dataDescriptor ? 0 : size, 8);
      put(localExtra, options.dataDescriptor ? 0 : size, 8);
    }
    put(out, 0x04034b50, 4);
    put(out, options.zip64Local ? 45 : 20, 2);
    put(out, flags, 2);
    put(out, entry.method, 2);
    put(out, 0, 2);
    put(out, 0x21, 2);
    put(out, options.dataDescriptor ? 0 : crc, 4);
    uint64_t localSize = options.zip64Local ? 0xffffffff : options.dataDescriptor ? 0 : size;
    put(out, localSize, 4);
    put(out, localSize, 4);
    put(out, entry.name.size(), 2);
    put(out, localExtra.size(), 2);
    out += entry.name + localExtra + entry.data;
    if (options.dataDescriptor) {
      put(out, 0x08074b50, 4);
      put(out, crc, 4);
      put(out, size, options.zip64Local ? 8 : 4);
      put(out, size, options.zip64Local ? 8 : 4);
    }

    std::string centralExtra;
    if (options.zip64Central) {
      put(centralExtra, 0x5455, 2); // an unrelated block first: extended timestamp
      put(centralExtra, 5, 2);
      put(centralExtra, 0x0100000001, 5);
      put(centralExtra, 1, 2);
      put(centralExtra, 24, 2);
      put(centralExtra, size, 8);
      put(centralExtra, size, 8);
      put(centralExtra, offset, 8);
    }
    put(directory, 0x02014b50, 4);
    put(directory, 0x0314, 2);
    put(directory, options.zip64Central ? 45 : 20, 2);
    put(directory, flags, 2);
    put(directory, entry.method, 2);
    put(directory, 0, 2);
    put(directory, 0x21, 2);
    put(directory, crc, 4);
    put(directory, options.zip64Central ? 0xffffffff : size, 4);
    put(directory, options.zip64Central ? 0xffffffff : size, 4);
    put(directory, entry.name.size(), 2);
    put(directory, centralExtra.size(), 2);
    put(directory, 0, 2);
    put(directory, 0, 2);
    put(directory, 0, 2);
    put(directory, 0600u << 16, 4);
    put(directory, options.zip64Central ? 0xffffffff : offset, 4);
    directory += entry.name + centralExtra;
  }
  uint64_t directoryOffset = out.size();
  out += directory;
  if (options.zip64End) {
    uint64_t recordOffset = out.size();
    put(out, 0x06064b50, 4);
    put(out, 44, 8);
    put(out, 45, 2);
    put(out, 45, 2);
    put(out, 0, 4);
    put(out, 0, 4);
    put(out, entries.size(), 8);
    put(out, entries.size(), 8);
    put(out, directory.size(), 8);
    put(out, directoryOffset, 8);
    put(out, 0x07064b50, 4);
    put(out, 0, 4);
    put(out, recordOffset, 8);
    put(out, 1, 4);
  }
  put(out, 0x06054b50, 4);
  put(out, 0, 2);
  put(out, 0, 2);
  put(out, options.zip64End ? 0xffff : entries.size(), 2);
  put(out, options.zip64End ? 0xffff : entries.size(), 2);
  put(out, options.zip64End ? 0xffffffff : directory.size(), 4);
  put(out, options.zip64End ? 0xffffffff : directoryOffset, 4);
  put(out, options.comment.size(), 2);
  out += options.comment;
  return out;
}

/// Members arr_0.npy ... holding the .npy fixtures NumPy wrote (versions 1.0,
/// 2.0 and 3.0).
std::vector<ZipEntry> npyFixtureEntries() {
  return {{"arr_0.npy", readBytes(fixture("f32_2x3_v1.npy"))},
          {"arr_1.npy", readBytes(fixture("b1_3_v2.npy"))},
          {"arr_2.npy", readBytes(fixture("u16_2x3x4_v3.npy"))}};
}

/// Checks a list loaded from npyFixtureEntries().
void expectNpyFixtures(const TensorList &list) {
  ASSERT_EQ(list.count, 3);
  EXPECT_TRUE(hasShape(list[0], STRATA_DTYPE_F32, {2, 3}));
  EXPECT_TRUE(hasShape(list[1], STRATA_DTYPE_I1, {3}));
  EXPECT_TRUE(hasShape(list[2], STRATA_DTYPE_U16, {2, 3, 4}));
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(element<float>(list[0], i), static_cast<float>(i));
  EXPECT_EQ(element<uint8_t>(list[1], 0), 1);
  EXPECT_EQ(element<uint8_t>(list[1], 1), 0);
  EXPECT_EQ(element<uint8_t>(list[1], 2), 1);
  for (int i = 0; i < 24; ++i)
    EXPECT_EQ(element<uint16_t>(list[2], i), i);
}

//===----------------------------------------------------------------------===//
// Archives written by NumPy
//===----------------------------------------------------------------------===//

TEST(NpzLoad, NumPySavezTwoFloat32Arrays) {
  TensorList list;
  ASSERT_TRUE(loadOk(fixture("savez_f32_2x3_f32_4.npz"), list));
  ASSERT_EQ(list.count, 2);
  EXPECT_TRUE(hasShape(list[0], STRATA_DTYPE_F32, {2, 3}));
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(element<float>(list[0], i), static_cast<float>(i));
  EXPECT_TRUE(hasShape(list[1], STRATA_DTYPE_F32, {4}));
  EXPECT_EQ(element<float>(list[1], 0), 1.5f);
  EXPECT_EQ(element<float>(list[1], 1), -2.0f);
  EXPECT_EQ(element<float>(list[1], 2), 0.25f);
  EXPECT_EQ(element<float>(list[1], 3), 1e30f);
}

TEST(NpzLoad, NumPySavezInt64BoolAndScalar) {
  TensorList list;
  ASSERT_TRUE(loadOk(fixture("savez_i64_b1_f64.npz"), list));
  ASSERT_EQ(list.count, 3);
  EXPECT_TRUE(hasShape(list[0], STRATA_DTYPE_I64, {3}));
  EXPECT_EQ(element<int64_t>(list[0], 0), -(int64_t(1) << 62));
  EXPECT_EQ(element<int64_t>(list[0], 1), -1);
  EXPECT_EQ(element<int64_t>(list[0], 2), (int64_t(1) << 40) + 7);
  EXPECT_TRUE(hasShape(list[1], STRATA_DTYPE_I1, {2, 2}));
  const uint8_t expectedBools[] = {1, 0, 0, 1};
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(element<uint8_t>(list[1], i), expectedBools[i]);
  EXPECT_TRUE(hasShape(list[2], STRATA_DTYPE_F64, {}));
  EXPECT_EQ(element<double>(list[2], 0), -0.125);
}

TEST(NpzLoad, NumPySavezWithoutArrays) {
  TensorList list;
  list.count = 5;
  ASSERT_TRUE(loadOk(fixture("savez_empty.npz"), list));
  EXPECT_EQ(list.count, 0);
  EXPECT_EQ(list.tensors, nullptr);
}

TEST(NpzLoad, PlainZipFromPythonZipfile) {
  TensorList list;
  ASSERT_TRUE(loadOk(fixture("zipfile_f32_2x3_f32_4.npz"), list));
  ASSERT_EQ(list.count, 2);
  EXPECT_TRUE(hasShape(list[1], STRATA_DTYPE_F32, {4}));
  EXPECT_EQ(element<float>(list[1], 3), 1e30f);
}

//===----------------------------------------------------------------------===//
// Archives NumPy does not write but a zip may be
//===----------------------------------------------------------------------===//

class NpzBuilt : public ::testing::Test {
protected:
  std::string write(const std::string &bytes) {
    std::string path = dir.path("built.npz");
    EXPECT_TRUE(writeBytes(path, bytes));
    return path;
  }

  TempDir dir;
};

TEST_F(NpzBuilt, NpyVersions1To3) {
  TensorList list;
  ASSERT_TRUE(loadOk(write(buildZip(npyFixtureEntries())), list));
  expectNpyFixtures(list);
}

TEST_F(NpzBuilt, Zip64Everywhere) {
  ZipOptions options;
  options.zip64Local = options.zip64Central = options.zip64End = true;
  TensorList list;
  ASSERT_TRUE(loadOk(write(buildZip(npyFixtureEntries(), options)), list));
  expectNpyFixtures(list);
}

TEST_F(NpzBuilt, DataDescriptors) {
  ZipOptions options;
  options.dataDescriptor = true;
  TensorList list;
  ASSERT_TRUE(loadOk(write(buildZip(npyFixtureEntries(), options)), list));
  expectNpyFixtures(list);
  options.zip64Local = true;
  TensorList list64;
  ASSERT_TRUE(loadOk(write(buildZip(npyFixtureEntries(), options)), list64));
  expectNpyFixtures(list64);
}

TEST_F(NpzBuilt, ArchiveComment) {
  ZipOptions options;
  options.comment = "PK\x05\x06 a comment that looks like the start of an end record";
  TensorList list;
  ASSERT_TRUE(loadOk(write(buildZip(npyFixtureEntries(), options)), list));
  expectNpyFixtures(list);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

/// A float32 tensor viewing `data`.
strata::TensorPtr wrapF32(float *data, const std::vector<int64_t> &dims) {
  int64_t elements = 1;
  for (int64_t dim : dims)
    elements *= dim;
  strata_tensor *raw = nullptr;
  strata::StatusPtr status(strata_tensor_wrap(STRATA_DTYPE_F32, static_cast<int32_t>(dims.size()),
                                              dims.data(), data, elements * sizeof(float), &raw));
  EXPECT_EQ(status, nullptr) << strata_status_message(status.get());
  return strata::TensorPtr(raw);
}

/// The arrays of savez_f32_2x3_f32_4.npz.
struct Float32Pair {
  float first[6] = {0, 1, 2, 3, 4, 5};
  float second[4] = {1.5f, -2.0f, 0.25f, 1e30f};
  strata::TensorPtr a = wrapF32(first, {2, 3}), b = wrapF32(second, {4});
  const strata_tensor *list[2] = {a.get(), b.get()};
};

TEST(NpzSave, BytesMatchPythonZipfileWithNumPyMembers) {
  // zipfile_f32_2x3_f32_4.npz holds the members numpy.savez writes for these
  // arrays, in a plain zip; generate.py checks that numpy.load reads it.
  TempDir dir;
  Float32Pair pair;
  std::string path = dir.path("pair.npz");
  ASSERT_STRATA_OK(strata_npz_save(path.c_str(), pair.list, 2));
  std::string expected = readBytes(fixture("zipfile_f32_2x3_f32_4.npz"));
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(readBytes(path), expected);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"pair.npz"});
}

TEST(NpzSave, EmptyArchiveMatchesNumPy) {
  TempDir dir;
  std::string path = dir.path("empty.npz");
  ASSERT_STRATA_OK(strata_npz_save(path.c_str(), nullptr, 0));
  std::string expected = readBytes(fixture("savez_empty.npz"));
  ASSERT_EQ(expected.size(), 22u);
  EXPECT_EQ(readBytes(path), expected);
  TensorList list;
  ASSERT_TRUE(loadOk(path, list));
  EXPECT_EQ(list.count, 0);
}

TEST(NpzSave, MembersAreWhatStrataNpySaveWrites) {
  TempDir dir;
  Float32Pair pair;
  std::string npz = dir.path("pair.npz"), npy = dir.path("b.npy");
  ASSERT_STRATA_OK(strata_npz_save(npz.c_str(), pair.list, 2));
  ASSERT_STRATA_OK(strata_npy_save(npy.c_str(), pair.list[1]));
  std::string archive = readBytes(npz), image = readBytes(npy);
  size_t at = archive.find(std::string("arr_1.npy") + "\x93NUMPY");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(archive.substr(at + 9, image.size()), image);
}

TEST(NpzSave, EveryDtypeAndRankRoundTrips) {
  TempDir dir;
  const strata_dtype dtypes[] = {
      STRATA_DTYPE_F32, STRATA_DTYPE_F16, STRATA_DTYPE_BF16, STRATA_DTYPE_F64, STRATA_DTYPE_I1,
      STRATA_DTYPE_I8,  STRATA_DTYPE_I16, STRATA_DTYPE_I32,  STRATA_DTYPE_I64, STRATA_DTYPE_U8,
      STRATA_DTYPE_U16, STRATA_DTYPE_U32, STRATA_DTYPE_U64};
  const int64_t dims[] = {3, 1, 4};
  const int64_t emptyDims[] = {2, 0};
  std::vector<strata::TensorPtr> owned;
  for (strata_dtype dtype : dtypes)
    for (int32_t rank : {0, 1, 3}) {
      strata_tensor *raw = nullptr;
      ASSERT_STRATA_OK(strata_tensor_create(dtype, rank, rank ? dims + 3 - rank : nullptr, &raw));
      owned.emplace_back(raw);
      auto *bytes = static_cast<unsigned char *>(strata_tensor_data(raw));
      for (size_t i = 0; i < strata_tensor_byte_size(raw); ++i)
        bytes[i] = dtype == STRATA_DTYPE_I1 ? static_cast<unsigned char>((i + owned.size()) % 2)
                                            : static_cast<unsigned char>(i * 37 + owned.size());
    }
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_I32, 2, emptyDims, &raw));
  owned.emplace_back(raw);
  std::vector<const strata_tensor *> tensors;
  for (const strata::TensorPtr &tensor : owned)
    tensors.push_back(tensor.get());

  std::string path = dir.path("all.npz");
  ASSERT_STRATA_OK(
      strata_npz_save(path.c_str(), tensors.data(), static_cast<int32_t>(tensors.size())));
  TensorList list;
  ASSERT_TRUE(loadOk(path, list));
  ASSERT_EQ(list.count, static_cast<int32_t>(tensors.size()));
  for (int32_t i = 0; i < list.count; ++i) {
    const strata_tensor *saved = tensors[i];
    SCOPED_TRACE("member " + std::to_string(i));
    std::vector<int64_t> savedDims(strata_tensor_dims(saved),
                                   strata_tensor_dims(saved) + strata_tensor_rank(saved));
    EXPECT_TRUE(hasShape(list[i], strata_tensor_dtype(saved), savedDims));
    ASSERT_EQ(strata_tensor_byte_size(list[i]), strata_tensor_byte_size(saved));
    if (strata_tensor_byte_size(saved)) {
      EXPECT_EQ(std::memcmp(strata_tensor_data(list[i]),
                            strata_tensor_data(const_cast<strata_tensor *>(saved)),
                            strata_tensor_byte_size(saved)),
                0);
    }
  }
}

TEST(NpzSave, OverwritesAnExistingFile) {
  TempDir dir;
  Float32Pair pair;
  std::string path = dir.path("x.npz");
  ASSERT_TRUE(writeBytes(path, "old contents"));
  ASSERT_STRATA_OK(strata_npz_save(path.c_str(), pair.list + 1, 1));
  TensorList list;
  ASSERT_TRUE(loadOk(path, list));
  ASSERT_EQ(list.count, 1);
  EXPECT_TRUE(hasShape(list[0], STRATA_DTYPE_F32, {4}));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"x.npz"});
}

class NpzSaveError : public ::testing::Test {
protected:
  TempDir dir;
  Float32Pair pair;
};

TEST_F(NpzSaveError, BadArguments) {
  std::string path = dir.path("x.npz");
  EXPECT_TRUE(isError(strata_npz_save(nullptr, pair.list, 2), STRATA_ERROR_INVALID_ARGUMENT,
                      {"path is NULL"}));
  EXPECT_TRUE(isError(strata_npz_save(path.c_str(), pair.list, -1), STRATA_ERROR_INVALID_ARGUMENT,
                      {path + ": tensor count -1 is negative"}));
  EXPECT_TRUE(isError(strata_npz_save(path.c_str(), nullptr, 2), STRATA_ERROR_INVALID_ARGUMENT,
                      {path + ": tensors is NULL for 2 tensors"}));
  const strata_tensor *withNull[] = {pair.list[0], nullptr};
  EXPECT_TRUE(isError(strata_npz_save(path.c_str(), withNull, 2), STRATA_ERROR_INVALID_ARGUMENT,
                      {path + ": tensors[1] is NULL"}));
  EXPECT_TRUE(dir.entries().empty());
}

TEST_F(NpzSaveError, MoreThan4GiBIsRefusedBeforeWriting) {
  // A 4 GiB view whose data is never read: the size is checked first.
  int64_t dims[] = {int64_t(1) << 30};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(
      strata_tensor_wrap(STRATA_DTYPE_F32, 1, dims, pair.first, size_t(4) << 30, &raw));
  strata::TensorPtr huge(raw);
  std::string path = dir.path("huge.npz");
  const strata_tensor *list[] = {huge.get()};
  EXPECT_TRUE(
      isError(strata_npz_save(path.c_str(), list, 1), STRATA_ERROR_UNSUPPORTED,
              {path + ": the archive would be 4294967540 bytes", "without zip64", "4 GiB - 1"}));
  EXPECT_TRUE(dir.entries().empty());
}

TEST_F(NpzSaveError, MoreThan65534TensorsAreRefused) {
  std::vector<const strata_tensor *> many(65535, pair.list[1]);
  std::string path = dir.path("many.npz");
  EXPECT_TRUE(isError(strata_npz_save(path.c_str(), many.data(), 65535), STRATA_ERROR_UNSUPPORTED,
                      {path + ": 65535 tensors are more than the 65534 members"}));
  EXPECT_TRUE(dir.entries().empty());
}

TEST_F(NpzSaveError, ADirectoryIsRefusedAndNothingIsLeft) {
  std::string path = dir.path("taken");
  ASSERT_EQ(::mkdir(path.c_str(), 0755), 0);
  EXPECT_TRUE(isError(strata_npz_save(path.c_str(), pair.list, 2), STRATA_ERROR_IO,
                      {path + ": is a directory; outputs are written to regular files"}));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"taken"});
}

TEST_F(NpzSaveError, MissingDirectory) {
  std::string path = dir.path("no/such/dir/x.npz");
  EXPECT_TRUE(isError(strata_npz_save(path.c_str(), pair.list, 2), STRATA_ERROR_IO,
                      {path + ": cannot create temporary file", "No such file or directory"}));
  EXPECT_TRUE(dir.entries().empty());
}

//===----------------------------------------------------------------------===//
// Reader errors
//===----------------------------------------------------------------------===//

class NpzLoadError : public ::testing::Test {
protected:
  /// Checks that loading `path` fails with `code` and a message containing
  /// every fragment, and that the outputs are reset.
  ::testing::AssertionResult loadFails(const std::string &path, strata_status_code code,
                                       std::vector<std::string> fragments) {
    auto **tensors = reinterpret_cast<strata_tensor **>(0x1);
    int32_t count = 7;
    ::testing::AssertionResult result =
        isError(strata_npz_load(path.c_str(), &tensors, &count), code, std::move(fragments));
    if (tensors != nullptr || count != 0)
      return ::testing::AssertionFailure() << "outputs were not reset";
    return result;
  }

  /// Writes `bytes` to x.npz and checks loading it as loadFails does, with
  /// the first fragment prefixed by the path.
  ::testing::AssertionResult bytesFail(const std::string &bytes, strata_status_code code,
                                       std::vector<std::string> fragments) {
    std::string path = dir.path("x.npz");
    if (!writeBytes(path, bytes))
      return ::testing::AssertionFailure() << "cannot write " << path;
    fragments[0] = path + ": " + fragments[0];
    return loadFails(path, code, std::move(fragments));
  }

  TempDir dir;
};

TEST_F(NpzLoadError, NullArguments) {
  strata_tensor **tensors = nullptr;
  int32_t count = 0;
  EXPECT_TRUE(isError(strata_npz_load(nullptr, &tensors, &count), STRATA_ERROR_INVALID_ARGUMENT,
                      {"path is NULL"}));
  EXPECT_TRUE(isError(strata_npz_load("x.npz", nullptr, &count), STRATA_ERROR_INVALID_ARGUMENT,
                      {"out_tensors is NULL"}));
  EXPECT_TRUE(isError(strata_npz_load("x.npz", &tensors, nullptr), STRATA_ERROR_INVALID_ARGUMENT,
                      {"out_count is NULL"}));
}

TEST_F(NpzLoadError, MissingFile) {
  std::string path = dir.path("absent.npz");
  EXPECT_TRUE(loadFails(path, STRATA_ERROR_IO,
                        {path + ": cannot open for reading", "No such file or directory"}));
}

TEST_F(NpzLoadError, NotAZip) {
  EXPECT_TRUE(bytesFail("", STRATA_ERROR_FORMAT, {"not a .npz archive: not a zip file"}));
  EXPECT_TRUE(bytesFail("hello, world; this is text and no archive at all", STRATA_ERROR_FORMAT,
                        {"not a .npz archive: not a zip file"}));
  EXPECT_TRUE(bytesFail(readBytes(fixture("f32_2x3_v1.npy")), STRATA_ERROR_FORMAT,
                        {"not a .npz archive but a .npy file"}));
}

TEST_F(NpzLoadError, Truncated) {
  std::string whole = readBytes(fixture("savez_f32_2x3_f32_4.npz"));
  ASSERT_FALSE(whole.empty());
  EXPECT_TRUE(bytesFail(whole.substr(0, whole.size() / 2), STRATA_ERROR_FORMAT,
                        {"truncated: the zip archive has no end-of-central-directory record"}));
  EXPECT_TRUE(bytesFail(whole.substr(0, whole.size() - 3), STRATA_ERROR_FORMAT, {"truncated"}));
  // Every prefix is refused with a message naming the file, never loaded.
  std::string path = dir.path("cut.npz");
  for (size_t size = 0; size < whole.size(); ++size) {
    ASSERT_TRUE(writeBytes(path, whole.substr(0, size)));
    EXPECT_TRUE(loadFails(path, STRATA_ERROR_FORMAT, {path + ": "})) << "prefix of " << size;
  }
}

TEST_F(NpzLoadError, DataCutOutOfTheMiddle) {
  // The end records survive but the central directory is no longer where
  // they say.
  std::string whole = readBytes(fixture("savez_f32_2x3_f32_4.npz"));
  EXPECT_TRUE(bytesFail(whole.substr(0, 100) + whole.substr(200), STRATA_ERROR_FORMAT,
                        {"truncated or corrupt zip: the central directory"}));
}

TEST_F(NpzLoadError, CompressedArchive) {
  std::string path = fixture("savez_compressed_i64_3.npz");
  EXPECT_TRUE(loadFails(path, STRATA_ERROR_UNSUPPORTED,
                        {path + ": arr_0.npy is compressed (zip method 8)",
                         "compressed .npz (numpy.savez_compressed) is not supported; save with "
                         "numpy.savez"}));
}

TEST_F(NpzLoadError, KeywordNames) {
  std::string path = fixture("savez_keywords.npz");
  EXPECT_TRUE(loadFails(path, STRATA_ERROR_UNSUPPORTED,
                        {path + ": member 0 is named 'x.npy', expected 'arr_0.npy'",
                         "the archive holds 'x.npy', 'y.npy'", "numpy.savez(path, *arrays)",
                         "keyword names", "not a sequence"}));
}

TEST_F(NpzLoadError, NamesOutOfOrder) {
  std::vector<ZipEntry> entries = npyFixtureEntries();
  std::swap(entries[0].name, entries[1].name);
  EXPECT_TRUE(bytesFail(buildZip(entries), STRATA_ERROR_UNSUPPORTED,
                        {"member 0 is named 'arr_1.npy', expected 'arr_0.npy'"}));
  entries = npyFixtureEntries();
  entries.erase(entries.begin() + 1);
  EXPECT_TRUE(bytesFail(buildZip(entries), STRATA_ERROR_UNSUPPORTED,
                        {"member 1 is named 'arr_2.npy', expected 'arr_1.npy'"}));
}

TEST_F(NpzLoadError, CorruptData) {
  std::string bytes = readBytes(fixture("savez_f32_2x3_f32_4.npz"));
  ASSERT_GT(bytes.size(), 22u);
  // The central directory follows the last byte of arr_1.npy's data.
  size_t directoryOffset = 0;
  for (int i = 0; i < 4; ++i)
    directoryOffset |= size_t(static_cast<unsigned char>(bytes[bytes.size() - 6 + i])) << (8 * i);
  bytes[directoryOffset - 1] ^= 0x40;
  EXPECT_TRUE(bytesFail(bytes, STRATA_ERROR_FORMAT,
                        {"arr_1.npy: CRC-32 mismatch: the archive records 0x", "corrupt"}));
}

TEST_F(NpzLoadError, CorruptHeaderIsReportedAsCrcMismatch) {
  std::string bytes = readBytes(fixture("savez_f32_2x3_f32_4.npz"));
  size_t at = bytes.find("'descr'");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] = 'D';
  EXPECT_TRUE(bytesFail(bytes, STRATA_ERROR_FORMAT, {"arr_0.npy: CRC-32 mismatch"}));
}

TEST_F(NpzLoadError, EveryFlippedByteIsHandled) {
  // Flipping any byte either leaves a loadable archive (a byte no reader
  // checks, such as a timestamp) or is refused with a message naming the
  // file; it never crashes or returns a partial list.
  std::string whole = readBytes(fixture("savez_f32_2x3_f32_4.npz"));
  std::string path = dir.path("flipped.npz");
  for (size_t i = 0; i < whole.size(); ++i) {
    std::string bytes = whole;
    bytes[i] ^= 0xff;
    ASSERT_TRUE(writeBytes(path, bytes));
    strata_tensor **tensors = nullptr;
    int32_t count = 0;
    strata::StatusPtr status(strata_npz_load(path.c_str(), &tensors, &count));
    if (status) {
      EXPECT_EQ(std::string(strata_status_message(status.get())).rfind(path + ": ", 0), 0u)
          << "byte " << i << ": " << strata_status_message(status.get());
      EXPECT_EQ(tensors, nullptr);
      EXPECT_EQ(count, 0);
    } else {
      EXPECT_EQ(count, 2) << "byte " << i;
    }
    strata_tensor_list_free(tensors, count);
  }
}

TEST_F(NpzLoadError, MembersThatAreNotValidNpy) {
  std::string npy = readBytes(fixture("f32_2x3_v1.npy"));
  EXPECT_TRUE(bytesFail(buildZip({{"arr_0.npy", "not an array"}}), STRATA_ERROR_FORMAT,
                        {"arr_0.npy: bad magic: not a .npy file"}));
  EXPECT_TRUE(bytesFail(buildZip({{"arr_0.npy", npy + "tail"}}), STRATA_ERROR_FORMAT,
                        {"arr_0.npy: header says 24 bytes of data, member has 28 (trailing"}));
  EXPECT_TRUE(bytesFail(buildZip({{"arr_0.npy", npy.substr(0, npy.size() - 4)}}),
                        STRATA_ERROR_FORMAT,
                        {"arr_0.npy: truncated: header says 24 bytes of data, member has 20"}));
  EXPECT_TRUE(bytesFail(buildZip({{"arr_0.npy", npy.substr(0, 9)}}), STRATA_ERROR_FORMAT,
                        {"arr_0.npy: truncated: member ends inside the header length"}));
  EXPECT_TRUE(bytesFail(
      buildZip({{"arr_0.npy", npy}, {"arr_1.npy", readBytes(fixture("f64_2x3_fortran.npy"))}}),
      STRATA_ERROR_UNSUPPORTED, {"arr_1.npy: fortran_order is True"}));
}

TEST_F(NpzLoadError, Encrypted) {
  std::vector<ZipEntry> entries = npyFixtureEntries();
  entries[2].flags = 1;
  EXPECT_TRUE(bytesFail(buildZip(entries), STRATA_ERROR_UNSUPPORTED,
                        {"arr_2.npy: encrypted zip members are not supported"}));
}

TEST_F(NpzLoadError, LocalHeaderDisagreesWithTheCentralDirectory) {
  std::string bytes = buildZip(npyFixtureEntries());
  size_t at = bytes.find("arr_1.npy");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 4] = '7';
  EXPECT_TRUE(bytesFail(bytes, STRATA_ERROR_FORMAT,
                        {"arr_1.npy: corrupt zip: the local header names the member 'arr_7.npy'"}));
}

TEST_F(NpzLoadError, Zip64FieldWithoutExtra) {
  // A central directory size of 0xFFFFFFFF promises a zip64 extra field.
  std::string bytes = buildZip({{"arr_0.npy", readBytes(fixture("f32_2x3_v1.npy"))}});
  size_t entry = bytes.find("PK\x01\x02");
  ASSERT_NE(entry, std::string::npos);
  for (int i = 0; i < 4; ++i)
    bytes[entry + 24 + i] = '\xff';
  EXPECT_TRUE(bytesFail(bytes, STRATA_ERROR_FORMAT,
                        {"arr_0.npy: corrupt zip: the central directory entry's size is "
                         "0xFFFFFFFF but it has no zip64 extra field"}));
}

} // namespace

//===- NpyTest.cpp - .npy reader and writer tests ---------------*- C++ -*-===//
//
// Round trips for every dtype at ranks 0, 1 and 3; files written by NumPy
// (committed fixtures in data/, see data/generate.py); every error path of
// the reader; and the writer's promise to leave no partial or temporary file.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Npy.h"
#include "test/runtime/TestSupport.h"

#include <csignal>
#include <cstring>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using strata::test::fixture;
using strata::test::isError;
using strata::test::readBytes;
using strata::test::runInChild;
using strata::test::TempDir;
using strata::test::writeBytes;

namespace {

/// A .npy file with header dict `dict` followed by `data`.
std::string npyBytes(const std::string &dict, const std::string &data) {
  return strata::runtime::encodeNpyPreamble(dict) + data;
}

std::string f32Dict(const std::string &shape) {
  return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
}

strata::TensorPtr loadOk(const std::string &path) {
  strata_tensor *raw = nullptr;
  strata::StatusPtr status(strata_npy_load(path.c_str(), &raw));
  EXPECT_EQ(status, nullptr) << strata_status_message(status.get());
  return strata::TensorPtr(raw);
}

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

struct RoundTripCase {
  strata_dtype dtype;
  int32_t rank;
};

/// Keeps test listings (and the ctest names derived from them) readable.
void PrintTo(const RoundTripCase &c, std::ostream *os) {
  *os << strata_dtype_name(c.dtype) << " rank " << c.rank;
}

class NpyRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(NpyRoundTrip, SaveThenLoadPreservesEverything) {
  TempDir dir;
  ASSERT_TRUE(dir.valid());
  const RoundTripCase &param = GetParam();
  const int64_t dims[] = {3, 1, 4};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_create(param.dtype, param.rank,
                                        param.rank ? dims + 3 - param.rank : nullptr, &raw));
  strata::TensorPtr original(raw);
  auto *bytes = static_cast<unsigned char *>(strata_tensor_data(raw));
  for (size_t i = 0; i < strata_tensor_byte_size(raw); ++i)
    bytes[i] = param.dtype == STRATA_DTYPE_I1 ? static_cast<unsigned char>(i % 3 == 0)
                                              : static_cast<unsigned char>(i * 37 + 11);

  std::string path = dir.path("a.npy");
  ASSERT_STRATA_OK(strata_npy_save(path.c_str(), raw));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"a.npy"});
  EXPECT_EQ(readBytes(path).size() % 64, strata_tensor_byte_size(raw) % 64)
      << "data must start 64-byte aligned";

  strata::TensorPtr loaded = loadOk(path);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(strata_tensor_dtype(loaded.get()), param.dtype);
  ASSERT_EQ(strata_tensor_rank(loaded.get()), param.rank);
  for (int32_t i = 0; i < param.rank; ++i)
    EXPECT_EQ(strata_tensor_dims(loaded.get())[i], dims[3 - param.rank + i]);
  ASSERT_EQ(strata_tensor_byte_size(loaded.get()), strata_tensor_byte_size(raw));
  EXPECT_EQ(std::memcmp(strata_tensor_data(loaded.get()), bytes, strata_tensor_byte_size(raw)), 0);
}

std::vector<RoundTripCase> allRoundTripCases() {
  const strata_dtype dtypes[] = {
      STRATA_DTYPE_F32, STRATA_DTYPE_F16, STRATA_DTYPE_BF16, STRATA_DTYPE_F64, STRATA_DTYPE_I1,
      STRATA_DTYPE_I8,  STRATA_DTYPE_I16, STRATA_DTYPE_I32,  STRATA_DTYPE_I64, STRATA_DTYPE_U8,
      STRATA_DTYPE_U16, STRATA_DTYPE_U32, STRATA_DTYPE_U64};
  std::vector<RoundTripCase> cases;
  for (strata_dtype dtype : dtypes)
    for (int32_t rank : {0, 1, 3})
      cases.push_back({dtype, rank});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, NpyRoundTrip, ::testing::ValuesIn(allRoundTripCases()),
                         [](const ::testing::TestParamInfo<RoundTripCase> &info) {
                           return std::string(strata_dtype_name(info.param.dtype)) + "_rank" +
                                  std::to_string(info.param.rank);
                         });

TEST(NpySave, EmptyTensorRoundTrips) {
  TempDir dir;
  int64_t dims[] = {2, 0};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_I32, 2, dims, &raw));
  strata::TensorPtr tensor(raw);
  std::string path = dir.path("empty.npy");
  ASSERT_STRATA_OK(strata_npy_save(path.c_str(), raw));
  strata::TensorPtr loaded = loadOk(path);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(strata_tensor_num_elements(loaded.get()), 0);
  EXPECT_EQ(strata_tensor_dims(loaded.get())[1], 0);
}

TEST(NpySave, BytesMatchWhatNumPyWrites) {
  TempDir dir;
  float values[] = {0, 1, 2, 3, 4, 5};
  int64_t dims[] = {2, 3};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_wrap(STRATA_DTYPE_F32, 2, dims, values, sizeof(values), &raw));
  strata::TensorPtr tensor(raw);
  std::string path = dir.path("same.npy");
  ASSERT_STRATA_OK(strata_npy_save(path.c_str(), raw));
  std::string expected = readBytes(fixture("f32_2x3_v1.npy"));
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(readBytes(path), expected);
}

/// The bit patterns of bf16_2x2_v1.npy: 1.5, -2, 0, 3.140625.
constexpr uint16_t kBf16Fixture[] = {0x3fc0, 0xc000, 0x0000, 0x4049};

TEST(NpySave, Bfloat16BytesMatchWhatNumPyWithMlDtypesWrites) {
  TempDir dir;
  uint16_t values[4];
  std::memcpy(values, kBf16Fixture, sizeof(values));
  int64_t dims[] = {2, 2};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_wrap(STRATA_DTYPE_BF16, 2, dims, values, sizeof(values), &raw));
  strata::TensorPtr tensor(raw);
  std::string path = dir.path("bf16.npy");
  ASSERT_STRATA_OK(strata_npy_save(path.c_str(), raw));
  std::string expected = readBytes(fixture("bf16_2x2_v1.npy"));
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(readBytes(path), expected);
}

TEST(NpySave, OverwritesAnExistingFile) {
  TempDir dir;
  std::string path = dir.path("x.npy");
  ASSERT_TRUE(writeBytes(path, "old contents"));
  uint8_t value = 7;
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_wrap(STRATA_DTYPE_U8, 0, nullptr, &value, 1, &raw));
  strata::TensorPtr tensor(raw);
  ASSERT_STRATA_OK(strata_npy_save(path.c_str(), raw));
  strata::TensorPtr loaded = loadOk(path);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(*static_cast<uint8_t *>(strata_tensor_data(loaded.get())), 7);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"x.npy"});
}

//===----------------------------------------------------------------------===//
// Files written by NumPy
//===----------------------------------------------------------------------===//

TEST(NpyLoad, NumPyMlDtypesBfloat16) {
  strata::TensorPtr t = loadOk(fixture("bf16_2x2_v1.npy"));
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(strata_tensor_dtype(t.get()), STRATA_DTYPE_BF16);
  ASSERT_EQ(strata_tensor_rank(t.get()), 2);
  EXPECT_EQ(strata_tensor_dims(t.get())[0], 2);
  EXPECT_EQ(strata_tensor_dims(t.get())[1], 2);
  const uint16_t *data = static_cast<const uint16_t *>(strata_tensor_data(t.get()));
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(data[i], kBf16Fixture[i]);
}

TEST(NpyLoad, NumPyVersion1Float32) {
  strata::TensorPtr t = loadOk(fixture("f32_2x3_v1.npy"));
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(strata_tensor_dtype(t.get()), STRATA_DTYPE_F32);
  ASSERT_EQ(strata_tensor_rank(t.get()), 2);
  EXPECT_EQ(strata_tensor_dims(t.get())[0], 2);
  EXPECT_EQ(strata_tensor_dims(t.get())[1], 3);
  const float *data = static_cast<const float *>(strata_tensor_data(t.get()));
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(data[i], static_cast<float>(i));
}

TEST(NpyLoad, NumPyVersion2Bool) {
  strata::TensorPtr t = loadOk(fixture("b1_3_v2.npy"));
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(strata_tensor_dtype(t.get()), STRATA_DTYPE_I1);
  ASSERT_EQ(strata_tensor_rank(t.get()), 1);
  EXPECT_EQ(strata_tensor_dims(t.get())[0], 3);
  const uint8_t *data = static_cast<const uint8_t *>(strata_tensor_data(t.get()));
  EXPECT_EQ(data[0], 1);
  EXPECT_EQ(data[1], 0);
  EXPECT_EQ(data[2], 1);
}

TEST(NpyLoad, NumPyVersion3Uint16Rank3) {
  strata::TensorPtr t = loadOk(fixture("u16_2x3x4_v3.npy"));
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(strata_tensor_dtype(t.get()), STRATA_DTYPE_U16);
  ASSERT_EQ(strata_tensor_rank(t.get()), 3);
  EXPECT_EQ(strata_tensor_dims(t.get())[0], 2);
  EXPECT_EQ(strata_tensor_dims(t.get())[1], 3);
  EXPECT_EQ(strata_tensor_dims(t.get())[2], 4);
  const uint16_t *data = static_cast<const uint16_t *>(strata_tensor_data(t.get()));
  for (int i = 0; i < 24; ++i)
    EXPECT_EQ(data[i], i);
}

TEST(NpyLoad, FortranOrderIsRefusedNamingTheFile) {
  std::string path = fixture("f64_2x3_fortran.npy");
  strata_tensor *raw = reinterpret_cast<strata_tensor *>(0x1);
  EXPECT_TRUE(isError(strata_npy_load(path.c_str(), &raw), STRATA_ERROR_UNSUPPORTED,
                      {path + ": fortran_order is True", "C-order"}));
  EXPECT_EQ(raw, nullptr);
}

//===----------------------------------------------------------------------===//
// Reader errors
//===----------------------------------------------------------------------===//

class NpyLoadError : public ::testing::Test {
protected:
  /// Writes `bytes` to x.npy and checks loading it fails with `code` and a
  /// message starting with the path and containing `fragment`.
  ::testing::AssertionResult loadFails(const std::string &bytes, strata_status_code code,
                                       const std::string &fragment) {
    std::string path = dir.path("x.npy");
    if (!writeBytes(path, bytes))
      return ::testing::AssertionFailure() << "cannot write " << path;
    strata_tensor *raw = reinterpret_cast<strata_tensor *>(0x1);
    ::testing::AssertionResult result =
        isError(strata_npy_load(path.c_str(), &raw), code, {path + ": " + fragment});
    if (raw != nullptr)
      return ::testing::AssertionFailure() << "out was not reset to NULL";
    return result;
  }

  TempDir dir;
};

TEST_F(NpyLoadError, MissingFile) {
  std::string path = dir.path("absent.npy");
  strata_tensor *raw = nullptr;
  EXPECT_TRUE(isError(strata_npy_load(path.c_str(), &raw), STRATA_ERROR_IO,
                      {path + ": cannot open for reading", "No such file or directory"}));
}

TEST_F(NpyLoadError, DirectoryIsNotAFile) {
  strata_tensor *raw = nullptr;
  EXPECT_TRUE(isError(strata_npy_load(dir.str().c_str(), &raw), STRATA_ERROR_IO,
                      {dir.str() + ": is a directory, not a regular file"}));
}

TEST_F(NpyLoadError, NullArguments) {
  strata_tensor *raw = nullptr;
  EXPECT_TRUE(
      isError(strata_npy_load(nullptr, &raw), STRATA_ERROR_INVALID_ARGUMENT, {"path is NULL"}));
  EXPECT_TRUE(
      isError(strata_npy_load("x.npy", nullptr), STRATA_ERROR_INVALID_ARGUMENT, {"out is NULL"}));
}

TEST_F(NpyLoadError, BadMagic) {
  EXPECT_TRUE(loadFails("PK\x03\x04 this is a zip file", STRATA_ERROR_FORMAT,
                        "bad magic: not a .npy file (it does not start with \"\\x93NUMPY\"); it "
                        "is a zip file, perhaps a .npz archive"));
  EXPECT_TRUE(loadFails("", STRATA_ERROR_FORMAT, "bad magic"));
  EXPECT_TRUE(loadFails("\x93NUM", STRATA_ERROR_FORMAT, "bad magic"));
}

TEST_F(NpyLoadError, TruncatedData) {
  EXPECT_TRUE(loadFails(npyBytes(f32Dict("(1024,)"), std::string(100, 'x')), STRATA_ERROR_FORMAT,
                        "truncated: header says 4096 bytes of data, file has "
                        "100"));
}

TEST_F(NpyLoadError, TruncatedHeader) {
  std::string whole = npyBytes(f32Dict("(2,)"), std::string(8, '\0'));
  EXPECT_TRUE(loadFails(whole.substr(0, 40), STRATA_ERROR_FORMAT,
                        "truncated: header says it is 118 bytes, file has 30"));
  EXPECT_TRUE(loadFails(whole.substr(0, 9), STRATA_ERROR_FORMAT,
                        "truncated: file ends inside the header length"));
  EXPECT_TRUE(loadFails(whole.substr(0, 7), STRATA_ERROR_FORMAT,
                        "truncated: file ends inside the format version"));
}

TEST_F(NpyLoadError, TrailingBytes) {
  EXPECT_TRUE(loadFails(npyBytes(f32Dict("(2,)"), std::string(12, '\0')), STRATA_ERROR_FORMAT,
                        "header says 8 bytes of data, file has 12 (trailing"));
}

TEST_F(NpyLoadError, UnsupportedVersion) {
  std::string bytes = npyBytes(f32Dict("(2,)"), std::string(8, '\0'));
  bytes[6] = 4;
  EXPECT_TRUE(loadFails(bytes, STRATA_ERROR_UNSUPPORTED, "unsupported .npy format version 4.0"));
  bytes[6] = 1;
  bytes[7] = 1;
  EXPECT_TRUE(loadFails(bytes, STRATA_ERROR_UNSUPPORTED, "unsupported .npy format version 1.1"));
}

TEST_F(NpyLoadError, UnsupportedDtypes) {
  auto withDescr = [](const std::string &descr) {
    return npyBytes("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }",
                    std::string(16, '\0'));
  };
  EXPECT_TRUE(
      loadFails(withDescr("<c8"), STRATA_ERROR_UNSUPPORTED, "unsupported dtype '<c8' (complex64)"));
  EXPECT_TRUE(loadFails(withDescr("<f16"), STRATA_ERROR_UNSUPPORTED,
                        "unsupported dtype '<f16' (float128)"));
  EXPECT_TRUE(loadFails(withDescr("<U4"), STRATA_ERROR_UNSUPPORTED,
                        "unsupported dtype '<U4' (unicode string)"));
  EXPECT_TRUE(loadFails(withDescr("|O"), STRATA_ERROR_UNSUPPORTED,
                        "unsupported dtype '|O' (Python objects)"));
  EXPECT_TRUE(
      loadFails(withDescr(">f4"), STRATA_ERROR_UNSUPPORTED, "unsupported dtype '>f4': big-endian"));
  EXPECT_TRUE(loadFails(withDescr("<q7"), STRATA_ERROR_UNSUPPORTED, "unsupported dtype '<q7'"));
  // Only ml_dtypes' '<V2' means bfloat16; other raw bytes stay refused.
  EXPECT_TRUE(loadFails(withDescr("|V2"), STRATA_ERROR_UNSUPPORTED,
                        "unsupported dtype '|V2' (void/structured)"));
  EXPECT_TRUE(loadFails(npyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, "
                                 "'shape': (1,), }",
                                 std::string(4, '\0')),
                        STRATA_ERROR_UNSUPPORTED, "unsupported dtype: structured"));
}

TEST_F(NpyLoadError, RankAboveEight) {
  EXPECT_TRUE(loadFails(npyBytes(f32Dict("(1, 1, 1, 1, 1, 1, 1, 1, 1)"), std::string(4, '\0')),
                        STRATA_ERROR_UNSUPPORTED, "rank 9 exceeds the supported maximum of 8"));
}

TEST_F(NpyLoadError, MalformedHeaders) {
  EXPECT_TRUE(loadFails(npyBytes("{'descr': '<f4', 'shape': (1,), }", ""), STRATA_ERROR_FORMAT,
                        "malformed header: key 'fortran_order' is missing"));
  EXPECT_TRUE(loadFails(npyBytes("{'descr': '<f4', 'fortran_order': False, "
                                 "'shape': (1,), 'extra': 1}",
                                 ""),
                        STRATA_ERROR_FORMAT, "malformed header: unexpected key 'extra'"));
  EXPECT_TRUE(loadFails(npyBytes("{'descr': '<f4', 'descr': '<f4'}", ""), STRATA_ERROR_FORMAT,
                        "malformed header: key 'descr' appears twice"));
  EXPECT_TRUE(loadFails(npyBytes(f32Dict("(2, -3)"), ""), STRATA_ERROR_FORMAT,
                        "malformed header: expected a non-negative integer"));
  EXPECT_TRUE(loadFails(npyBytes(f32Dict("(99999999999999999999,)"), ""), STRATA_ERROR_FORMAT,
                        "malformed header: dimension 0 does not fit in 64 bits"));
  EXPECT_TRUE(loadFails(npyBytes("{'descr': '<f4', 'fortran_order': maybe, "
                                 "'shape': (1,), }",
                                 ""),
                        STRATA_ERROR_FORMAT, "malformed header: expected True or False"));
  EXPECT_TRUE(
      loadFails(npyBytes("['descr']", ""), STRATA_ERROR_FORMAT, "malformed header: expected '{'"));
}

TEST_F(NpyLoadError, ShapeTooLarge) {
  EXPECT_TRUE(loadFails(npyBytes(f32Dict("(4294967296, 4294967296)"), ""),
                        STRATA_ERROR_INVALID_ARGUMENT, "shape is too large"));
}

//===----------------------------------------------------------------------===//
// Preamble encoding
//===----------------------------------------------------------------------===//

TEST(NpyPreamble, Version1WhenTheHeaderFits) {
  std::string dict = f32Dict("(2, 3)");
  std::string preamble = strata::runtime::encodeNpyPreamble(dict);
  EXPECT_EQ(preamble.size() % 64, 0u);
  EXPECT_EQ(preamble.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  size_t length = static_cast<unsigned char>(preamble[8]) | static_cast<unsigned char>(preamble[9])
                                                                << 8;
  EXPECT_EQ(length + 10, preamble.size());
  EXPECT_EQ(preamble.back(), '\n');
}

TEST(NpyPreamble, Version2WhenTheHeaderExceeds64KiB) {
  TempDir dir;
  std::string dict = f32Dict("(2,)") + std::string(70000, ' ');
  std::string preamble = strata::runtime::encodeNpyPreamble(dict);
  EXPECT_EQ(preamble.size() % 64, 0u);
  EXPECT_EQ(preamble.substr(0, 8), std::string("\x93NUMPY\x02\x00", 8));
  uint64_t length = 0;
  for (int i = 0; i < 4; ++i)
    length |= uint64_t(static_cast<unsigned char>(preamble[8 + i])) << (8 * i);
  EXPECT_EQ(length + 12, preamble.size());

  float values[] = {1.5f, -2.0f};
  std::string path = dir.path("v2.npy");
  ASSERT_TRUE(writeBytes(path, preamble + std::string(reinterpret_cast<char *>(values), 8)));
  strata::TensorPtr loaded = loadOk(path);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(static_cast<float *>(strata_tensor_data(loaded.get()))[1], -2.0f);
}

//===----------------------------------------------------------------------===//
// Writer errors: nothing partial or temporary is ever left behind
//===----------------------------------------------------------------------===//

class NpySaveError : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(dir.valid());
    int64_t dims[] = {256};
    strata_tensor *raw = nullptr;
    ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_F32, 1, dims, &raw));
    tensor.reset(raw);
  }

  TempDir dir;
  strata::TensorPtr tensor;
};

TEST_F(NpySaveError, MissingDirectory) {
  std::string path = dir.path("no/such/dir/x.npy");
  EXPECT_TRUE(isError(strata_npy_save(path.c_str(), tensor.get()), STRATA_ERROR_IO,
                      {path + ": cannot create temporary file", "No such file or directory"}));
  EXPECT_TRUE(dir.entries().empty());
}

TEST_F(NpySaveError, UnwritableDirectoryLeavesNothing) {
  ASSERT_EQ(::chmod(dir.str().c_str(), 0555), 0);
  std::string path = dir.path("x.npy");
  // Root ignores directory permissions, so drop to an unprivileged user in a
  // child process when running as root.
  int exitCode = runInChild([&] {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
      return 2;
    strata::StatusPtr status(strata_npy_save(path.c_str(), tensor.get()));
    if (strata_status_get_code(status.get()) != STRATA_ERROR_IO)
      return 3;
    std::string message = strata_status_message(status.get());
    if (message.find(path + ": cannot create temporary file") != 0 ||
        message.find("Permission denied") == std::string::npos)
      return 4;
    return 0;
  });
  EXPECT_EQ(exitCode, 0);
  EXPECT_TRUE(dir.entries().empty());
}

TEST_F(NpySaveError, FailedWriteRemovesTheTemporaryAndKeepsTheOldFile) {
  std::string path = dir.path("x.npy");
  ASSERT_TRUE(writeBytes(path, "previous"));
  // A file-size limit below the file's size makes write() fail with EFBIG
  // after the temporary file exists.
  int exitCode = runInChild([&] {
    std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit;
    if (::getrlimit(RLIMIT_FSIZE, &limit) != 0)
      return 2;
    limit.rlim_cur = 200;
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
      return 2;
    strata::StatusPtr status(strata_npy_save(path.c_str(), tensor.get()));
    std::string message = strata_status_message(status.get());
    if (strata_status_get_code(status.get()) != STRATA_ERROR_IO ||
        message.find(path + ": write to temporary file") != 0 ||
        message.find("File too large") == std::string::npos)
      return 3;
    return 0;
  });
  EXPECT_EQ(exitCode, 0);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"x.npy"});
  EXPECT_EQ(readBytes(path), "previous");
}

TEST_F(NpySaveError, ADirectoryIsRefusedAndNothingIsLeft) {
  std::string path = dir.path("taken");
  ASSERT_EQ(::mkdir(path.c_str(), 0755), 0);
  EXPECT_TRUE(isError(strata_npy_save(path.c_str(), tensor.get()), STRATA_ERROR_IO,
                      {path + ": is a directory; outputs are written to regular files"}));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"taken"});
}

TEST_F(NpySaveError, NullArguments) {
  EXPECT_TRUE(isError(strata_npy_save(nullptr, tensor.get()), STRATA_ERROR_INVALID_ARGUMENT,
                      {"path is NULL"}));
  EXPECT_TRUE(isError(strata_npy_save("x.npy", nullptr), STRATA_ERROR_INVALID_ARGUMENT,
                      {"tensor is NULL"}));
}

} // namespace

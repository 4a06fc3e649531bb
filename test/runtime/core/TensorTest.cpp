//===- TensorTest.cpp - strata_tensor and strata_status tests ---*- C++ -*-===//
//
// Creation, views, shape validation and queries of runtime tensors, and the
// status values their failures produce.
//
//===----------------------------------------------------------------------===//

#include "test/runtime/TestSupport.h"

#include <cstdint>
#include <limits>

using strata::test::isError;

namespace {

TEST(RuntimeVersion, MatchesHeader) {
  EXPECT_EQ(strata_runtime_abi_version(), static_cast<uint32_t>(STRATA_RUNTIME_ABI_VERSION));
}

TEST(Status, NullIsSuccess) {
  EXPECT_EQ(strata_status_get_code(nullptr), STRATA_OK);
  EXPECT_STREQ(strata_status_message(nullptr), "");
  strata_status_free(nullptr);
}

TEST(Dtype, SizesAndNames) {
  struct Expected {
    strata_dtype dtype;
    size_t size;
    const char *name;
  } expected[] = {
      {STRATA_DTYPE_F32, 4, "f32"}, {STRATA_DTYPE_F16, 2, "f16"}, {STRATA_DTYPE_BF16, 2, "bf16"},
      {STRATA_DTYPE_F64, 8, "f64"}, {STRATA_DTYPE_I1, 1, "i1"},   {STRATA_DTYPE_I8, 1, "i8"},
      {STRATA_DTYPE_I16, 2, "i16"}, {STRATA_DTYPE_I32, 4, "i32"}, {STRATA_DTYPE_I64, 8, "i64"},
      {STRATA_DTYPE_U8, 1, "u8"},   {STRATA_DTYPE_U16, 2, "u16"}, {STRATA_DTYPE_U32, 4, "u32"},
      {STRATA_DTYPE_U64, 8, "u64"},
  };
  for (const Expected &e : expected) {
    EXPECT_EQ(strata_dtype_size(e.dtype), e.size) << e.name;
    EXPECT_STREQ(strata_dtype_name(e.dtype), e.name);
  }
  EXPECT_EQ(strata_dtype_size(static_cast<strata_dtype>(13)), 0u);
  EXPECT_STREQ(strata_dtype_name(static_cast<strata_dtype>(-1)), "invalid");
}

TEST(Tensor, CreateIsZeroFilledAlignedAndShaped) {
  int64_t dims[] = {2, 3, 5};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_I16, 3, dims, &raw));
  strata::TensorPtr tensor(raw);
  EXPECT_EQ(strata_tensor_dtype(raw), STRATA_DTYPE_I16);
  ASSERT_EQ(strata_tensor_rank(raw), 3);
  EXPECT_EQ(strata_tensor_dims(raw)[0], 2);
  EXPECT_EQ(strata_tensor_dims(raw)[1], 3);
  EXPECT_EQ(strata_tensor_dims(raw)[2], 5);
  EXPECT_EQ(strata_tensor_num_elements(raw), 30);
  EXPECT_EQ(strata_tensor_byte_size(raw), 60u);
  auto *data = static_cast<unsigned char *>(strata_tensor_data(raw));
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u);
  for (size_t i = 0; i < 60; ++i)
    ASSERT_EQ(data[i], 0) << "byte " << i;
}

TEST(Tensor, ScalarHasOneElement) {
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_F64, 0, nullptr, &raw));
  strata::TensorPtr tensor(raw);
  EXPECT_EQ(strata_tensor_rank(raw), 0);
  EXPECT_EQ(strata_tensor_num_elements(raw), 1);
  EXPECT_EQ(strata_tensor_byte_size(raw), 8u);
  EXPECT_NE(strata_tensor_data(raw), nullptr);
}

TEST(Tensor, EmptyTensorHasNoData) {
  int64_t dims[] = {4, 0, 7};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_create(STRATA_DTYPE_F32, 3, dims, &raw));
  strata::TensorPtr tensor(raw);
  EXPECT_EQ(strata_tensor_num_elements(raw), 0);
  EXPECT_EQ(strata_tensor_byte_size(raw), 0u);
  EXPECT_EQ(strata_tensor_data(raw), nullptr);
}

TEST(Tensor, CreateRejectsBadShapes) {
  strata_tensor *raw = reinterpret_cast<strata_tensor *>(0x1);
  int64_t negative[] = {3, -1};
  EXPECT_TRUE(isError(strata_tensor_create(STRATA_DTYPE_F32, 2, negative, &raw),
                      STRATA_ERROR_INVALID_ARGUMENT, {"dimension 1 is negative (-1)"}));
  EXPECT_EQ(raw, nullptr);

  int64_t nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_TRUE(isError(strata_tensor_create(STRATA_DTYPE_F32, 9, nine, &raw),
                      STRATA_ERROR_UNSUPPORTED, {"rank 9", "0..8"}));
  EXPECT_TRUE(isError(strata_tensor_create(STRATA_DTYPE_F32, -1, nine, &raw),
                      STRATA_ERROR_UNSUPPORTED, {"rank -1"}));
  EXPECT_TRUE(isError(strata_tensor_create(STRATA_DTYPE_F32, 2, nullptr, &raw),
                      STRATA_ERROR_INVALID_ARGUMENT, {"dims is NULL"}));
  EXPECT_TRUE(isError(strata_tensor_create(static_cast<strata_dtype>(42), 1, nine, &raw),
                      STRATA_ERROR_INVALID_ARGUMENT, {"invalid dtype 42"}));
  EXPECT_TRUE(isError(strata_tensor_create(STRATA_DTYPE_F32, 1, nine, nullptr),
                      STRATA_ERROR_INVALID_ARGUMENT, {"out is NULL"}));

  int64_t huge[] = {int64_t(1) << 31, int64_t(1) << 31};
  EXPECT_TRUE(isError(strata_tensor_create(STRATA_DTYPE_F64, 2, huge, &raw),
                      STRATA_ERROR_INVALID_ARGUMENT, {"overflows"}));
  EXPECT_EQ(raw, nullptr);
}

TEST(Tensor, WrapViewsCallerMemory) {
  float storage[6] = {1, 2, 3, 4, 5, 6};
  int64_t dims[] = {3, 2};
  strata_tensor *raw = nullptr;
  ASSERT_STRATA_OK(strata_tensor_wrap(STRATA_DTYPE_F32, 2, dims, storage, sizeof(storage), &raw));
  {
    strata::TensorPtr tensor(raw);
    EXPECT_EQ(strata_tensor_data(raw), storage);
    EXPECT_EQ(strata_tensor_num_elements(raw), 6);
  }
  // Destroying the view must leave the caller's memory alone.
  EXPECT_EQ(storage[5], 6.0f);
}

TEST(Tensor, WrapChecksSizeAndData) {
  float storage[6] = {};
  int64_t dims[] = {3, 2};
  strata_tensor *raw = nullptr;
  EXPECT_TRUE(isError(strata_tensor_wrap(STRATA_DTYPE_F32, 2, dims, storage, 20, &raw),
                      STRATA_ERROR_INVALID_ARGUMENT, {"20 bytes given", "needs 24"}));
  EXPECT_EQ(raw, nullptr);
  EXPECT_TRUE(isError(strata_tensor_wrap(STRATA_DTYPE_F32, 2, dims, nullptr, 24, &raw),
                      STRATA_ERROR_INVALID_ARGUMENT, {"data is NULL"}));
}

} // namespace

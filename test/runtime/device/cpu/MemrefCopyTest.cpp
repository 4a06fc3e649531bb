//===- MemrefCopyTest.cpp - The copy routine compiled code calls ----------===//
//
// memrefCopy against an element-by-element copy over the same descriptors: a
// KV cache's past rows into a longer cache (contiguous rows, strided heads), a
// transposing copy (nothing contiguous), unit dimensions, a scalar, and an
// empty copy that writes nothing; and copies large enough to be shared among
// a team of 2 and 3 threads (a decode step's cache, a large transpose, one
// contiguous block cut into byte ranges).
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/Team.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

/// An unranked memref descriptor, as compiled code passes it.
struct Unranked {
  int64_t rank;
  void *descriptor;
};

extern "C" void memrefCopy(int64_t elementSize, Unranked *source, Unranked *target);

namespace {

/// A ranked descriptor's words: allocated and aligned pointers, offset, sizes,
/// strides.
std::vector<int64_t> describe(float *data, int64_t offset, const std::vector<int64_t> &sizes,
                              const std::vector<int64_t> &strides) {
  std::vector<int64_t> words = {reinterpret_cast<int64_t>(data), reinterpret_cast<int64_t>(data),
                                offset};
  words.insert(words.end(), sizes.begin(), sizes.end());
  words.insert(words.end(), strides.begin(), strides.end());
  return words;
}

/// Copies `sizes` elements from (source, srcOffset, srcStrides) to
/// (target, dstOffset, dstStrides) through memrefCopy and checks every target
/// element: copied ones equal their source, the others keep their -1.
void check(const std::vector<int64_t> &sizes, int64_t srcOffset,
           const std::vector<int64_t> &srcStrides, int64_t srcLength, int64_t dstOffset,
           const std::vector<int64_t> &dstStrides, int64_t dstLength) {
  std::vector<float> source(srcLength), target(dstLength, -1.0f), expected(dstLength, -1.0f);
  std::iota(source.begin(), source.end(), 0.0f);
  auto rank = static_cast<int64_t>(sizes.size());
  int64_t count = 1;
  for (int64_t s : sizes)
    count *= s;
  std::vector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t s = srcOffset, t = dstOffset;
    for (int64_t i = 0; i < rank; ++i) {
      s += index[i] * srcStrides[i];
      t += index[i] * dstStrides[i];
    }
    expected[t] = source[s];
    for (int64_t i = rank - 1; i >= 0 && ++index[i] == sizes[i]; --i)
      index[i] = 0;
  }
  std::vector<int64_t> from = describe(source.data(), srcOffset, sizes, srcStrides);
  std::vector<int64_t> to = describe(target.data(), dstOffset, sizes, dstStrides);
  Unranked src{rank, from.data()}, dst{rank, to.data()};
  memrefCopy(sizeof(float), &src, &dst);
  EXPECT_EQ(target, expected);
}

TEST(MemrefCopy, PastRowsIntoALongerCache) {
  // [1, 3, 5, 4] into the first 5 of 6 rows of each head of [1, 3, 6, 4].
  check({1, 3, 5, 4}, 0, {60, 20, 4, 1}, 60, 0, {72, 24, 4, 1}, 72);
}

TEST(MemrefCopy, NewRowAfterThePast) {
  // One row [1, 3, 1, 4] into row 5 of each head of [1, 3, 6, 4].
  check({1, 3, 1, 4}, 0, {12, 4, 4, 1}, 12, 20, {72, 24, 4, 1}, 72);
}

TEST(MemrefCopy, Transposing) {
  // [3, 4] into a [4, 3] buffer's transpose: nothing contiguous.
  check({3, 4}, 0, {4, 1}, 12, 0, {1, 3}, 12);
}

TEST(MemrefCopy, OffsetsAndUnitDimensions) { check({2, 1, 3}, 5, {3, 7, 1}, 11, 2, {4, 9, 1}, 10); }

TEST(MemrefCopy, Scalar) { check({}, 3, {}, 4, 1, {}, 2); }

TEST(MemrefCopy, EmptyCopiesNothing) { check({2, 0, 3}, 0, {3, 3, 1}, 6, 0, {3, 3, 1}, 6); }

TEST(MemrefCopy, LargeCopiesAreSharedAmongTheTeam) {
  for (int threads : {2, 3}) {
    strata::cpu::setTeamSize(threads);
    // GPT-2's cache of 127 rows per head into the 128 of the next step.
    check({1, 12, 127, 64}, 0, {97536, 8128, 64, 1}, 97536, 0, {98304, 8192, 64, 1}, 98304);
    // A transpose of 300 x 257: nothing contiguous, 77,100 blocks.
    check({300, 257}, 0, {257, 1}, 77100, 0, {1, 300}, 77100);
    // One contiguous block of 100,003 elements (not a whole number of cache
    // lines), at offsets: cut into byte ranges.
    check({100003}, 3, {1}, 100006, 5, {1}, 100008);
  }
  strata::cpu::setTeamSize(1);
}

} // namespace

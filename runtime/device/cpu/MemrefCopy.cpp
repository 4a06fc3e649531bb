//===- MemrefCopy.cpp - The copy routine compiled code calls --------------===//
//
// `memref.copy` between non-contiguous memrefs lowers to a call of
// `memrefCopy(elementSize, source, target)` with unranked descriptors
// `{rank, pointer to ranked descriptor}`. The runtime provides it so emitted
// programs need no MLIR runtime library.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

struct UnrankedDescriptor {
  int64_t rank;
  void *descriptor;
};

/// Views the ranked descriptor `{allocated, aligned, offset, sizes[], strides[]}`.
struct RankedView {
  char *aligned;
  int64_t offset;
  const int64_t *sizes, *strides;
};

RankedView view(const UnrankedDescriptor *d) {
  auto *words = static_cast<int64_t *>(d->descriptor);
  return {reinterpret_cast<char *>(words[1]), words[2], words + 3, words + 3 + d->rank};
}

} // namespace

extern "C" void memrefCopy(int64_t elementSize, UnrankedDescriptor *source,
                           UnrankedDescriptor *target) {
  int64_t rank = source->rank;
  RankedView src = view(source), dst = view(target);
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i)
    count *= src.sizes[i];
  if (count == 0)
    return;
  std::vector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t s = src.offset, t = dst.offset;
    for (int64_t i = 0; i < rank; ++i) {
      s += index[i] * src.strides[i];
      t += index[i] * dst.strides[i];
    }
    std::memcpy(dst.aligned + t * elementSize, src.aligned + s * elementSize, elementSize);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++index[i] < src.sizes[i])
        break;
      index[i] = 0;
    }
  }
}

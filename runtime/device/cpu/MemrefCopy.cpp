//===- MemrefCopy.cpp - The copy routine compiled code calls --------------===//
//
// `memref.copy` between non-contiguous memrefs lowers to a call of
// `memrefCopy(elementSize, source, target)` with unranked descriptors
// `{rank, pointer to ranked descriptor}`. The runtime provides it so emitted
// programs need no MLIR runtime library. The innermost dimensions that are
// contiguous on both sides are copied as one block per outer index.
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
  for (int64_t i = 0; i < rank; ++i)
    if (src.sizes[i] == 0)
      return;
  // The innermost dimensions both sides hold contiguously are one block of
  // `block` bytes, copied at once (a KV cache's rows of one head: the whole
  // head); the outer dimensions are walked.
  int64_t inner = rank, elements = 1;
  while (inner > 0 && (src.sizes[inner - 1] == 1 || (src.strides[inner - 1] == elements &&
                                                     dst.strides[inner - 1] == elements))) {
    elements *= src.sizes[inner - 1];
    --inner;
  }
  int64_t block = elements * elementSize;
  std::vector<int64_t> index(inner, 0);
  char *from = src.aligned + src.offset * elementSize, *to = dst.aligned + dst.offset * elementSize;
  while (true) {
    std::memcpy(to, from, block);
    int64_t i = inner - 1;
    for (; i >= 0; --i) {
      from += src.strides[i] * elementSize;
      to += dst.strides[i] * elementSize;
      if (++index[i] < src.sizes[i])
        break;
      from -= src.strides[i] * src.sizes[i] * elementSize;
      to -= dst.strides[i] * src.sizes[i] * elementSize;
      index[i] = 0;
    }
    if (i < 0)
      return;
  }
}

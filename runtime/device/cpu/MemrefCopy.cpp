//===- MemrefCopy.cpp - The copy routine compiled code calls --------------===//
//
// `memref.copy` between non-contiguous memrefs lowers to a call of
// `memrefCopy(elementSize, source, target)` with unranked descriptors
// `{rank, pointer to ranked descriptor}`. The runtime provides it so emitted
// programs need no MLIR runtime library. The innermost dimensions that are
// contiguous on both sides are copied as one block per outer index; a copy
// of at least two of the team's shares (Team.h) is split among its threads:
// by blocks, or by cache lines when there is one block (SharedCopy.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/SharedCopy.h"
#include "runtime/device/cpu/Team.h"

#include <algorithm>
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

/// One copy: `outer` blocks of `block` bytes, block n at the strides of the
/// outer dimensions' index n (row-major over `sizes`).
struct Copy {
  const char *from;
  char *to;
  int64_t inner, outer, block, elementSize;
  const int64_t *sizes, *fromStrides, *toStrides;

  /// Copies blocks [first, last).
  void copyBlocks(int64_t first, int64_t last) const {
    std::vector<int64_t> index(inner);
    const char *src = from;
    char *dst = to;
    for (int64_t i = inner - 1, rest = first; i >= 0; --i) {
      index[i] = rest % sizes[i];
      rest /= sizes[i];
      src += index[i] * fromStrides[i] * elementSize;
      dst += index[i] * toStrides[i] * elementSize;
    }
    for (int64_t n = first; n < last; ++n) {
      std::memcpy(dst, src, block);
      for (int64_t i = inner - 1; i >= 0; --i) {
        src += fromStrides[i] * elementSize;
        dst += toStrides[i] * elementSize;
        if (++index[i] < sizes[i])
          break;
        src -= fromStrides[i] * sizes[i] * elementSize;
        dst -= toStrides[i] * sizes[i] * elementSize;
        index[i] = 0;
      }
    }
  }
};

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
  int64_t outer = 1;
  for (int64_t i = 0; i < inner; ++i)
    outer *= src.sizes[i];
  Copy copy{src.aligned + src.offset * elementSize,
            dst.aligned + dst.offset * elementSize,
            inner,
            outer,
            elements * elementSize,
            elementSize,
            src.sizes,
            src.strides,
            dst.strides};
  // A large copy (a KV cache's concatenation, every decode step) is shared
  // among the team like a kernel's loop.
  if (outer == 1)
    return strata::cpu::copyShared(copy.to, copy.from, copy.block);
  strata::cpu::shareOut(
      outer * elements / strata::cpu::kLeastSharedElements,
      [](void *c, int64_t part, int64_t parts) {
        const Copy &copy = *static_cast<Copy *>(c);
        copy.copyBlocks(copy.outer * part / parts, copy.outer * (part + 1) / parts);
      },
      &copy);
}

//===- SharedCopy.cpp - One contiguous copy shared among the team ---------===//

#include "runtime/device/cpu/SharedCopy.h"
#include "runtime/device/cpu/Team.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace strata::cpu {

void copyShared(void *to, const void *from, size_t bytes) {
  struct Block {
    char *to;
    const char *from;
    int64_t bytes;
  } block{static_cast<char *>(to), static_cast<const char *>(from), static_cast<int64_t>(bytes)};
  shareOut(
      block.bytes / static_cast<int64_t>(sizeof(float)) / kLeastSharedElements,
      [](void *context, int64_t part, int64_t parts) {
        const Block &b = *static_cast<const Block *>(context);
        int64_t lines = (b.bytes + 63) / 64;
        int64_t begin = std::min(b.bytes, lines * part / parts * 64),
                end = std::min(b.bytes, lines * (part + 1) / parts * 64);
        std::memcpy(b.to + begin, b.from + begin, end - begin);
      },
      &block);
}

} // namespace strata::cpu

//===- ByteSize.cpp - Sizes given on the command line ---------------------===//

#include "runtime/core/ByteSize.h"

#include <cstring>

bool strata::runtime::parseByteSize(const char *text, uint64_t &bytes) {
  uint64_t count = 0;
  const char *p = text;
  if (*p < '0' || *p > '9')
    return false;
  for (; *p >= '0' && *p <= '9'; ++p) {
    if (count > (UINT64_MAX - 9) / 10)
      return false;
    count = count * 10 + static_cast<uint64_t>(*p - '0');
  }
  static const struct {
    const char *suffix;
    unsigned shift;
  } suffixes[] = {{"", 0},   {"K", 10},   {"KiB", 10}, {"M", 20},  {"MiB", 20},
                  {"G", 30}, {"GiB", 30}, {"T", 40},   {"TiB", 40}};
  for (const auto &s : suffixes)
    if (std::strcmp(p, s.suffix) == 0) {
      if (count == 0 || count > (UINT64_MAX >> s.shift))
        return false;
      bytes = count << s.shift;
      return true;
    }
  return false;
}

//===- ByteSize.h - Sizes given on the command line -------------*- C++ -*-===//
//
// "512MiB" and the like, as stratac reads them: digits, then nothing or K/KiB,
// M/MiB, G/GiB or T/TiB (powers of 1024).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_BYTESIZE_H
#define STRATA_RUNTIME_CORE_BYTESIZE_H

#include <cstdint>

namespace strata::runtime {

/// Sets `bytes` from `text`; false when it is not a positive size that fits
/// in 64 bits.
bool parseByteSize(const char *text, uint64_t &bytes);

} // namespace strata::runtime

#endif // STRATA_RUNTIME_CORE_BYTESIZE_H

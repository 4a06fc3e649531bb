//===- Npy.h - NumPy .npy format pieces -------------------------*- C++ -*-===//
//
// The parts of the .npy reader and writer that are worth testing on their
// own: the header dictionary parser and the preamble encoder, whose version
// choice depends on header length.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_NPY_H
#define STRATA_RUNTIME_CORE_NPY_H

#include "strata/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace strata::runtime {

/// The contents of a .npy header dictionary.
struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

/// Parses the Python dict literal of a .npy header ("{'descr': '<f4',
/// 'fortran_order': False, 'shape': (2, 3), }"). Errors start with `path`.
strata_status parseNpyHeader(const char *path, const std::string &text, NpyHeader &header);

/// Returns the bytes that precede the data of a .npy file whose header dict is
/// `dict`: magic, version, header length, dict, space padding and a newline,
/// 64-byte aligned as NumPy writes them. Uses version 1.0 unless the header is
/// longer than its 16-bit length field allows, then 2.0.
std::string encodeNpyPreamble(const std::string &dict);

} // namespace strata::runtime

#endif // STRATA_RUNTIME_CORE_NPY_H

//===- Npy.h - NumPy .npy format pieces -------------------------*- C++ -*-===//
//
// The parts of the .npy reader and writer that are worth testing on their
// own (the header dictionary parser and the preamble encoder, whose version
// choice depends on header length) and the ones the .npz reader and writer
// share: reading a .npy image from a byte range of an open file, and encoding
// the preamble of a tensor.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_NPY_H
#define STRATA_RUNTIME_CORE_NPY_H

#include "runtime/core/File.h"
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

/// Where a .npy image lies: `size` bytes from byte `offset` of `file`, the
/// whole of a .npy file or one member of a .npz archive. Messages about the
/// image start with `name` (the path of a .npy file, "archive.npz: arr_1.npy"
/// for a member) and call the range `unit` ("file", "member").
struct NpyImageRange {
  InputFile *file;
  uint64_t offset;
  uint64_t size;
  const char *name;
  const char *unit;
};

/// Reads the .npy image in `range` into a new tensor `out` owned by the
/// caller: the format version, header, dtype, order and shape checks of
/// strata_npy_load, which reads a whole file this way, as the .npz reader
/// reads each member. The image must end exactly where the array data does.
strata_status readNpyImage(const NpyImageRange &range, strata_tensor *&out);

/// Sets `preamble` to the bytes NumPy writes before the data of `tensor`: the
/// header dict of its dtype and shape, wrapped by encodeNpyPreamble. Fails,
/// naming `path`, if `tensor` has an invalid dtype.
strata_status encodeTensorNpyPreamble(const char *path, const strata_tensor *tensor,
                                      std::string &preamble);

} // namespace strata::runtime

#endif // STRATA_RUNTIME_CORE_NPY_H

//===- Npy.cpp - NumPy .npy reader and writer -------------------*- C++ -*-===//
//
// Reads and writes the NumPy .npy format (numpy/lib/format.py), the way
// emitted executables exchange inputs and outputs with Python. Reading
// accepts format versions 1.0-3.0 and the little-endian numeric dtypes the
// runtime has; anything else is refused with a message naming the file and
// the problem, never guessed at. NumPy has no bfloat16; bf16 tensors use the
// descr '<V2' that NumPy writes for an ml_dtypes.bfloat16 array, so files
// interoperate with it. Writing produces the bytes NumPy itself would write
// for the same array, through an atomic rename. The reader works on a byte
// range of an open file and the preamble encoder on a tensor, so the .npz
// reader and writer (Npz.cpp) handle each member with this same code.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Npy.h"
#include "runtime/core/File.h"
#include "runtime/core/Status.h"
#include "runtime/core/Tensor.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <limits>

using namespace strata::runtime;

namespace {

/// The magic string that opens every .npy file.
constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
/// Preamble bytes before the header dict: magic, two version bytes, length.
constexpr size_t kPreambleV1 = kMagicSize + 2 + 2;
constexpr size_t kPreambleV2 = kMagicSize + 2 + 4;
/// NumPy aligns the start of the data to this many bytes.
constexpr size_t kArrayAlign = 64;
/// NumPy reserves room for the growth axis to reach this many digits.
constexpr size_t kGrowthAxisMaxDigits = 21;

struct DtypeMapping {
  const char *descr;
  strata_dtype dtype = STRATA_DTYPE_F32;
};

constexpr DtypeMapping kDtypes[] = {
    {"<f2", STRATA_DTYPE_F16},  {"<f4", STRATA_DTYPE_F32}, {"<f8", STRATA_DTYPE_F64},
    {"|b1", STRATA_DTYPE_I1},   {"|i1", STRATA_DTYPE_I8},  {"<i2", STRATA_DTYPE_I16},
    {"<i4", STRATA_DTYPE_I32},  {"<i8", STRATA_DTYPE_I64}, {"|u1", STRATA_DTYPE_U8},
    {"<u2", STRATA_DTYPE_U16},  {"<u4", STRATA_DTYPE_U32}, {"<u8", STRATA_DTYPE_U64},
    {"<V2", STRATA_DTYPE_BF16},
};

/// Names NumPy dtypes the runtime refuses, so the error says what the file
/// holds rather than only its type string.
const char *describeUnsupportedDescr(const std::string &descr) {
  if (descr.size() < 2)
    return nullptr;
  std::string code = descr.substr(1);
  static const struct {
    const char *code;
    const char *name;
  } known[] = {
      {"c8", "complex64"}, {"c16", "complex128"}, {"c32", "complex256"},
      {"f12", "float96"},  {"f16", "float128"},   {"O", "Python objects"},
  };
  for (const auto &entry : known)
    if (code == entry.code)
      return entry.name;
  switch (code[0]) {
  case 'U':
    return "unicode string";
  case 'S':
  case 'a':
    return "byte string";
  case 'V':
    return "void/structured";
  case 'M':
    return "datetime64";
  case 'm':
    return "timedelta64";
  default:
    return nullptr;
  }
}

strata_status checkDescr(const char *path, const std::string &descr, strata_dtype &dtype) {
  for (const DtypeMapping &mapping : kDtypes)
    if (descr == mapping.descr) {
      dtype = mapping.dtype;
      return nullptr;
    }
  if (!descr.empty() && descr[0] == '>')
    return makeError(STRATA_ERROR_UNSUPPORTED,
                     "%s: unsupported dtype '%s': big-endian data; re-save "
                     "with arr.astype(arr.dtype.newbyteorder('<'))",
                     path, descr.c_str());
  if (const char *name = describeUnsupportedDescr(descr))
    return makeError(STRATA_ERROR_UNSUPPORTED, "%s: unsupported dtype '%s' (%s)", path,
                     descr.c_str(), name);
  return makeError(STRATA_ERROR_UNSUPPORTED, "%s: unsupported dtype '%s'", path, descr.c_str());
}

/// Recursive-descent parser for the restricted Python literal NumPy writes:
/// a dict with string keys whose values are a string, a bool or a tuple of
/// non-negative integers.
class HeaderParser {
public:
  HeaderParser(const char *path, const std::string &text) : path(path), text(text) {}

  strata_status parse(NpyHeader &header) {
    bool seenDescr = false, seenOrder = false, seenShape = false;
    skipSpace();
    if (!consume('{'))
      return expected("'{' opening the header dict");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (strata_status status = parseString(key))
        return status;
      skipSpace();
      if (!consume(':'))
        return expected("':' after key");
      skipSpace();
      if (key == "descr") {
        if (seenDescr)
          return duplicate(key);
        seenDescr = true;
        if (peek() == '[')
          return makeError(STRATA_ERROR_UNSUPPORTED,
                           "%s: unsupported dtype: structured (record) arrays "
                           "are not supported",
                           path);
        if (strata_status status = parseString(header.descr))
          return status;
      } else if (key == "fortran_order") {
        if (seenOrder)
          return duplicate(key);
        seenOrder = true;
        if (strata_status status = parseBool(header.fortranOrder))
          return status;
      } else if (key == "shape") {
        if (seenShape)
          return duplicate(key);
        seenShape = true;
        if (strata_status status = parseShape(header.shape))
          return status;
      } else {
        return makeError(STRATA_ERROR_FORMAT, "%s: malformed header: unexpected key '%s'", path,
                         key.c_str());
      }
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return expected("',' or '}' after a value");
    }
    skipSpace();
    if (pos != text.size())
      return expected("end of header after '}'");
    const char *missing = !seenDescr   ? "descr"
                          : !seenOrder ? "fortran_order"
                          : !seenShape ? "shape"
                                       : nullptr;
    if (missing)
      return makeError(STRATA_ERROR_FORMAT, "%s: malformed header: key '%s' is missing", path,
                       missing);
    return nullptr;
  }

private:
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }

  bool consume(char c) {
    if (peek() != c || pos >= text.size())
      return false;
    ++pos;
    return true;
  }

  bool consumeWord(const char *word) {
    size_t length = std::strlen(word);
    if (text.compare(pos, length, word) != 0)
      return false;
    pos += length;
    return true;
  }

  void skipSpace() {
    while (pos < text.size() &&
           (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  strata_status expected(const char *what) const {
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: malformed header: expected %s at offset %zu of "
                     "\"%s\"",
                     path, what, pos, text.c_str());
  }

  strata_status duplicate(const std::string &key) const {
    return makeError(STRATA_ERROR_FORMAT, "%s: malformed header: key '%s' appears twice", path,
                     key.c_str());
  }

  strata_status parseString(std::string &out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return expected("a quoted string");
    size_t end = text.find(quote, pos + 1);
    if (end == std::string::npos)
      return expected("a closing quote");
    out = text.substr(pos + 1, end - pos - 1);
    if (out.find('\\') != std::string::npos)
      return expected("a string without escapes");
    pos = end + 1;
    return nullptr;
  }

  strata_status parseBool(bool &out) {
    if (consumeWord("True"))
      out = true;
    else if (consumeWord("False"))
      out = false;
    else
      return expected("True or False");
    return nullptr;
  }

  strata_status parseShape(std::vector<int64_t> &shape) {
    if (!consume('('))
      return expected("'(' opening the shape tuple");
    while (true) {
      skipSpace();
      if (consume(')'))
        return nullptr;
      if (peek() < '0' || peek() > '9')
        return expected("a non-negative integer dimension");
      uint64_t value = 0;
      while (peek() >= '0' && peek() <= '9') {
        uint64_t digit = static_cast<uint64_t>(peek() - '0');
        if (value > (std::numeric_limits<int64_t>::max() - digit) / 10)
          return makeError(STRATA_ERROR_FORMAT,
                           "%s: malformed header: dimension %zu does not fit "
                           "in 64 bits",
                           path, shape.size());
        value = value * 10 + digit;
        ++pos;
      }
      shape.push_back(static_cast<int64_t>(value));
      skipSpace();
      if (consume(','))
        continue;
      if (consume(')'))
        return nullptr;
      return expected("',' or ')' in the shape tuple");
    }
  }

  const char *path;
  const std::string &text;
  size_t pos = 0;
};

std::string pythonTupleRepr(const int64_t *dims, int32_t rank) {
  std::string repr = "(";
  for (int32_t i = 0; i < rank; ++i) {
    if (i > 0)
      repr += ", ";
    repr += std::to_string(dims[i]);
  }
  if (rank == 1)
    repr += ",";
  repr += ")";
  return repr;
}

/// Reads an NpyImageRange front to back. Reading past the end of the range is
/// a truncation error naming the range, whatever follows it in the file.
class RangeReader {
public:
  explicit RangeReader(const NpyImageRange &range) : range(range) {}

  /// Bytes of the range not read yet.
  uint64_t remaining() const { return range.size - pos; }

  strata_status read(void *buffer, size_t bytes, const char *what) {
    if (bytes > remaining())
      return makeError(STRATA_ERROR_FORMAT,
                       "%s: truncated: %s ends inside the %s (%" PRIu64 " of %zu bytes present)",
                       range.name, range.unit, what, remaining(), bytes);
    if (strata_status status = range.file->readAt(range.offset + pos, buffer, bytes, what))
      return status;
    pos += bytes;
    return nullptr;
  }

private:
  const NpyImageRange &range;
  uint64_t pos = 0;
};

} // namespace

strata_status strata::runtime::parseNpyHeader(const char *path, const std::string &text,
                                              NpyHeader &header) {
  return HeaderParser(path, text).parse(header);
}

std::string strata::runtime::encodeNpyPreamble(const std::string &dict) {
  // Mirrors numpy.lib.format._wrap_header: the dict, 1 to 64 spaces of
  // padding so the data starts 64-byte aligned, and a newline.
  size_t headerLength = dict.size() + 1;
  auto padFor = [&](size_t preamble) {
    return kArrayAlign - (preamble + headerLength) % kArrayAlign;
  };
  bool version1 = headerLength + padFor(kPreambleV1) <= std::numeric_limits<uint16_t>::max();
  size_t preamble = version1 ? kPreambleV1 : kPreambleV2;
  size_t padding = padFor(preamble);
  std::string out(kMagic, kMagicSize);
  out += static_cast<char>(version1 ? 1 : 2);
  out += '\0';
  appendLittleEndian(out, headerLength + padding, version1 ? 2 : 4);
  out += dict;
  out.append(padding, ' ');
  out += '\n';
  return out;
}

strata_status strata::runtime::readNpyImage(const NpyImageRange &range, strata_tensor *&out) {
  out = nullptr;
  const char *name = range.name;
  const char *unit = range.unit;
  RangeReader reader(range);
  unsigned char prefix[kPreambleV2];
  size_t prefixSize = static_cast<size_t>(std::min<uint64_t>(range.size, kMagicSize + 2));
  if (strata_status status = reader.read(prefix, prefixSize, "magic"))
    return status;
  if (prefixSize < kMagicSize || std::memcmp(prefix, kMagic, kMagicSize) != 0)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: bad magic: not a .npy file (it does not start with "
                     "\"\\x93NUMPY\")%s",
                     name,
                     prefixSize >= 4 && std::memcmp(prefix, "PK\x03\x04", 4) == 0
                         ? "; it is a zip file, perhaps a .npz archive"
                         : "");
  if (prefixSize < kMagicSize + 2)
    return makeError(STRATA_ERROR_FORMAT, "%s: truncated: %s ends inside the format version", name,
                     unit);
  unsigned major = prefix[kMagicSize], minor = prefix[kMagicSize + 1];
  if (minor != 0 || major < 1 || major > 3)
    return makeError(STRATA_ERROR_UNSUPPORTED,
                     "%s: unsupported .npy format version %u.%u (supported: "
                     "1.0, 2.0, 3.0)",
                     name, major, minor);
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (strata_status status = reader.read(prefix + kMagicSize + 2, lengthBytes, "header length"))
    return status;
  uint64_t headerLength = readLittleEndian(prefix + kMagicSize + 2, lengthBytes);
  if (headerLength > reader.remaining())
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: truncated: header says it is %" PRIu64 " bytes, %s has %" PRIu64
                     " after the preamble",
                     name, headerLength, unit, reader.remaining());

  std::string text(static_cast<size_t>(headerLength), '\0');
  if (strata_status status = reader.read(text.data(), text.size(), "header"))
    return status;
  NpyHeader header;
  if (strata_status status = parseNpyHeader(name, text, header))
    return status;

  strata_dtype dtype = STRATA_DTYPE_F32;
  if (strata_status status = checkDescr(name, header.descr, dtype))
    return status;
  if (header.fortranOrder)
    return makeError(STRATA_ERROR_UNSUPPORTED,
                     "%s: fortran_order is True; only C-order arrays are "
                     "supported (re-save with np.ascontiguousarray)",
                     name);
  if (header.shape.size() > STRATA_MAX_RANK)
    return makeError(STRATA_ERROR_UNSUPPORTED, "%s: rank %zu exceeds the supported maximum of %d",
                     name, header.shape.size(), STRATA_MAX_RANK);
  int32_t rank = static_cast<int32_t>(header.shape.size());
  int64_t numElements = 0;
  size_t byteSize = 0;
  if (strata_status status =
          computeTensorSize(name, dtype, rank, header.shape.data(), numElements, byteSize))
    return status;
  uint64_t available = reader.remaining();
  if (available < byteSize)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: truncated: header says %zu bytes of data, %s has "
                     "%" PRIu64,
                     name, byteSize, unit, available);
  if (available > byteSize)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: header says %zu bytes of data, %s has %" PRIu64
                     " (trailing bytes after the array)",
                     name, byteSize, unit, available);

  strata_tensor *raw = nullptr;
  if (strata_status status = strata_tensor_create(dtype, rank, header.shape.data(), &raw)) {
    strata_status_free(status);
    return makeError(STRATA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate %zu bytes for the array",
                     name, byteSize);
  }
  strata::TensorPtr tensor(raw);
  if (strata_status status = reader.read(tensor->data, byteSize, "data"))
    return status;
  out = tensor.release();
  return nullptr;
}

strata_status strata::runtime::encodeTensorNpyPreamble(const char *path,
                                                       const strata_tensor *tensor,
                                                       std::string &preamble) {
  const char *descr = nullptr;
  for (const DtypeMapping &mapping : kDtypes)
    if (mapping.dtype == tensor->dtype)
      descr = mapping.descr;
  if (!descr)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "%s: cannot save a tensor of invalid dtype %d",
                     path, static_cast<int>(tensor->dtype));

  std::string dict = "{'descr': '";
  dict += descr;
  dict += "', 'fortran_order': False, 'shape': ";
  dict += pythonTupleRepr(tensor->dims, tensor->rank);
  dict += ", }";
  // NumPy leaves room for the first axis to grow in place to 21 digits.
  if (tensor->rank > 0)
    dict.append(kGrowthAxisMaxDigits - std::to_string(tensor->dims[0]).size(), ' ');
  preamble = encodeNpyPreamble(dict);
  return nullptr;
}

extern "C" {

strata_status strata_npy_load(const char *path, strata_tensor **out) noexcept {
  if (!path || !out)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_npy_load: %s is NULL",
                     path ? "out" : "path");
  *out = nullptr;
  InputFile file;
  if (strata_status status = InputFile::open(path, file))
    return status;
  return readNpyImage({&file, 0, file.size(), path, "file"}, *out);
}

strata_status strata_npy_save(const char *path, const strata_tensor *tensor) noexcept {
  if (!path || !tensor)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_npy_save: %s is NULL",
                     path ? "tensor" : "path");
  std::string preamble;
  if (strata_status status = encodeTensorNpyPreamble(path, tensor, preamble))
    return status;
  ByteRange ranges[] = {{preamble.data(), preamble.size()}, {tensor->data, tensor->byteSize}};
  return writeFileAtomically(path, ranges, tensor->byteSize ? 2 : 1);
}

} // extern "C"

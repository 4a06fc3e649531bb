//===- Npz.cpp - NumPy .npz archive reader and writer ---------------------===//
//
// Reads and writes the .npz archives numpy.savez(path, *arrays) produces: an
// uncompressed zip whose members arr_0.npy, arr_1.npy, ... are .npy images of
// a sequence of arrays. The zip container is parsed here (end record, zip64
// end record and locator, central directory, local headers, CRC-32); each
// member's .npy image is read and written by the code in Npy.cpp that
// strata_npy_load and strata_npy_save use, so both formats accept and refuse
// the same arrays. Anything else a zip can hold (compression, encryption,
// split archives, keyword-named members) is refused with a message naming the
// file and the problem. The writer emits a plain zip (no zip64), stored, with
// the header fields Python's zipfile gives numpy's members, through the same
// atomic rename as .npy files.
//
// Zip layout (PKWARE APPNOTE.TXT): every member is a local header, its name
// and extra field, and its data; the central directory repeats each member's
// header with its offset; the end-of-central-directory record, the last 22
// bytes before an optional comment, locates the central directory. Archives
// with more than 65534 members or 4 GiB of data add a zip64 end record and a
// locator before the end record, and 64-bit sizes and offsets in extra field
// 0x0001 wherever a 32-bit field holds 0xFFFFFFFF.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/File.h"
#include "runtime/core/Npy.h"
#include "runtime/core/Status.h"
#include "runtime/core/Tensor.h"

#include <algorithm>
#include <cinttypes>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <vector>

using namespace strata::runtime;

namespace {

constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;

/// Sizes of the fixed parts of the zip records.
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndSize = 22;
constexpr size_t kZip64EndSize = 56;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kMaxCommentSize = 0xffff;

/// A 32-bit size or offset field with this value is in the zip64 extra field.
constexpr uint64_t kZip64Sentinel = 0xffffffff;
constexpr uint16_t kZip64ExtraId = 0x0001;

/// General purpose flag bits: traditional and strong encryption, a data
/// descriptor after the data (the local header's CRC and sizes are then 0),
/// and an encrypted central directory.
constexpr uint64_t kFlagEncrypted = 1u << 0;
constexpr uint64_t kFlagDataDescriptor = 1u << 3;
constexpr uint64_t kFlagStrongEncryption = 1u << 6;
constexpr uint64_t kFlagEncryptedDirectory = 1u << 13;

/// The fields Python's zipfile writes for numpy.savez's members: version 2.0
/// made on Unix, stored, dated 1980-01-01 00:00 (its ZipInfo default, so
/// equal arrays give equal files), permissions rw-------.
constexpr uint64_t kVersionNeeded = 20;
constexpr uint64_t kVersionMadeBy = (3 << 8) | 20;
constexpr uint64_t kMethodStored = 0;
constexpr uint64_t kDosTime = 0;
constexpr uint64_t kDosDate = (0 << 9) | (1 << 5) | 1;
constexpr uint64_t kExternalAttributes = 0600u << 16;

/// The largest archive and member count without zip64: 0xFFFFFFFF and 0xFFFF
/// mean "see the zip64 record".
constexpr uint64_t kMaxPlainZipBytes = 0xffffffff;
constexpr uint64_t kMaxPlainZipMembers = 0xfffe;

/// Member data is checked against its CRC-32 this many bytes at a time.
constexpr size_t kCrcChunkSize = size_t(1) << 20;

/// The 256-entry table of the CRC-32 zip uses (reflected polynomial
/// 0xEDB88320, ISO-HDLC), built at compile time.
struct CrcTable {
  uint32_t entries[256];
  constexpr CrcTable() : entries() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int bit = 0; bit < 8; ++bit)
        c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      entries[i] = c;
    }
  }
};
constexpr CrcTable kCrcTable;

/// A running CRC-32 over bytes fed in pieces.
class Crc32 {
public:
  void update(const void *data, size_t bytes) {
    const auto *cursor = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < bytes; ++i)
      state = kCrcTable.entries[(state ^ cursor[i]) & 0xff] ^ (state >> 8);
  }
  uint32_t value() const { return ~state; }

private:
  uint32_t state = 0xffffffff;
};

uint64_t le(const unsigned char *bytes, size_t count) { return readLittleEndian(bytes, count); }

/// Where the end records say the central directory is.
struct CentralDirectory {
  uint64_t entries = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  /// Where the central directory must end: at the zip64 end record if there
  /// is one, else at the end record.
  uint64_t end = 0;
};

/// One member as the central directory describes it.
struct Member {
  std::string name;
  uint32_t crc = 0;
  uint64_t size = 0;
  uint64_t localHeaderOffset = 0;
};

/// A 64-bit field whose 32-bit record field may be the zip64 sentinel.
struct Zip64Field {
  uint64_t *value;
  const char *what;
};

/// Replaces each of `fields` that holds kZip64Sentinel by its value from the
/// zip64 extra field (id 0x0001) in `extra`, which holds the replaced fields
/// in APPNOTE order (size, compressed size, local header offset). `where`
/// names the record in messages. Also checks that no extra block runs past
/// the end of the field.
strata_status readZip64Extra(const char *path, const std::string &name, const char *where,
                             const unsigned char *extra, size_t length, Zip64Field *fields,
                             size_t numFields) {
  const unsigned char *zip64 = nullptr;
  size_t zip64Size = 0;
  size_t pos = 0;
  // Like Python's zipfile, ignore a tail too short to be a block header.
  while (length - pos >= 4) {
    uint64_t id = le(extra + pos, 2), size = le(extra + pos + 2, 2);
    pos += 4;
    if (size > length - pos)
      return makeError(STRATA_ERROR_FORMAT,
                       "%s: %s: corrupt zip: extra block 0x%04" PRIx64
                       " of the %s says it is %" PRIu64 " bytes, %zu remain",
                       path, name.c_str(), id, where, size, length - pos);
    if (id == kZip64ExtraId && !zip64) {
      zip64 = extra + pos;
      zip64Size = static_cast<size_t>(size);
    }
    pos += static_cast<size_t>(size);
  }
  size_t used = 0;
  for (size_t i = 0; i < numFields; ++i) {
    if (*fields[i].value != kZip64Sentinel)
      continue;
    if (!zip64)
      return makeError(STRATA_ERROR_FORMAT,
                       "%s: %s: corrupt zip: the %s's %s is 0xFFFFFFFF but it has no zip64 "
                       "extra field",
                       path, name.c_str(), where, fields[i].what);
    if (zip64Size - used < 8)
      return makeError(STRATA_ERROR_FORMAT,
                       "%s: %s: corrupt zip: the %s's zip64 extra field (%zu bytes) lacks its %s",
                       path, name.c_str(), where, zip64Size, fields[i].what);
    *fields[i].value = le(zip64 + used, 8);
    used += 8;
  }
  return nullptr;
}

/// Finds the end record (and zip64 end record, when a locator precedes the
/// end record) of the archive `file` and checks where they put the central
/// directory.
strata_status findCentralDirectory(const char *path, InputFile &file, CentralDirectory &dir) {
  uint64_t fileSize = file.size();
  size_t tailSize = static_cast<size_t>(std::min<uint64_t>(fileSize, kEndSize + kMaxCommentSize));
  uint64_t tailStart = fileSize - tailSize;
  std::string tail(tailSize, '\0');
  if (strata_status status = file.readAt(tailStart, tail.data(), tailSize, "end record"))
    return status;
  const auto *bytes = reinterpret_cast<const unsigned char *>(tail.data());

  // The end record is the last record; a comment of up to 64 KiB may follow,
  // and may itself contain the signature. Take the last signature whose
  // record and comment end the file, else the last signature at all.
  size_t found = std::string::npos;
  for (size_t end = tailSize; end >= kEndSize; --end) {
    size_t start = end - kEndSize;
    if (le(bytes + start, 4) != kEndSignature)
      continue;
    if (found == std::string::npos)
      found = start;
    if (start + kEndSize + le(bytes + start + 20, 2) == tailSize) {
      found = start;
      break;
    }
  }
  if (found == std::string::npos) {
    unsigned char head[6] = {};
    size_t headSize = static_cast<size_t>(std::min<uint64_t>(fileSize, sizeof(head)));
    if (strata_status status = file.readAt(0, head, headSize, "signature"))
      return status;
    if (headSize >= 4 && le(head, 4) == kLocalHeaderSignature)
      return makeError(STRATA_ERROR_FORMAT,
                       "%s: truncated: the zip archive has no end-of-central-directory record "
                       "(the file was cut short or is corrupt)",
                       path);
    if (headSize == 6 && std::memcmp(head, "\x93NUMPY", 6) == 0)
      return makeError(STRATA_ERROR_FORMAT, "%s: not a .npz archive but a .npy file", path);
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: not a .npz archive: not a zip file (no end-of-central-directory "
                     "record)",
                     path);
  }

  const unsigned char *end = bytes + found;
  uint64_t endOffset = tailStart + found;
  uint64_t disk = le(end + 4, 2), directoryDisk = le(end + 6, 2);
  uint64_t entriesOnDisk = le(end + 8, 2), commentLength = le(end + 20, 2);
  dir.entries = le(end + 10, 2);
  dir.size = le(end + 12, 4);
  dir.offset = le(end + 16, 4);
  dir.end = endOffset;
  if (found + kEndSize + commentLength > tailSize)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: truncated: the end-of-central-directory record announces a %" PRIu64
                     "-byte comment, the file has %zu bytes after it",
                     path, commentLength, tailSize - found - kEndSize);

  if (endOffset >= kZip64LocatorSize) {
    unsigned char locator[kZip64LocatorSize];
    if (strata_status status = file.readAt(endOffset - kZip64LocatorSize, locator, sizeof(locator),
                                           "zip64 end record locator"))
      return status;
    if (le(locator, 4) == kZip64LocatorSignature) {
      uint64_t recordDisk = le(locator + 4, 4), recordOffset = le(locator + 8, 8);
      uint64_t totalDisks = le(locator + 16, 4);
      if (recordDisk != 0 || totalDisks > 1)
        return makeError(STRATA_ERROR_UNSUPPORTED,
                         "%s: split (multi-disk) zip archives are not supported", path);
      uint64_t locatorOffset = endOffset - kZip64LocatorSize;
      if (recordOffset > locatorOffset || locatorOffset - recordOffset < kZip64EndSize)
        return makeError(STRATA_ERROR_FORMAT,
                         "%s: corrupt zip: the zip64 end record offset %" PRIu64
                         " does not leave room for the record before its locator at %" PRIu64,
                         path, recordOffset, locatorOffset);
      unsigned char record[kZip64EndSize];
      if (strata_status status =
              file.readAt(recordOffset, record, sizeof(record), "zip64 end record"))
        return status;
      if (le(record, 4) != kZip64EndSignature)
        return makeError(STRATA_ERROR_FORMAT,
                         "%s: corrupt zip: no zip64 end record at offset %" PRIu64
                         " where its locator points",
                         path, recordOffset);
      disk = le(record + 16, 4);
      directoryDisk = le(record + 20, 4);
      entriesOnDisk = le(record + 24, 8);
      dir.entries = le(record + 32, 8);
      dir.size = le(record + 40, 8);
      dir.offset = le(record + 48, 8);
      dir.end = recordOffset;
    }
  }

  if (disk != 0 || directoryDisk != 0 || entriesOnDisk != dir.entries)
    return makeError(STRATA_ERROR_UNSUPPORTED,
                     "%s: split (multi-disk) zip archives are not supported", path);
  if (dir.offset > dir.end || dir.size > dir.end - dir.offset)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: truncated or corrupt zip: the central directory (%" PRIu64
                     " bytes at offset %" PRIu64 ") runs past the end record at offset %" PRIu64,
                     path, dir.size, dir.offset, dir.end);
  if (dir.offset + dir.size != dir.end)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: corrupt zip: the central directory (%" PRIu64 " bytes at offset %" PRIu64
                     ") does not end where the end record begins (offset %" PRIu64 ")",
                     path, dir.size, dir.offset, dir.end);
  if (dir.entries > dir.size / kCentralHeaderSize)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: corrupt zip: a %" PRIu64 "-byte central directory cannot hold %" PRIu64
                     " entries",
                     path, dir.size, dir.entries);
  if (dir.entries > static_cast<uint64_t>(std::numeric_limits<int32_t>::max()))
    return makeError(STRATA_ERROR_UNSUPPORTED, "%s: %" PRIu64 " members are too many", path,
                     dir.entries);
  return nullptr;
}

/// Parses the `dir.entries` entries of the central directory `directory` into
/// `members`, refusing what the reader does not support.
strata_status parseCentralDirectory(const char *path, const CentralDirectory &dir,
                                    const std::string &directory, std::vector<Member> &members) {
  const auto *bytes = reinterpret_cast<const unsigned char *>(directory.data());
  size_t pos = 0;
  for (uint64_t i = 0; i < dir.entries; ++i) {
    size_t left = directory.size() - pos;
    const unsigned char *entry = bytes + pos;
    if (left < kCentralHeaderSize || le(entry, 4) != kCentralHeaderSignature)
      return makeError(STRATA_ERROR_FORMAT,
                       "%s: corrupt zip: central directory entry %" PRIu64
                       " is missing or has a bad signature",
                       path, i);
    uint64_t flags = le(entry + 8, 2), method = le(entry + 10, 2);
    uint64_t compressedSize = le(entry + 20, 4);
    size_t nameLength = le(entry + 28, 2), extraLength = le(entry + 30, 2);
    size_t commentLength = le(entry + 32, 2);
    size_t entrySize = kCentralHeaderSize + nameLength + extraLength + commentLength;
    if (entrySize > left)
      return makeError(STRATA_ERROR_FORMAT,
                       "%s: corrupt zip: central directory entry %" PRIu64
                       " runs past the end of the directory",
                       path, i);
    Member member;
    member.name.assign(reinterpret_cast<const char *>(entry + kCentralHeaderSize), nameLength);
    member.crc = static_cast<uint32_t>(le(entry + 16, 4));
    member.size = le(entry + 24, 4);
    member.localHeaderOffset = le(entry + 42, 4);
    const char *name = member.name.c_str();
    Zip64Field fields[] = {{&member.size, "size"},
                           {&compressedSize, "compressed size"},
                           {&member.localHeaderOffset, "local header offset"}};
    if (strata_status status =
            readZip64Extra(path, member.name, "central directory entry",
                           entry + kCentralHeaderSize + nameLength, extraLength, fields, 3))
      return status;
    if (flags & (kFlagEncrypted | kFlagStrongEncryption | kFlagEncryptedDirectory))
      return makeError(STRATA_ERROR_UNSUPPORTED, "%s: %s: encrypted zip members are not supported",
                       path, name);
    if (method != kMethodStored)
      return makeError(STRATA_ERROR_UNSUPPORTED,
                       "%s: %s is compressed (zip method %" PRIu64
                       "): compressed .npz (numpy.savez_compressed) is not supported; save with "
                       "numpy.savez",
                       path, name, method);
    if (compressedSize != member.size)
      return makeError(STRATA_ERROR_FORMAT,
                       "%s: %s: corrupt zip: a stored member of %" PRIu64
                       " bytes records a compressed size of %" PRIu64,
                       path, name, member.size, compressedSize);
    members.push_back(std::move(member));
    pos += entrySize;
  }
  if (pos != directory.size())
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: corrupt zip: %zu bytes follow the last central directory entry", path,
                     directory.size() - pos);
  return nullptr;
}

/// Checks that the members are arr_0.npy, arr_1.npy, ... in order, the names
/// numpy.savez gives positional arrays.
strata_status checkMemberNames(const char *path, const std::vector<Member> &members) {
  for (size_t i = 0; i < members.size(); ++i) {
    std::string expected = "arr_" + std::to_string(i) + ".npy";
    if (members[i].name == expected)
      continue;
    constexpr size_t kMaxListed = 8;
    std::string found;
    for (size_t j = 0; j < members.size() && j < kMaxListed; ++j)
      found += (j ? ", '" : "'") + members[j].name + "'";
    if (members.size() > kMaxListed)
      found += ", ...";
    return makeError(STRATA_ERROR_UNSUPPORTED,
                     "%s: member %zu is named '%s', expected '%s' (the archive holds %s): a "
                     "sequence of arrays is stored as arr_0.npy, arr_1.npy, ... by "
                     "numpy.savez(path, *arrays); keyword names (numpy.savez(path, x=...)) are "
                     "not a sequence",
                     path, i, members[i].name.c_str(), expected.c_str(), found.c_str());
  }
  return nullptr;
}

/// Reads the local header of `member`, checks it against the central
/// directory, and sets `dataOffset` to where the member's data starts. The
/// local extra field may differ from the central one (numpy.savez writes
/// zip64 sizes only in the local header), so the data offset comes from the
/// local lengths.
strata_status locateMemberData(const char *path, InputFile &file, const CentralDirectory &dir,
                               const Member &member, uint64_t &dataOffset) {
  const char *name = member.name.c_str();
  unsigned char header[kLocalHeaderSize];
  if (member.localHeaderOffset > dir.offset ||
      dir.offset - member.localHeaderOffset < kLocalHeaderSize)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: %s: corrupt zip: local header offset %" PRIu64
                     " is not before the central directory (offset %" PRIu64 ")",
                     path, name, member.localHeaderOffset, dir.offset);
  if (strata_status status =
          file.readAt(member.localHeaderOffset, header, sizeof(header), "local header"))
    return status;
  if (le(header, 4) != kLocalHeaderSignature)
    return makeError(STRATA_ERROR_FORMAT, "%s: %s: corrupt zip: no local header at offset %" PRIu64,
                     path, name, member.localHeaderOffset);
  uint64_t flags = le(header + 6, 2), method = le(header + 8, 2);
  uint64_t crc = le(header + 14, 4), compressedSize = le(header + 18, 4);
  uint64_t size = le(header + 22, 4);
  size_t nameLength = le(header + 26, 2), extraLength = le(header + 28, 2);
  uint64_t variableOffset = member.localHeaderOffset + kLocalHeaderSize;
  if (nameLength + extraLength > dir.offset - variableOffset)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: %s: corrupt zip: the local header's name and extra field run into the "
                     "central directory",
                     path, name);
  std::string variable(nameLength + extraLength, '\0');
  if (strata_status status =
          file.readAt(variableOffset, variable.data(), variable.size(), "local header"))
    return status;
  if (variable.compare(0, nameLength, member.name) != 0)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: %s: corrupt zip: the local header names the member '%s'", path, name,
                     variable.substr(0, nameLength).c_str());
  if (method != kMethodStored)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: %s: corrupt zip: the local header says compression method %" PRIu64
                     ", the central directory says stored",
                     path, name, method);
  if (!(flags & kFlagDataDescriptor)) {
    Zip64Field fields[] = {{&size, "size"}, {&compressedSize, "compressed size"}};
    if (strata_status status =
            readZip64Extra(path, member.name, "local header",
                           reinterpret_cast<const unsigned char *>(variable.data()) + nameLength,
                           extraLength, fields, 2))
      return status;
    if (crc != member.crc || size != member.size || compressedSize != member.size)
      return makeError(STRATA_ERROR_FORMAT,
                       "%s: %s: corrupt zip: the local header (CRC-32 0x%08" PRIx64 ", %" PRIu64
                       " bytes) disagrees with the central directory (CRC-32 "
                       "0x%08" PRIx32 ", %" PRIu64 " bytes)",
                       path, name, crc, size, member.crc, member.size);
  }
  dataOffset = variableOffset + nameLength + extraLength;
  if (member.size > dir.offset - dataOffset)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: %s: truncated or corrupt zip: the member's %" PRIu64
                     " bytes at offset %" PRIu64 " run into the central directory (offset %" PRIu64
                     ")",
                     path, name, member.size, dataOffset, dir.offset);
  return nullptr;
}

/// Checks the CRC-32 of the data of `member`, at `offset` of `file`, against
/// the one the archive records. Runs before the .npy image is parsed, so that
/// a damaged member is reported as such rather than as a bad header.
strata_status checkCrc(const char *path, InputFile &file, const Member &member, uint64_t offset) {
  std::unique_ptr<unsigned char[]> buffer(new (std::nothrow) unsigned char[kCrcChunkSize]);
  if (!buffer)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate a read buffer", path);
  Crc32 crc;
  for (uint64_t done = 0; done < member.size;) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(member.size - done, kCrcChunkSize));
    if (strata_status status = file.readAt(offset + done, buffer.get(), chunk, "member data"))
      return status;
    crc.update(buffer.get(), chunk);
    done += chunk;
  }
  if (crc.value() != member.crc)
    return makeError(STRATA_ERROR_FORMAT,
                     "%s: %s: CRC-32 mismatch: the archive records 0x%08" PRIx32
                     ", the data gives 0x%08" PRIx32 " (the member is corrupt)",
                     path, member.name.c_str(), member.crc, crc.value());
  return nullptr;
}

/// Owns a list of tensors being loaded until it is handed to the caller.
class TensorList {
public:
  ~TensorList() { strata_tensor_list_free(items, count); }

  strata_status allocate(const char *path, size_t size) {
    if (size == 0)
      return nullptr;
    items = static_cast<strata_tensor **>(std::calloc(size, sizeof(strata_tensor *)));
    if (!items)
      return makeError(STRATA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate a list of %zu tensors",
                       path, size);
    count = static_cast<int32_t>(size);
    return nullptr;
  }

  strata_tensor *&operator[](size_t i) { return items[i]; }

  void release(strata_tensor ***outTensors, int32_t *outCount) {
    *outTensors = items;
    *outCount = count;
    items = nullptr;
    count = 0;
  }

private:
  strata_tensor **items = nullptr;
  int32_t count = 0;
};

/// A member being written: its local header (with name), .npy preamble and
/// tensor data.
struct OutputMember {
  std::string localHeader;
  std::string preamble;
  const strata_tensor *tensor = nullptr;
  std::string name;
  uint64_t size = 0;
  uint64_t offset = 0;
  uint32_t crc = 0;
};

/// Appends the fields the local and central headers of `member` share, from
/// "version needed" to the extra field's length (none).
void appendMemberFields(std::string &out, const OutputMember &member) {
  appendLittleEndian(out, kVersionNeeded, 2);
  appendLittleEndian(out, 0, 2); // flags
  appendLittleEndian(out, kMethodStored, 2);
  appendLittleEndian(out, kDosTime, 2);
  appendLittleEndian(out, kDosDate, 2);
  appendLittleEndian(out, member.crc, 4);
  appendLittleEndian(out, member.size, 4); // compressed size
  appendLittleEndian(out, member.size, 4);
  appendLittleEndian(out, member.name.size(), 2);
  appendLittleEndian(out, 0, 2); // extra field length
}

} // namespace

extern "C" {

strata_status strata_npz_load(const char *path, strata_tensor ***out_tensors,
                              int32_t *out_count) noexcept {
  if (!path || !out_tensors || !out_count)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_npz_load: %s is NULL",
                     !path          ? "path"
                     : !out_tensors ? "out_tensors"
                                    : "out_count");
  *out_tensors = nullptr;
  *out_count = 0;
  InputFile file;
  if (strata_status status = InputFile::open(path, file))
    return status;

  CentralDirectory dir;
  if (strata_status status = findCentralDirectory(path, file, dir))
    return status;
  std::string directory(static_cast<size_t>(dir.size), '\0');
  if (strata_status status =
          file.readAt(dir.offset, directory.data(), directory.size(), "central directory"))
    return status;
  std::vector<Member> members;
  if (strata_status status = parseCentralDirectory(path, dir, directory, members))
    return status;
  if (strata_status status = checkMemberNames(path, members))
    return status;

  TensorList tensors;
  if (strata_status status = tensors.allocate(path, members.size()))
    return status;
  for (size_t i = 0; i < members.size(); ++i) {
    const Member &member = members[i];
    uint64_t dataOffset = 0;
    if (strata_status status = locateMemberData(path, file, dir, member, dataOffset))
      return status;
    if (strata_status status = checkCrc(path, file, member, dataOffset))
      return status;
    std::string name = std::string(path) + ": " + member.name;
    if (strata_status status =
            readNpyImage({&file, dataOffset, member.size, name.c_str(), "member"}, tensors[i]))
      return status;
  }
  tensors.release(out_tensors, out_count);
  return nullptr;
}

strata_status strata_npz_save(const char *path, const strata_tensor *const *tensors,
                              int32_t count) noexcept {
  if (!path)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_npz_save: path is NULL");
  if (count < 0)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "%s: tensor count %" PRId32 " is negative",
                     path, count);
  if (count > 0 && !tensors)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "%s: tensors is NULL for %" PRId32 " tensors",
                     path, count);
  if (static_cast<uint64_t>(count) > kMaxPlainZipMembers)
    return makeError(STRATA_ERROR_UNSUPPORTED,
                     "%s: %" PRId32 " tensors are more than the %" PRIu64
                     " members a zip archive without zip64 extensions holds",
                     path, count, kMaxPlainZipMembers);

  std::vector<OutputMember> members(static_cast<size_t>(count));
  uint64_t offset = 0, directorySize = 0;
  for (int32_t i = 0; i < count; ++i) {
    OutputMember &member = members[i];
    member.tensor = tensors[i];
    if (!member.tensor)
      return makeError(STRATA_ERROR_INVALID_ARGUMENT, "%s: tensors[%" PRId32 "] is NULL", path, i);
    if (strata_status status = encodeTensorNpyPreamble(path, member.tensor, member.preamble))
      return status;
    member.name = "arr_" + std::to_string(i) + ".npy";
    member.size = member.preamble.size() + member.tensor->byteSize;
    member.offset = offset;
    offset += kLocalHeaderSize + member.name.size() + member.size;
    directorySize += kCentralHeaderSize + member.name.size();
  }
  uint64_t total = offset + directorySize + kEndSize;
  if (total > kMaxPlainZipBytes)
    return makeError(STRATA_ERROR_UNSUPPORTED,
                     "%s: the archive would be %" PRIu64
                     " bytes; strata_npz_save writes zip archives without zip64 extensions, "
                     "which hold at most 4 GiB - 1 (%" PRIu64 " bytes)",
                     path, total, kMaxPlainZipBytes);

  // Every size and offset fits 32 bits now, and none is the zip64 sentinel.
  std::string trailer;
  std::vector<ByteRange> ranges;
  ranges.reserve(members.size() * 3 + 1);
  for (OutputMember &member : members) {
    Crc32 crc;
    crc.update(member.preamble.data(), member.preamble.size());
    crc.update(member.tensor->data, member.tensor->byteSize);
    member.crc = crc.value();

    std::string &local = member.localHeader;
    appendLittleEndian(local, kLocalHeaderSignature, 4);
    appendMemberFields(local, member);
    local += member.name;
    ranges.push_back({local.data(), local.size()});
    ranges.push_back({member.preamble.data(), member.preamble.size()});
    if (member.tensor->byteSize)
      ranges.push_back({member.tensor->data, member.tensor->byteSize});

    appendLittleEndian(trailer, kCentralHeaderSignature, 4);
    appendLittleEndian(trailer, kVersionMadeBy, 2);
    appendMemberFields(trailer, member);
    appendLittleEndian(trailer, 0, 2); // comment length
    appendLittleEndian(trailer, 0, 2); // disk number
    appendLittleEndian(trailer, 0, 2); // internal attributes
    appendLittleEndian(trailer, kExternalAttributes, 4);
    appendLittleEndian(trailer, member.offset, 4);
    trailer += member.name;
  }
  appendLittleEndian(trailer, kEndSignature, 4);
  appendLittleEndian(trailer, 0, 2); // this disk
  appendLittleEndian(trailer, 0, 2); // disk of the central directory
  appendLittleEndian(trailer, members.size(), 2);
  appendLittleEndian(trailer, members.size(), 2);
  appendLittleEndian(trailer, directorySize, 4);
  appendLittleEndian(trailer, offset, 4);
  appendLittleEndian(trailer, 0, 2); // comment length
  ranges.push_back({trailer.data(), trailer.size()});
  return writeFileAtomically(path, ranges.data(), ranges.size());
}

void strata_tensor_list_free(strata_tensor **tensors, int32_t count) noexcept {
  if (!tensors)
    return;
  for (int32_t i = 0; i < count; ++i)
    strata_tensor_destroy(tensors[i]);
  std::free(tensors);
}

} // extern "C"

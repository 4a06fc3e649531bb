//===- Weights.cpp - Mapping and checking packed weights files -*- C++ -*-===//
//
// The file is mapped private and writable (copy-on-write): an inference
// program only reads it, a training program updates its weights in place
// without the file changing, and a private mapping costs nothing until a page
// is written.
// Opening checks the whole file once and indexes the tensors by name; a tensor
// only ever read from the file itself (the NVMe tier's, which a plan streams
// every step) is checked as it is first read instead, so that opening does not
// read the whole of a model larger than memory.
//
//===----------------------------------------------------------------------===//

#include "strata/weights.h"
#include "runtime/core/File.h"
#include "runtime/core/Status.h"
#include "runtime/core/WeightsFiles.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

using namespace strata::runtime;

struct strata_weights {
  std::string path;
  void *data = nullptr;
  size_t size = 0;
  /// The data region, inside the mapping.
  const unsigned char *region = nullptr;
  size_t regionSize = 0;
  /// Each tensor's entry by name; names point into the mapping.
  std::unordered_map<std::string_view, strata_weights_entry> byName;
  /// The names in the file's order.
  std::vector<std::string_view> names;
  /// The file mapped (stat's device and inode), which a reader of the file
  /// itself must find at `path`.
  uint64_t device = 0, inode = 0;
  /// The tensors whose checksums wait for their first read from the file
  /// itself, by offset in the data region: their entries and names, until
  /// checked (guarded by openFilesMutex).
  std::unordered_map<uint64_t, std::pair<strata_weights_entry, std::string_view>> unchecked;
};

uint64_t strata_checksum(const void *data, size_t bytes) noexcept {
  const uint64_t prime = 0x100000001b3ull;
  uint64_t hash = 0xcbf29ce484222325ull;
  const unsigned char *p = static_cast<const unsigned char *>(data);
  size_t words = bytes / 8;
  for (size_t i = 0; i < words; ++i) {
    uint64_t word;
    std::memcpy(&word, p + 8 * i, 8);
    hash = (hash ^ word) * prime;
  }
  for (size_t i = 8 * words; i < bytes; ++i)
    hash = (hash ^ p[i]) * prime;
  return hash;
}

uint64_t strata_weights_layout_id(const void *index, uint32_t count, const char *names,
                                  uint64_t names_bytes) noexcept {
  std::string described(static_cast<const char *>(index), count * sizeof(strata_weights_entry));
  for (uint32_t i = 0; i < count; ++i)
    std::memset(
        &described[i * sizeof(strata_weights_entry) + offsetof(strata_weights_entry, checksum)], 0,
        sizeof(uint64_t));
  described.append(names, names_bytes);
  return strata_checksum(described.data(), described.size());
}

namespace {

/// Checks the header, the index and every tensor of the mapped file `w`, and
/// fills in its data region and names. The checksums of the tensors named in
/// `streamed` wait in `w.unchecked` for their first read.
strata_status checkFile(strata_weights &w, uint64_t modelId,
                        const std::unordered_set<std::string_view> &streamed) {
  const char *path = w.path.c_str();
  strata_weights_header header;
  if (w.size < sizeof header)
    return makeError(STRATA_ERROR_FORMAT, "weights file '%s' is truncated (%zu bytes)", path,
                     w.size);
  std::memcpy(&header, w.data, sizeof header);
  if (std::memcmp(header.magic, STRATA_WEIGHTS_MAGIC, 8) != 0)
    return makeError(STRATA_ERROR_FORMAT, "'%s' is not a Strata weights file", path);
  if (header.version != STRATA_WEIGHTS_VERSION)
    return makeError(STRATA_ERROR_FORMAT,
                     "weights file '%s' has format version %u, this program reads %u", path,
                     header.version, STRATA_WEIGHTS_VERSION);
  if (header.file_size != w.size)
    return makeError(STRATA_ERROR_FORMAT,
                     "weights file '%s' is %zu bytes, its header says %llu (truncated?)", path,
                     w.size, static_cast<unsigned long long>(header.file_size));
  // Each bound is checked before it is added to, so no sum can wrap around.
  size_t room = w.size - sizeof header;
  if (header.count > room / sizeof(strata_weights_entry) ||
      header.names_bytes > room - header.count * sizeof(strata_weights_entry))
    return makeError(STRATA_ERROR_FORMAT, "weights file '%s': the index is truncated", path);
  size_t indexBytes = header.count * sizeof(strata_weights_entry);
  size_t namesEnd = sizeof header + indexBytes + header.names_bytes;
  if (header.data_offset % STRATA_WEIGHTS_ALIGNMENT != 0 || header.data_offset < namesEnd ||
      header.data_offset > w.size)
    return makeError(STRATA_ERROR_FORMAT,
                     "weights file '%s': the data region (offset %llu) is misaligned, "
                     "overlaps the index or lies outside the file",
                     path, static_cast<unsigned long long>(header.data_offset));
  const unsigned char *base = static_cast<const unsigned char *>(w.data);
  const unsigned char *index = base + sizeof header;
  if (header.model_id != modelId ||
      strata_weights_layout_id(index, header.count,
                               reinterpret_cast<const char *>(index + indexBytes),
                               header.names_bytes) != header.layout_id)
    return makeError(STRATA_ERROR_FORMAT,
                     "weights file '%s' belongs to another compilation of the model "
                     "(model id %016llx, this program expects %016llx)",
                     path, static_cast<unsigned long long>(header.model_id),
                     static_cast<unsigned long long>(modelId));
  const char *names = reinterpret_cast<const char *>(index + indexBytes);
  w.region = base + header.data_offset;
  w.regionSize = w.size - header.data_offset;
  for (uint32_t i = 0; i < header.count; ++i) {
    strata_weights_entry e;
    std::memcpy(&e, index + i * sizeof e, sizeof e);
    if (e.name_offset > header.names_bytes || e.name_size >= header.names_bytes - e.name_offset ||
        names[e.name_offset + e.name_size] != '\0')
      return makeError(STRATA_ERROR_FORMAT,
                       "weights file '%s': the name of tensor %u lies outside the string table",
                       path, i);
    // The name is followed by its NUL and holds none: usable as a C string,
    // which is how strata_weights_find is asked for it.
    const char *name = names + e.name_offset;
    if (std::memchr(name, '\0', e.name_size))
      return makeError(STRATA_ERROR_FORMAT,
                       "weights file '%s': the name of tensor %u holds a NUL byte", path, i);
    if (e.offset % STRATA_WEIGHTS_ALIGNMENT != 0 || e.offset > w.regionSize ||
        e.bytes > w.regionSize - e.offset)
      return makeError(STRATA_ERROR_FORMAT,
                       "weights file '%s': tensor '%s' lies outside the data region or is "
                       "misaligned",
                       path, name);
    std::string_view key(name, e.name_size);
    if (streamed.count(key))
      w.unchecked[e.offset] = {e, key};
    else if (strata_checksum(w.region + e.offset, e.bytes) != e.checksum)
      return makeError(STRATA_ERROR_FORMAT,
                       "weights file '%s': tensor '%s' is corrupt (checksum mismatch)", path, name);
    w.names.push_back(key);
    if (!w.byName.emplace(std::string_view(name, e.name_size), e).second)
      return makeError(STRATA_ERROR_FORMAT, "weights file '%s': two tensors are named '%s'", path,
                       name);
  }
  return nullptr;
}

} // namespace

namespace {

/// The open weights files by the start of their data region.
std::mutex openFilesMutex;
std::unordered_map<const void *, const strata_weights *> openFiles;

} // namespace

bool strata::runtime::findWeightsFile(const void *region, std::string &path, uint64_t &dataOffset,
                                      uint64_t &device, uint64_t &inode) {
  std::lock_guard<std::mutex> lock(openFilesMutex);
  auto it = openFiles.find(region);
  if (it == openFiles.end())
    return false;
  path = it->second->path;
  device = it->second->device;
  inode = it->second->inode;
  dataOffset = static_cast<uint64_t>(it->second->region -
                                     static_cast<const unsigned char *>(it->second->data));
  return true;
}

strata_status strata::runtime::checkStreamedRead(const void *region, uint64_t offset,
                                                 const void *data, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(openFilesMutex);
  auto file = openFiles.find(region);
  if (file == openFiles.end())
    return nullptr;
  strata_weights &w = const_cast<strata_weights &>(*file->second);
  auto it = w.unchecked.find(offset);
  if (it == w.unchecked.end() || it->second.first.bytes != bytes)
    return nullptr;
  if (strata_checksum(data, bytes) != it->second.first.checksum)
    return makeError(STRATA_ERROR_FORMAT,
                     "weights file '%s': tensor '%.*s' is corrupt (checksum mismatch, found as "
                     "it was first read from the file)",
                     w.path.c_str(), static_cast<int>(it->second.second.size()),
                     it->second.second.data());
  w.unchecked.erase(it);
  return nullptr;
}

strata_status strata_weights_open(const char *path, uint64_t model_id,
                                  strata_weights **out) noexcept {
  return strata_weights_open_streamed(path, model_id, nullptr, 0, out);
}

strata_status strata_weights_open_any(const char *path, strata_weights **out) noexcept {
  if (!path || !out)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_weights_open_any: NULL argument");
  InputFile file;
  if (strata_status s = InputFile::open(path, file))
    return s;
  strata_weights_header header;
  std::memset(&header, 0, sizeof header);
  // A file too short for a header is reported as truncated by the open.
  if (file.size() >= sizeof header)
    if (strata_status s = file.readAt(0, &header, sizeof header, "its header"))
      return s;
  return strata_weights_open(path, header.model_id, out);
}

strata_status strata_weights_open_streamed(const char *path, uint64_t model_id,
                                           const char *const *streamed, size_t count,
                                           strata_weights **out) noexcept {
  if (!path || !out || (count > 0 && !streamed))
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_weights_open: NULL argument");
  std::unordered_set<std::string_view> streamedNames;
  for (size_t i = 0; i < count; ++i)
    if (streamed[i])
      streamedNames.insert(streamed[i]);
  *out = nullptr;
  InputFile file;
  if (strata_status s = InputFile::open(path, file))
    return s;
  auto *w = new (std::nothrow) strata_weights;
  if (!w)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY, "cannot map weights file '%s'", path);
  w->path = path;
  w->size = file.size();
  struct stat status {};
  if (::fstat(file.descriptor(), &status) == 0) {
    w->device = status.st_dev;
    w->inode = status.st_ino;
  }
  if (w->size > 0) {
    void *p = mmap(nullptr, w->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, file.descriptor(), 0);
    if (p == MAP_FAILED) {
      int err = errno;
      delete w;
      return makeIoError(err, "cannot map weights file '%s'", path);
    }
    w->data = p;
  }
  if (strata_status s = checkFile(*w, model_id, streamedNames)) {
    strata_weights_close(w);
    return s;
  }
  if (w->region) {
    std::lock_guard<std::mutex> lock(openFilesMutex);
    openFiles[w->region] = w;
  }
  *out = w;
  return nullptr;
}

void strata_weights_close(strata_weights *weights) noexcept {
  if (!weights)
    return;
  {
    std::lock_guard<std::mutex> lock(openFilesMutex);
    auto it = openFiles.find(weights->region);
    if (it != openFiles.end() && it->second == weights)
      openFiles.erase(it);
  }
  if (weights->data)
    munmap(weights->data, weights->size);
  delete weights;
}

strata_status strata_weights_save(const strata_weights *weights, const char *path) noexcept {
  if (!weights || !path)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_weights_save: NULL argument");
  // The header, index and names as opened, with each tensor's checksum of
  // its bytes now; then the data region.
  size_t headBytes =
      static_cast<size_t>(weights->region - static_cast<const unsigned char *>(weights->data));
  std::string head(static_cast<const char *>(weights->data), headBytes);
  strata_weights_header header;
  std::memcpy(&header, head.data(), sizeof header);
  for (uint32_t i = 0; i < header.count; ++i) {
    size_t at = sizeof header + i * sizeof(strata_weights_entry);
    strata_weights_entry e;
    std::memcpy(&e, head.data() + at, sizeof e);
    e.checksum = strata_checksum(weights->region + e.offset, e.bytes);
    std::memcpy(&head[at], &e, sizeof e);
  }
  ByteRange ranges[] = {{head.data(), head.size()}, {weights->region, weights->regionSize}};
  return writeFileAtomically(path, ranges, 2);
}

size_t strata_weights_count(const strata_weights *weights) noexcept {
  return weights ? weights->names.size() : 0;
}

strata_status strata_weights_tensor(const strata_weights *weights, size_t index, const char **name,
                                    const void **data, size_t *bytes) noexcept {
  if (!weights || !name || !data || !bytes)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_weights_tensor: NULL argument");
  if (index >= weights->names.size())
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "weights file '%s' has %zu tensors, not %zu",
                     weights->path.c_str(), weights->names.size(), index + 1);
  const strata_weights_entry &e = weights->byName.find(weights->names[index])->second;
  // Names are followed by a NUL in the mapping (checked when opened).
  *name = weights->names[index].data();
  *data = weights->region + e.offset;
  *bytes = e.bytes;
  return nullptr;
}

const void *strata_weights_data(const strata_weights *weights) noexcept {
  return weights ? weights->region : nullptr;
}

size_t strata_weights_size(const strata_weights *weights) noexcept {
  return weights ? weights->regionSize : 0;
}

strata_status strata_weights_find(const strata_weights *weights, const char *name,
                                  const void **data, size_t *bytes) noexcept {
  if (!weights || !name || !data || !bytes)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_weights_find: NULL argument");
  *data = nullptr;
  *bytes = 0;
  auto it = weights->byName.find(name);
  if (it == weights->byName.end())
    return makeError(STRATA_ERROR_NOT_FOUND, "weights file '%s' holds no tensor named '%s'",
                     weights->path.c_str(), name);
  *data = weights->region + it->second.offset;
  *bytes = it->second.bytes;
  return nullptr;
}

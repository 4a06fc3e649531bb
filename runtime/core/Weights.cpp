//===- Weights.cpp - Mapping and checking packed weights files -*- C++ -*-===//
//
// The file is mapped private and writable (copy-on-write): the compiled code
// only reads it, and a private mapping costs nothing until a page is written.
//
//===----------------------------------------------------------------------===//

#include "strata/weights.h"
#include "runtime/core/File.h"
#include "runtime/core/Status.h"

#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <sys/mman.h>

using namespace strata::runtime;

struct strata_weights {
  void *data = nullptr;
  size_t size = 0;
  /// Where the tensors begin: the first aligned offset after the index.
  size_t dataStart = 0;
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

namespace {

/// Checks the header and index at the start of the mapped file `w`.
strata_status checkFile(const char *path, strata_weights &w, uint64_t modelId) {
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
  size_t indexBytes = sizeof(strata_weights_entry) * header.count;
  if (header.count > w.size / sizeof(strata_weights_entry) || sizeof header + indexBytes > w.size)
    return makeError(STRATA_ERROR_FORMAT, "weights file '%s': the index is truncated", path);
  const unsigned char *base = static_cast<const unsigned char *>(w.data);
  const unsigned char *index = base + sizeof header;
  if (header.model_id != modelId || strata_checksum(index, indexBytes) != modelId)
    return makeError(STRATA_ERROR_FORMAT,
                     "weights file '%s' belongs to another compilation of the model "
                     "(model id %016llx, this program expects %016llx)",
                     path, static_cast<unsigned long long>(header.model_id),
                     static_cast<unsigned long long>(modelId));
  size_t dataStart = sizeof header + indexBytes;
  dataStart = (dataStart + STRATA_WEIGHTS_ALIGNMENT - 1) / STRATA_WEIGHTS_ALIGNMENT *
              STRATA_WEIGHTS_ALIGNMENT;
  w.dataStart = dataStart < w.size ? dataStart : w.size;
  for (uint32_t i = 0; i < header.count; ++i) {
    strata_weights_entry e;
    std::memcpy(&e, index + i * sizeof e, sizeof e);
    e.name[STRATA_WEIGHTS_NAME_SIZE - 1] = '\0';
    if (e.offset % STRATA_WEIGHTS_ALIGNMENT != 0 || e.offset > w.size ||
        e.bytes > w.size - e.offset)
      return makeError(STRATA_ERROR_FORMAT,
                       "weights file '%s': tensor '%s' lies outside the file or is "
                       "misaligned",
                       path, e.name);
    if (strata_checksum(base + e.offset, e.bytes) != e.checksum)
      return makeError(STRATA_ERROR_FORMAT,
                       "weights file '%s': tensor '%s' is corrupt (checksum mismatch)", path,
                       e.name);
  }
  return nullptr;
}

} // namespace

strata_status strata_weights_open(const char *path, uint64_t model_id,
                                  strata_weights **out) noexcept {
  if (!path || !out)
    return makeError(STRATA_ERROR_INVALID_ARGUMENT, "strata_weights_open: NULL argument");
  *out = nullptr;
  InputFile file;
  if (strata_status s = InputFile::open(path, file))
    return s;
  auto *w = new (std::nothrow) strata_weights;
  if (!w)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY, "cannot map weights file '%s'", path);
  w->size = file.size();
  if (w->size > 0) {
    void *p = mmap(nullptr, w->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, file.descriptor(), 0);
    if (p == MAP_FAILED) {
      int err = errno;
      delete w;
      return makeIoError(err, "cannot map weights file '%s'", path);
    }
    w->data = p;
  }
  if (strata_status s = checkFile(path, *w, model_id)) {
    strata_weights_close(w);
    return s;
  }
  *out = w;
  return nullptr;
}

void strata_weights_close(strata_weights *weights) noexcept {
  if (!weights)
    return;
  if (weights->data)
    munmap(weights->data, weights->size);
  delete weights;
}

const void *strata_weights_data(const strata_weights *weights) noexcept {
  return weights ? static_cast<const char *>(weights->data) + weights->dataStart : nullptr;
}

size_t strata_weights_size(const strata_weights *weights) noexcept {
  return weights ? weights->size - weights->dataStart : 0;
}

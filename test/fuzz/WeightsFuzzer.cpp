//===- WeightsFuzzer.cpp - libFuzzer target for the weights-file loader ---===//
//
// Each input is opened as a weights file (include/strata/weights.h), as the
// program opens `--weights`. Mutated bytes would almost never carry valid
// checksums, so before opening, the input is sealed as stratac seals a file:
// each index entry whose tensor lies in the input gets the checksum of its
// bytes, and the header the model id of its index and string table, which is
// also the id the loader is asked for. The loader's checks of sizes, offsets,
// alignment and names are thereby reached with every mutation. A file that
// opens must find each of its tensors by name inside its data region. A
// crash, an ASan report or a broken invariant is a bug.
//
//===----------------------------------------------------------------------===//

#include "test/fuzz/MemoryFile.h"

#include "strata/runtime.h"
#include "strata/weights.h"

#include <cstring>
#include <vector>

using strata::fuzz::MemoryFile;

namespace {

[[noreturn]] void broken(const char *what) {
  std::fprintf(stderr, "broken invariant: %s\n", what);
  std::abort();
}

/// Whether [offset, offset + bytes) lies in `size` bytes, without wrapping.
bool inside(uint64_t offset, uint64_t bytes, uint64_t size) {
  return offset <= size && bytes <= size - offset;
}

/// Seals `file` as described above; returns the model id to open it with.
uint64_t seal(std::vector<uint8_t> &file) {
  strata_weights_header header;
  if (file.size() < sizeof header)
    return 0;
  std::memcpy(&header, file.data(), sizeof header);
  uint64_t indexBytes = static_cast<uint64_t>(header.count) * sizeof(strata_weights_entry);
  if (!inside(sizeof header, indexBytes, file.size()))
    return header.model_id;
  for (uint32_t i = 0; i < header.count; ++i) {
    uint8_t *at = file.data() + sizeof header + i * sizeof(strata_weights_entry);
    strata_weights_entry entry;
    std::memcpy(&entry, at, sizeof entry);
    if (header.data_offset > file.size() ||
        !inside(entry.offset, entry.bytes, file.size() - header.data_offset))
      continue;
    entry.checksum = strata_checksum(file.data() + header.data_offset + entry.offset, entry.bytes);
    std::memcpy(at, &entry, sizeof entry);
  }
  if (!inside(sizeof header + indexBytes, header.names_bytes, file.size()))
    return header.model_id;
  header.model_id = strata_checksum(file.data() + sizeof header, indexBytes + header.names_bytes);
  header.layout_id = strata_weights_layout_id(
      file.data() + sizeof header, header.count,
      reinterpret_cast<const char *>(file.data()) + sizeof header + indexBytes, header.names_bytes);
  std::memcpy(file.data(), &header, sizeof header);
  return header.model_id;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  uint64_t modelId = seal(bytes);
  MemoryFile file(bytes.data(), bytes.size());
  strata_weights *opened = nullptr;
  strata::StatusPtr status(strata_weights_open(file.c_str(), modelId, &opened));
  if (status) {
    if (!*strata_status_message(status.get()))
      broken("an error without a message");
    return 0;
  }
  strata::WeightsPtr weights(opened);
  strata_weights_header header;
  std::memcpy(&header, bytes.data(), sizeof header);
  const uint8_t *region = static_cast<const uint8_t *>(strata_weights_data(weights.get()));
  size_t regionSize = strata_weights_size(weights.get());
  const char *names = reinterpret_cast<const char *>(bytes.data()) + sizeof header +
                      static_cast<size_t>(header.count) * sizeof(strata_weights_entry);
  for (uint32_t i = 0; i < header.count; ++i) {
    strata_weights_entry entry;
    std::memcpy(&entry, bytes.data() + sizeof header + i * sizeof entry, sizeof entry);
    const void *found = nullptr;
    size_t foundBytes = 0;
    if (strata::StatusPtr missing{
            strata_weights_find(weights.get(), names + entry.name_offset, &found, &foundBytes)})
      broken("a tensor of an opened file is not found by its name");
    const uint8_t *at = static_cast<const uint8_t *>(found);
    if (at < region || !inside(static_cast<uint64_t>(at - region), foundBytes, regionSize))
      broken("a tensor found lies outside the data region");
  }
  return 0;
}

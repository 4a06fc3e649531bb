/*===- weights.h - The packed weights file ---------------------------------===*
 *
 * `stratac compile ... -o out/model` writes the model's large constants to
 * `out/model.weights`, which the program maps at start-up:
 *
 *   offset 0            strata_weights_header
 *   offset 64           strata_weights_entry[count]          (the index)
 *   64 + 40 * count     the string table: names_bytes bytes of names
 *   data_offset         the data region, to the end of the file: each tensor
 *                       at a multiple of STRATA_WEIGHTS_ALIGNMENT from its start
 *
 * The index is keyed by name: each entry's name is a string of any length in
 * the string table, followed there by a NUL byte. Tensor offsets count from
 * the start of the data region (itself at a multiple of
 * STRATA_WEIGHTS_ALIGNMENT), so the compiled code, which is given the data
 * region, does not depend on the size of the index. Every entry carries the
 * strata_checksum of its bytes, checked when the file is opened; the
 * header's model_id (the checksum of the index and the string table, as
 * the compiler wrote them) ties the file to the program that was compiled
 * with it; its layout_id (strata_weights_layout_id: the same without the
 * tensors' checksums) is what the index is checked against. A training
 * program's checkpoint (strata_weights_save) keeps both ids and has fresh
 * checksums: it belongs to the program that wrote it. All integers are
 * little-endian.
 *
 *===----------------------------------------------------------------------===*/

#ifndef STRATA_WEIGHTS_H
#define STRATA_WEIGHTS_H

#include <stdint.h>

/// The first 8 bytes of every weights file.
#define STRATA_WEIGHTS_MAGIC "STRATAW1"
/// The layout version this header describes; readers refuse others.
#define STRATA_WEIGHTS_VERSION 3
/// Alignment of the data region in the file and of each tensor in it: a page,
/// and enough for O_DIRECT reads.
#define STRATA_WEIGHTS_ALIGNMENT 4096

/// The 64 bytes at offset 0.
typedef struct strata_weights_header {
  char magic[8];        ///< STRATA_WEIGHTS_MAGIC, not NUL-terminated
  uint32_t version;     ///< STRATA_WEIGHTS_VERSION
  uint32_t count;       ///< index entries that follow the header
  uint64_t model_id;    ///< strata_checksum of the index and string table
  uint64_t file_size;   ///< the whole file, in bytes
  uint64_t names_bytes; ///< size of the string table after the index
  uint64_t data_offset; ///< start of the data region, aligned
  uint64_t layout_id;   ///< strata_weights_layout_id of the index and names
  uint8_t reserved[8];  ///< zero
} strata_weights_header;

/// One tensor: 40 bytes, `count` of them right after the header.
typedef struct strata_weights_entry {
  uint64_t name_offset; ///< of the name, from the start of the string table
  uint64_t name_size;   ///< the name's bytes, without the NUL after it
  uint64_t offset;      ///< from the start of the data region, aligned
  uint64_t bytes;       ///< the tensor's size
  uint64_t checksum;    ///< strata_checksum of those bytes
} strata_weights_entry;

#endif /* STRATA_WEIGHTS_H */

/*===- weights.h - The packed weights file ---------------------------------===*
 *
 * `stratac compile ... -o out/model` writes the model's large constants to
 * `out/model.weights`, which the program maps at start-up:
 *
 *   offset 0     strata_weights_header
 *   offset 64    strata_weights_entry[count]          (the index)
 *   ...          each tensor at a multiple of STRATA_WEIGHTS_ALIGNMENT
 *
 * Offsets count from the start of the file. Every entry carries the
 * strata_checksum of its bytes, checked when the file is opened; the header's
 * model_id (the checksum of the index) ties the file to the program that was
 * compiled with it. All integers are little-endian.
 *
 *===----------------------------------------------------------------------===*/

#ifndef STRATA_WEIGHTS_H
#define STRATA_WEIGHTS_H

#include <stdint.h>

/// The first 8 bytes of every weights file.
#define STRATA_WEIGHTS_MAGIC "STRATAW1"
/// The layout version this header describes; readers refuse others.
#define STRATA_WEIGHTS_VERSION 1
/// Tensor alignment in the file: a page, and enough for O_DIRECT reads.
#define STRATA_WEIGHTS_ALIGNMENT 4096
/// Bytes of an index entry's name field, the terminating NUL included.
#define STRATA_WEIGHTS_NAME_SIZE 64

/// The 64 bytes at offset 0.
typedef struct strata_weights_header {
  char magic[8];        ///< STRATA_WEIGHTS_MAGIC, not NUL-terminated
  uint32_t version;     ///< STRATA_WEIGHTS_VERSION
  uint32_t count;       ///< index entries that follow the header
  uint64_t model_id;    ///< strata_checksum of the index; also in the program
  uint64_t file_size;   ///< the whole file, in bytes
  uint8_t reserved[32]; ///< zero
} strata_weights_header;

/// One tensor: 96 bytes, `count` of them right after the header.
typedef struct strata_weights_entry {
  char name[STRATA_WEIGHTS_NAME_SIZE]; ///< the constant's symbol, for messages
  uint64_t offset;                     ///< from the start of the file, aligned
  uint64_t bytes;                      ///< the tensor's size
  uint64_t checksum;                   ///< strata_checksum of those bytes
  uint64_t reserved;                   ///< zero
} strata_weights_entry;

#endif /* STRATA_WEIGHTS_H */

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

#define STRATA_WEIGHTS_MAGIC "STRATAW1"
#define STRATA_WEIGHTS_VERSION 1
/// Tensor alignment in the file: a page, and enough for O_DIRECT reads.
#define STRATA_WEIGHTS_ALIGNMENT 4096
#define STRATA_WEIGHTS_NAME_SIZE 64

typedef struct strata_weights_header {
  char magic[8];
  uint32_t version;
  uint32_t count;
  uint64_t model_id;
  uint64_t file_size;
  uint8_t reserved[32];
} strata_weights_header;

typedef struct strata_weights_entry {
  char name[STRATA_WEIGHTS_NAME_SIZE]; /* NUL-terminated, possibly truncated */
  uint64_t offset;
  uint64_t bytes;
  uint64_t checksum;
  uint64_t reserved;
} strata_weights_entry;

#endif /* STRATA_WEIGHTS_H */

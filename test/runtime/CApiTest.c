/*===- CApiTest.c - The runtime header compiled as C --------------*- C -*-===*\
|*                                                                            *|
|* Emitted code and C embedders include strata/runtime.h from C. This file    *|
|* is compiled by the C compiler so that any C++-only construct in the public *|
|* header breaks the build, and exercises the handles through plain C.        *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "strata/runtime.h"

#include <string.h>

int strataRunCApiScenario(void);

/* Returns 0 on success, or the number of the first failed check. */
int strataRunCApiScenario(void) {
  int64_t dims[2] = {2, 2};
  strata_tensor *tensor = NULL;
  strata_arena *arena = NULL;
  strata_status status;
  void *slot = NULL;
  int result = 0;

  if (strata_runtime_abi_version() != STRATA_RUNTIME_ABI_VERSION)
    return 1;
  status = strata_arena_create(256, 64, &arena);
  if (status) {
    strata_status_free(status);
    return 2;
  }
  status = strata_arena_alloc(arena, 64, 16, &slot);
  if (status) {
    strata_status_free(status);
    result = 3;
    goto done;
  }
  status = strata_tensor_wrap(STRATA_DTYPE_I32, 2, dims, slot, 16, &tensor);
  if (status) {
    strata_status_free(status);
    result = 4;
    goto done;
  }
  if (strata_tensor_num_elements(tensor) != 4 || strata_tensor_data(tensor) != slot)
    result = 5;
  status = strata_arena_alloc(arena, 3, 1, &slot);
  if (strata_status_get_code(status) != STRATA_ERROR_OUT_OF_RANGE ||
      strstr(strata_status_message(status), "offset 3") == NULL)
    result = 6;
  strata_status_free(status);

done:
  strata_tensor_destroy(tensor);
  strata_arena_destroy(arena);
  return result;
}

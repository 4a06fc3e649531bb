/*===- CApiTest.c - The runtime header compiled as C --------------*- C -*-===*\
|*                                                                            *|
|* Emitted code and C embedders include strata/runtime.h from C. This file    *|
|* is compiled by the C compiler so that any C++-only construct in the public *|
|* header breaks the build, and exercises the handles through plain C.        *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "strata/model.h"
#include "strata/runtime.h"
#include "strata/weights.h"

#include <string.h>

int strataRunCApiScenario(void);

/* Returns 0 on success, or the number of the first failed check. */
int strataRunCApiScenario(void) {
  int64_t dims[2] = {2, 2};
  int32_t storage[4] = {1, 2, 3, 4};
  strata_tensor *tensor = NULL;
  strata_tensor *wrong = NULL;
  strata_status status;
  int result = 0;

  if (strata_runtime_abi_version() != STRATA_RUNTIME_ABI_VERSION)
    return 1;
  if (sizeof(strata_weights_header) != 64 || sizeof(strata_weights_entry) != 40)
    return 2;
  status = strata_tensor_wrap(STRATA_DTYPE_I32, 2, dims, storage, sizeof storage, &tensor);
  if (status) {
    strata_status_free(status);
    return 3;
  }
  if (strata_tensor_num_elements(tensor) != 4 || strata_tensor_data(tensor) != storage)
    result = 4;
  status = strata_tensor_wrap(STRATA_DTYPE_I32, 2, dims, storage, 3, &wrong);
  if (strata_status_get_code(status) != STRATA_ERROR_INVALID_ARGUMENT ||
      strstr(strata_status_message(status), "3 bytes given") == NULL || wrong != NULL)
    result = 5;
  strata_status_free(status);
  strata_tensor_destroy(tensor);
  return result;
}

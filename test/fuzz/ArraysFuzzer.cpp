//===- ArraysFuzzer.cpp - libFuzzer target for the .npy and .npz readers --===//
//
// Each input is read as a .npy file and as a .npz archive, as the program
// reads `--input` files: every input either loads or is refused with a
// message. A loaded tensor is checked to hold the bytes its dtype and shape
// say, and saved and read back (a round trip must give the same tensor; the
// scratch file lives in /dev/shm). A crash, an ASan report or a broken round
// trip is a bug.
//
//===----------------------------------------------------------------------===//

#include "test/fuzz/MemoryFile.h"

#include "strata/runtime.h"

#include <cstring>
#include <string>

using strata::fuzz::MemoryFile;

namespace {

[[noreturn]] void broken(const char *what) {
  std::fprintf(stderr, "broken invariant: %s\n", what);
  std::abort();
}

/// A directory in memory (the writer fsyncs) for the process's round trips,
/// removed when it exits.
struct ScratchDirectory {
  ScratchDirectory() {
    char name[] = "/dev/shm/strata-arrays-fuzz-XXXXXX";
    if (!::mkdtemp(name))
      broken("mkdtemp in /dev/shm");
    dir = name;
  }
  ~ScratchDirectory() { ::rmdir(dir.c_str()); }
  std::string dir;
};

/// Checks what a reader handed back and that it survives a round trip.
void checkTensor(const strata_tensor *t) {
  int64_t elements = strata_tensor_num_elements(t);
  if (elements < 0 || strata_tensor_rank(t) < 0)
    broken("negative element count or rank");
  size_t expected = static_cast<size_t>(elements) * strata_dtype_size(strata_tensor_dtype(t));
  if (strata_tensor_byte_size(t) != expected)
    broken("byte size differs from dtype size times elements");
  static const ScratchDirectory scratch;
  std::string path = scratch.dir + "/t.npy";
  strata::StatusPtr saved(strata_npy_save(path.c_str(), t));
  if (!saved) {
    strata_tensor *back = nullptr;
    strata::StatusPtr loaded(strata_npy_load(path.c_str(), &back));
    strata::TensorPtr owned(back);
    if (loaded || strata_tensor_dtype(back) != strata_tensor_dtype(t) ||
        strata_tensor_rank(back) != strata_tensor_rank(t) ||
        std::memcmp(strata_tensor_dims(back), strata_tensor_dims(t),
                    sizeof(int64_t) * strata_tensor_rank(t)) != 0 ||
        std::memcmp(strata_tensor_data(back), strata_tensor_data(const_cast<strata_tensor *>(t)),
                    expected) != 0)
      broken("a saved tensor does not load back the same");
  }
  ::unlink(path.c_str());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MemoryFile file(data, size);
  strata_tensor *tensor = nullptr;
  if (strata::StatusPtr status{strata_npy_load(file.c_str(), &tensor)}; !status) {
    strata::TensorPtr owned(tensor);
    checkTensor(tensor);
  } else if (!*strata_status_message(status.get())) {
    broken("an error without a message");
  }
  strata_tensor **tensors = nullptr;
  int32_t count = 0;
  if (strata::StatusPtr status{strata_npz_load(file.c_str(), &tensors, &count)}; !status) {
    for (int32_t i = 0; i < count; ++i)
      checkTensor(tensors[i]);
    strata_tensor_list_free(tensors, count);
  } else if (!*strata_status_message(status.get())) {
    broken("an error without a message");
  }
  return 0;
}

//===- WeightsFind.cpp - Read one weight back by name ---------------------===//
//
//   strata-weights-find FILE.weights NAME OUT
//
// A helper of the lit tests: opens a weights file through the runtime (with
// the model id its header records, so every other check applies), looks the
// tensor NAME up with strata_weights_find, writes its bytes to OUT and prints
// "NAME: N bytes". Errors go to standard error with exit status 1.
//
//===----------------------------------------------------------------------===//

#include "strata/runtime.h"
#include "strata/weights.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace {

int fail(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

std::string takeMessage(strata_status s) {
  std::string message = strata_status_message(s);
  strata_status_free(s);
  return message;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 4)
    return fail("usage: strata-weights-find FILE.weights NAME OUT");
  const char *path = argv[1], *name = argv[2], *outPath = argv[3];
  strata_weights_header header;
  std::FILE *file = std::fopen(path, "rb");
  if (!file)
    return fail(std::string(path) + ": " + std::strerror(errno));
  size_t got = std::fread(&header, 1, sizeof header, file);
  std::fclose(file);
  if (got != sizeof header)
    return fail(std::string(path) + ": shorter than a weights file header");
  strata_weights *raw = nullptr;
  if (strata_status s = strata_weights_open(path, header.model_id, &raw))
    return fail(takeMessage(s));
  strata::WeightsPtr weights(raw);
  const void *data = nullptr;
  size_t bytes = 0;
  if (strata_status s = strata_weights_find(weights.get(), name, &data, &bytes))
    return fail(takeMessage(s));
  std::FILE *out = std::fopen(outPath, "wb");
  if (!out)
    return fail(std::string(outPath) + ": " + std::strerror(errno));
  bool written = std::fwrite(data, 1, bytes, out) == bytes;
  if (std::fclose(out) != 0 || !written)
    return fail(std::string(outPath) + ": cannot write " + std::to_string(bytes) + " bytes");
  std::printf("%s: %zu bytes\n", name, bytes);
  return 0;
}

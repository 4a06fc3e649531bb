//===- WeightsFileReader.cpp - Reading a weights file's tensors -----------===//

#include "lib/emit/WeightsFileReader.h"

#include "strata/runtime.h"

namespace strata {

void WeightsFileReader::Closer::operator()(strata_weights *w) const { strata_weights_close(w); }

llvm::Expected<WeightsFileReader> WeightsFileReader::open(llvm::StringRef path) {
  auto error = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  strata_weights *opened = nullptr;
  if (strata_status s = strata_weights_open_any(path.str().c_str(), &opened)) {
    std::string message = strata_status_message(s);
    strata_status_free(s);
    return error(message);
  }
  WeightsFileReader reader;
  reader.weights.reset(opened);
  return std::move(reader);
}

std::optional<llvm::ArrayRef<char>> WeightsFileReader::find(llvm::StringRef name) const {
  const void *data = nullptr;
  size_t bytes = 0;
  if (strata_status s = strata_weights_find(weights.get(), name.str().c_str(), &data, &bytes)) {
    strata_status_free(s);
    return std::nullopt;
  }
  return llvm::ArrayRef<char>(static_cast<const char *>(data), bytes);
}

} // namespace strata

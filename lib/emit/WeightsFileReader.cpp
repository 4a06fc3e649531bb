//===- WeightsFileReader.cpp - Reading a weights file's tensors -----------===//

#include "lib/emit/WeightsFileReader.h"

#include "strata/runtime.h"
#include "strata/weights.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cstring>

namespace strata {

void WeightsFileReader::Closer::operator()(strata_weights *w) const { strata_weights_close(w); }

llvm::Expected<WeightsFileReader> WeightsFileReader::open(llvm::StringRef path) {
  auto error = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  // The header's model id, to open the file with: the loader then checks the
  // rest (magic, layout id, every tensor's checksum).
  strata_weights_header header;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> head =
      llvm::MemoryBuffer::getFileSlice(path, sizeof header, 0);
  if (!head)
    return error("cannot read weights file '" + path + "': " + head.getError().message());
  if ((*head)->getBufferSize() < sizeof header)
    return error("weights file '" + path + "' is truncated");
  std::memcpy(&header, (*head)->getBufferStart(), sizeof header);
  strata_weights *opened = nullptr;
  if (strata_status s = strata_weights_open(path.str().c_str(), header.model_id, &opened)) {
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

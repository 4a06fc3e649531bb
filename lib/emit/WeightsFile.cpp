//===- WeightsFile.cpp - Writing the packed weights file ------------------===//
//
// Tensor bytes are written straight from the attributes (memory-mapped
// external data stays mapped); only splats are expanded. The planned offsets
// count from the start of the data region, which follows the index and the
// names at the next aligned offset.
//
//===----------------------------------------------------------------------===//

#include "lib/emit/WeightsFile.h"

#include "dialects/program/ProgramDialect.h"
#include "dialects/program/WeightBytes.h"

#include "strata/runtime.h"
#include "strata/weights.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;

namespace strata {
namespace {

struct PlannedTensor {
  std::string name;
  uint64_t offset;
  ElementsAttr value;
  program::WeightBytes bytes;
};

} // namespace

FailureOr<uint64_t> writeWeightsFile(ModuleOp module, StringRef path) {
  auto plan = module->getAttrOfType<ArrayAttr>(program::ProgramDialect::kWeights);
  std::vector<PlannedTensor> tensors;
  SmallVector<program::WeightAttr> entries;
  if (plan)
    entries = llvm::to_vector(plan.getAsRange<program::WeightAttr>());
  for (program::WeightAttr entry : entries) {
    PlannedTensor t;
    t.name = entry.getName().str();
    t.offset = entry.getOffset();
    t.value = entry.getValue();
    if (failed(program::readWeightBytes(t.value, t.bytes)))
      return module.emitError("weight '") << t.name << "' has no data (elided resource)";
    auto type = cast<ShapedType>(t.value.getType());
    uint64_t expected = type.getNumElements() * (type.getElementTypeBitWidth() / 8);
    if (t.bytes.data.size() != expected)
      return module.emitError("weight '") << t.name << "' holds " << t.bytes.data.size()
                                          << " bytes, its type needs " << expected;
    if (!tensors.empty() && t.offset < tensors.back().offset + tensors.back().bytes.data.size())
      return module.emitError("weight '") << t.name << "' overlaps the one before it";
    tensors.push_back(std::move(t));
  }
  module->removeAttr(program::ProgramDialect::kWeights);

  // The index, then the names (each followed by a NUL), then the data region.
  std::vector<strata_weights_entry> index(tensors.size());
  std::string names;
  uint64_t dataBytes = 0;
  for (auto [e, t] : llvm::zip_equal(index, tensors)) {
    e.name_offset = names.size();
    e.name_size = t.name.size();
    e.offset = t.offset;
    e.bytes = t.bytes.data.size();
    e.checksum = strata_checksum(t.bytes.data.data(), t.bytes.data.size());
    names += t.name;
    names += '\0';
    dataBytes = t.offset + t.bytes.data.size();
  }
  size_t indexBytes = index.size() * sizeof(strata_weights_entry);
  std::string described(reinterpret_cast<const char *>(index.data()), indexBytes);
  described += names;
  strata_weights_header header;
  std::memset(&header, 0, sizeof header);
  std::memcpy(header.magic, STRATA_WEIGHTS_MAGIC, 8);
  header.version = STRATA_WEIGHTS_VERSION;
  header.count = index.size();
  header.model_id = strata_checksum(described.data(), described.size());
  header.layout_id =
      strata_weights_layout_id(index.data(), index.size(), names.data(), names.size());
  header.names_bytes = names.size();
  header.data_offset = llvm::alignTo(sizeof header + described.size(), STRATA_WEIGHTS_ALIGNMENT);
  header.file_size = header.data_offset + dataBytes;

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return module.emitError("cannot write '") << path << "': " << ec.message();
  os.write(reinterpret_cast<const char *>(&header), sizeof header);
  os << described;
  os.write_zeros(header.data_offset - sizeof header - described.size());
  uint64_t at = 0;
  for (const PlannedTensor &t : tensors) {
    os.write_zeros(t.offset - at);
    os.write(t.bytes.data.data(), t.bytes.data.size());
    at = t.offset + t.bytes.data.size();
  }
  os.close();
  if (os.has_error()) {
    // Cleared, or the stream's destructor would end the process.
    std::error_code error = os.error();
    os.clear_error();
    return module.emitError("cannot write the weights file '") << path << "': " << error.message();
  }
  return header.model_id;
}

} // namespace strata

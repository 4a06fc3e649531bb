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
  /// The bytes: a view of the attribute's storage, or `expanded`.
  ArrayRef<char> data;
  std::vector<char> expanded;
};

/// Points `t.data` at the tensor's bytes.
LogicalResult readBytes(ModuleOp module, PlannedTensor &t) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(t.value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return module.emitError("weight '") << t.name << "' has no data (elided resource)";
    t.data = blob->getData();
    return success();
  }
  auto dense = cast<DenseElementsAttr>(t.value);
  ArrayRef<char> raw = dense.getRawData();
  if (!dense.isSplat()) {
    t.data = raw;
    return success();
  }
  int64_t count = dense.getNumElements();
  t.expanded.resize(raw.size() * count);
  for (int64_t i = 0; i < count; ++i)
    std::memcpy(t.expanded.data() + i * raw.size(), raw.data(), raw.size());
  t.data = t.expanded;
  return success();
}

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
    if (failed(readBytes(module, t)))
      return failure();
    auto type = cast<ShapedType>(t.value.getType());
    uint64_t expected = type.getNumElements() * (type.getElementTypeBitWidth() / 8);
    if (t.data.size() != expected)
      return module.emitError("weight '")
             << t.name << "' holds " << t.data.size() << " bytes, its type needs " << expected;
    if (!tensors.empty() && t.offset < tensors.back().offset + tensors.back().data.size())
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
    e.bytes = t.data.size();
    e.checksum = strata_checksum(t.data.data(), t.data.size());
    names += t.name;
    names += '\0';
    dataBytes = t.offset + t.data.size();
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
    os.write(t.data.data(), t.data.size());
    at = t.offset + t.data.size();
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

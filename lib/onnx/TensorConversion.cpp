//===- TensorConversion.cpp - ONNX tensors and types to MLIR --------------===//
//
// Decodes TensorProto payloads: raw_data, the typed repeated fields, and external
// data files (contained in the model's folder, see ModelFiles.h), which are
// memory-mapped once per file and shared by all tensors in them.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/TensorConversion.h"

#include "lib/onnx/ModelFiles.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using llvm::createStringError;
using llvm::Expected;

namespace strata::onnx {

Expected<Type> convertElementType(MLIRContext *ctx, int32_t dataType) {
  using TP = ::onnx::TensorProto;
  auto signedInt = [&](unsigned w) { return IntegerType::get(ctx, w); };
  auto unsignedInt = [&](unsigned w) { return IntegerType::get(ctx, w, IntegerType::Unsigned); };
  switch (dataType) {
  case TP::FLOAT:
    return Float32Type::get(ctx);
  case TP::DOUBLE:
    return Float64Type::get(ctx);
  case TP::FLOAT16:
    return Float16Type::get(ctx);
  case TP::BFLOAT16:
    return BFloat16Type::get(ctx);
  case TP::BOOL:
    return signedInt(1);
  case TP::INT8:
    return signedInt(8);
  case TP::INT16:
    return signedInt(16);
  case TP::INT32:
    return signedInt(32);
  case TP::INT64:
    return signedInt(64);
  case TP::UINT8:
    return unsignedInt(8);
  case TP::UINT16:
    return unsignedInt(16);
  case TP::UINT32:
    return unsignedInt(32);
  case TP::UINT64:
    return unsignedInt(64);
  case TP::STRING:
    return createStringError("string tensors are not supported");
  default:
    return createStringError("element type " + std::to_string(dataType) +
                             " is not supported (supported: float, double, float16, "
                             "bfloat16, bool, int8-64, uint8-64)");
  }
}

static int64_t byteWidth(Type element) {
  return element.isInteger(1) ? 1 : llvm::divideCeil(element.getIntOrFloatBitWidth(), 8);
}

/// Serialises the typed repeated fields of `tensor` in the little-endian layout of
/// raw_data.
static Expected<std::string> typedFieldBytes(const ::onnx::TensorProto &t, Type element,
                                             int64_t count) {
  // Checked before allocating: `count` comes from the dims, not from the data.
  bool isF32 = element.isF32(), isF64 = element.isF64();
  bool isI64 = element.isInteger(64) && !element.isUnsignedInteger();
  bool isU64OrU32 = element.isUnsignedInteger(64) || element.isUnsignedInteger(32);
  int64_t got = isF32        ? t.float_data_size()
                : isF64      ? t.double_data_size()
                : isI64      ? t.int64_data_size()
                : isU64OrU32 ? t.uint64_data_size()
                             : t.int32_data_size();
  if (got != count)
    return createStringError("tensor '" + t.name() + "' holds " + std::to_string(got) +
                             " values for " + std::to_string(count) + " elements");
  std::string out;
  int64_t width = byteWidth(element);
  out.resize(count * width);
  auto store = [&](int64_t i, uint64_t bits) { std::memcpy(out.data() + i * width, &bits, width); };
  if (isF32) {
    std::memcpy(out.data(), t.float_data().data(), count * 4);
  } else if (isF64) {
    std::memcpy(out.data(), t.double_data().data(), count * 8);
  } else if (isI64) {
    std::memcpy(out.data(), t.int64_data().data(), count * 8);
  } else if (isU64OrU32) {
    for (int64_t i = 0; i < count; ++i)
      store(i, t.uint64_data(i));
  } else {
    // int32_data carries every narrower integer type, bool, float16 and bfloat16.
    for (int64_t i = 0; i < count; ++i)
      store(i, static_cast<uint32_t>(t.int32_data(i)));
  }
  return out;
}

Expected<std::shared_ptr<llvm::MemoryBuffer>> TensorStorage::mapFile(StringRef location) {
  Expected<std::string> path = resolveExternalDataPath(baseDir_, location);
  if (!path)
    return path.takeError();
  auto it = files_.find(*path);
  if (it != files_.end())
    return it->second;
  Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      openRegularFile(*path, "external data file");
  if (!buffer)
    return buffer.takeError();
  std::shared_ptr<llvm::MemoryBuffer> shared = std::move(*buffer);
  files_[*path] = shared;
  return shared;
}

Expected<ArrayRef<char>> TensorStorage::rawBytes(const ::onnx::TensorProto &t,
                                                 int64_t expectedBytes,
                                                 std::shared_ptr<const void> &owner,
                                                 bool &present) {
  if (t.data_location() == ::onnx::TensorProto::EXTERNAL) {
    std::string location, offset, length;
    for (const auto &entry : t.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset")
        offset = entry.value();
      else if (entry.key() == "length")
        length = entry.value();
    }
    if (location.empty())
      return createStringError("tensor '" + t.name() + "' has external data without a location");
    Expected<std::shared_ptr<llvm::MemoryBuffer>> file = mapFile(location);
    if (!file)
      return createStringError("tensor '" + t.name() + "': " + llvm::toString(file.takeError()));
    Expected<ExternalDataRange> range = checkExternalDataRange(
        t.name(), location, offset, length, expectedBytes, (*file)->getBufferSize());
    if (!range)
      return range.takeError();
    owner = *file;
    present = true;
    return ArrayRef<char>((*file)->getBufferStart() + range->offset, range->length);
  }
  if (t.has_raw_data()) {
    if (static_cast<int64_t>(t.raw_data().size()) != expectedBytes)
      return createStringError("tensor '" + t.name() + "' has " +
                               std::to_string(t.raw_data().size()) +
                               " bytes of raw data, expected " + std::to_string(expectedBytes));
    owner = model_;
    present = true;
    return ArrayRef<char>(t.raw_data().data(), t.raw_data().size());
  }
  return ArrayRef<char>();
}

Expected<ArrayRef<char>> TensorStorage::bytes(MLIRContext *ctx, const ::onnx::TensorProto &t,
                                              std::string &copied,
                                              std::shared_ptr<const void> &owner) {
  Expected<Type> element = convertElementType(ctx, t.data_type());
  if (!element)
    return createStringError("tensor '" + t.name() + "': " + llvm::toString(element.takeError()));
  int64_t count = 1, bytes = 0;
  for (int64_t d : t.dims()) {
    if (d < 0)
      return createStringError("tensor '" + t.name() + "' has a negative dimension");
    if (llvm::MulOverflow(count, d, count))
      return createStringError("tensor '" + t.name() +
                               "' has more elements than 64 bits can count");
  }
  if (llvm::MulOverflow(count, byteWidth(*element), bytes))
    return createStringError("tensor '" + t.name() + "' has more bytes than 64 bits can count");
  bool present = false;
  Expected<ArrayRef<char>> raw = rawBytes(t, bytes, owner, present);
  if (!raw || present)
    return raw;
  Expected<std::string> typed = typedFieldBytes(t, *element, count);
  if (!typed)
    return typed.takeError();
  copied = std::move(*typed);
  return ArrayRef<char>(copied);
}

Expected<ElementsAttr> TensorStorage::convert(MLIRContext *ctx, const ::onnx::TensorProto &t,
                                              bool inlineData) {
  std::shared_ptr<const void> owner;
  std::string copied;
  Expected<ArrayRef<char>> bytesOrError = bytes(ctx, t, copied, owner);
  if (!bytesOrError)
    return bytesOrError.takeError();
  ArrayRef<char> data = *bytesOrError;
  Type element = *convertElementType(ctx, t.data_type());
  auto type =
      RankedTensorType::get(SmallVector<int64_t>(t.dims().begin(), t.dims().end()), element);

  if (inlineData || !owner) {
    if (element.isInteger(1)) {
      SmallVector<bool> values;
      for (char c : data)
        values.push_back(c != 0);
      return DenseElementsAttr::get(type, values);
    }
    bool detectedSplat = false;
    if (!DenseElementsAttr::isValidRawBuffer(type, data, detectedSplat))
      return createStringError("tensor '" + t.name() + "' has a malformed payload");
    return DenseElementsAttr::getFromRawBuffer(type, data);
  }

  uintptr_t address = reinterpret_cast<uintptr_t>(data.data());
  size_t align = std::min<size_t>(byteWidth(element), 64);
  while (align > 1 && address % align != 0)
    align /= 2;
  AsmResourceBlob blob =
      UnmanagedAsmResourceBlob::allocateWithAlign(data, align, [owner](void *, size_t, size_t) {});
  std::string name = t.name().empty() ? "tensor" : t.name();
  return DenseResourceElementsAttr::get(type, name, std::move(blob));
}

} // namespace strata::onnx

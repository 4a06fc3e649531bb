//===- TrainedModel.cpp - An ONNX model with trained initializers ---------===//
//
// The weights file is checked in full (every checksum) before any of it is
// used (WeightsFileReader). Tensors are
// copied as bytes: both the weights file and ONNX's raw_data are
// little-endian and row-major.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/TrainedModel.h"

#include "lib/driver/OutputFile.h"
#include "lib/emit/WeightsFileReader.h"
#include "lib/onnx/ModelFiles.h"

#include <climits>
#include <cstring>
#include <google/protobuf/io/coded_stream.h>
#include <onnx/onnx_pb.h>

namespace strata {
namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The bytes of an element of the float ONNX type `type`, or 0.
size_t floatBytes(int type) {
  switch (type) {
  case ::onnx::TensorProto::FLOAT:
    return 4;
  case ::onnx::TensorProto::DOUBLE:
    return 8;
  case ::onnx::TensorProto::FLOAT16:
  case ::onnx::TensorProto::BFLOAT16:
    return 2;
  default:
    return 0;
  }
}

} // namespace

llvm::Expected<InitializerUpdate> updateInitializers(llvm::StringRef modelPath,
                                                     llvm::StringRef weightsPath,
                                                     llvm::StringRef outPath) {
  llvm::Expected<WeightsFileReader> weights = WeightsFileReader::open(weightsPath);
  if (!weights)
    return weights.takeError();

  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> modelBuffer =
      onnx::openRegularFile(modelPath, "model file");
  if (!modelBuffer)
    return modelBuffer.takeError();
  ::onnx::ModelProto model;
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>((*modelBuffer)->getBufferStart()),
      (*modelBuffer)->getBufferSize());
  stream.SetTotalBytesLimit(INT_MAX);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage() || !model.has_graph())
    return error("'" + modelPath + "' is not an ONNX model (it does not parse as a ModelProto)");

  InitializerUpdate update;
  for (::onnx::TensorProto &t : *model.mutable_graph()->mutable_initializer()) {
    size_t element = floatBytes(t.data_type());
    if (element == 0)
      continue;
    ++update.floats;
    std::optional<llvm::ArrayRef<char>> trained = weights->find(t.name());
    if (!trained)
      continue;
    size_t bytes = trained->size();
    if (t.data_location() == ::onnx::TensorProto::EXTERNAL)
      return error("initializer '" + t.name() + "' of '" + modelPath +
                   "' is in external data, which update-weights does not write yet");
    uint64_t count = 1;
    for (int64_t d : t.dims())
      count *= static_cast<uint64_t>(d);
    if (count * element != bytes)
      return error("initializer '" + t.name() + "' of '" + modelPath + "' has " +
                   llvm::Twine(count * element) + " bytes, '" + weightsPath + "' holds " +
                   llvm::Twine(bytes) + " under its name: not the same model");
    t.clear_float_data();
    t.clear_double_data();
    t.clear_int32_data();
    t.set_raw_data(trained->data(), bytes);
    ++update.replaced;
  }
  if (update.replaced == 0)
    return error("'" + weightsPath + "' holds none of the float initializers of '" + modelPath +
                 "': is it the weights of a program compiled from this model?");
  if (model.ByteSizeLong() > static_cast<size_t>(INT_MAX))
    return error("the updated model would be over protobuf's 2 GiB limit, which ONNX models "
                 "without external data cannot exceed");
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    return error("cannot serialise the updated model");
  if (llvm::Error e = writeOutputFile(outPath, [&](llvm::raw_ostream &os) { os << bytes; }))
    return std::move(e);
  return update;
}

} // namespace strata

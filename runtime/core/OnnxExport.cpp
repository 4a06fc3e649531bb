//===- OnnxExport.cpp - Trained weights written into the ONNX model ------===//
//
// Only the protobuf wire format is needed: varints, and length-delimited
// fields of ModelProto (graph = 7), GraphProto (initializer = 5) and
// TensorProto (dims = 1, data_type = 2, raw_data = 9, external_data = 13,
// data_location = 14) as onnx.proto numbers them. Each initializer's header
// (its TensorProto without data) is read back only for its dims and data
// type, to check the trained tensor's size.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/OnnxExport.h"

#include "runtime/core/Executor.h"
#include "runtime/core/File.h"

#include <cerrno>
#include <cstring>
#include <deque>
#include <unistd.h>
#include <vector>

namespace strata {
namespace {

constexpr uint64_t kProtobufLimit = (uint64_t(1) << 31) - 1;
constexpr uint64_t kDataAlignment = 4096;

enum : uint8_t {
  kVarint = 0,
  kLengthDelimited = 2,
};

void appendVarint(std::string &out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void appendKey(std::string &out, unsigned field, uint8_t wireType) {
  appendVarint(out, (uint64_t(field) << 3) | wireType);
}

/// The bytes of a length-delimited field's key and length.
std::string delimited(unsigned field, uint64_t length) {
  std::string out;
  appendKey(out, field, kLengthDelimited);
  appendVarint(out, length);
  return out;
}

/// An `external_data` entry (StringStringEntryProto: key = 1, value = 2).
std::string externalEntry(const std::string &key, const std::string &value) {
  std::string entry = delimited(1, key.size()) + key + delimited(2, value.size()) + value;
  return delimited(13, entry.size()) + entry;
}

bool readVarint(const uint8_t *&at, const uint8_t *end, uint64_t &value) {
  value = 0;
  for (unsigned shift = 0; at < end && shift < 64; shift += 7) {
    uint8_t byte = *at++;
    value |= uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80))
      return true;
  }
  return false;
}

/// The bytes of an element of ONNX data type `type` among the float types a
/// weight trains in, or 0.
uint64_t floatBytes(uint64_t type) {
  switch (type) {
  case 1: // FLOAT
    return 4;
  case 10: // FLOAT16
  case 16: // BFLOAT16
    return 2;
  case 11: // DOUBLE
    return 8;
  default:
    return 0;
  }
}

/// The payload bytes the TensorProto header `header` describes (its dims
/// times its float element's size), or 0 when it is not a float tensor.
uint64_t payloadBytes(const uint8_t *header, uint32_t size) {
  const uint8_t *at = header, *end = header + size;
  uint64_t count = 1, element = 0;
  while (at < end) {
    uint64_t key, value;
    if (!readVarint(at, end, key))
      return 0;
    unsigned field = unsigned(key >> 3);
    if ((key & 7) == kVarint) {
      if (!readVarint(at, end, value))
        return 0;
      if (field == 1)
        count *= value;
      else if (field == 2)
        element = floatBytes(value);
    } else if ((key & 7) == kLengthDelimited) {
      if (!readVarint(at, end, value) || value > uint64_t(end - at))
        return 0;
      at += value;
    } else {
      return 0;
    }
  }
  return count * element;
}

/// One trained tensor: its bytes in the mapping and its TensorProto header.
struct Trained {
  const char *name;
  const void *data;
  size_t bytes;
  const uint8_t *header;
  uint32_t headerBytes;
};

/// The trained tensors of `weights` for `training`'s ONNX model into
/// `tensors`; fails, naming the cause, when the program does not carry the
/// model, or a tensor is missing or not its initializer's size.
std::string collectTrained(const strata_training &training, const strata_weights *weights,
                           std::vector<Trained> &tensors) {
  if (!training.onnx_model)
    return "--export-onnx: this program does not carry its ONNX model (stratac said why when it "
           "compiled it); write the weights with --export-weights or the checkpoint with "
           "stratac update-weights instead";
  for (int32_t i = 0; i < training.num_parameters; ++i) {
    Trained t{training.parameters[i], nullptr, 0, training.onnx_initializers[i],
              training.onnx_initializer_bytes[i]};
    if (strata_status s = strata_weights_find(weights, t.name, &t.data, &t.bytes))
      return "--export-onnx: " + takeMessage(s);
    uint64_t expected = payloadBytes(t.header, t.headerBytes);
    if (expected != t.bytes)
      return "--export-onnx: the trained tensor '" + std::string(t.name) + "' has " +
             std::to_string(t.bytes) + " bytes, its initializer in the ONNX model " +
             std::to_string(expected);
    tensors.push_back(t);
  }
  return "";
}

} // namespace

std::string externalDataPath(const std::string &outPath) { return outPath + ".data"; }

std::string checkOnnxExport(const strata_training &training, const strata_weights *weights,
                            const std::string &outPath) {
  std::vector<Trained> tensors;
  if (std::string e = collectTrained(training, weights, tensors); !e.empty())
    return e;
  size_t slash = outPath.find_last_of('/');
  std::string directory = slash == std::string::npos ? "." : outPath.substr(0, slash + 1);
  if (::access(directory.c_str(), W_OK | X_OK) != 0)
    return "--export-onnx: cannot write in directory '" + directory + "': " + std::strerror(errno);
  return "";
}

std::string exportOnnx(const strata_training &training, const strata_weights *weights,
                       const std::string &outPath, bool externalData, std::string &note) {
  std::vector<Trained> tensors;
  if (std::string e = collectTrained(training, weights, tensors); !e.empty())
    return e;
  uint64_t inlineBytes = training.onnx_model_bytes;
  for (const Trained &t : tensors)
    inlineBytes += t.headerBytes + t.bytes + 32;
  bool external = externalData || inlineBytes > kProtobufLimit;

  // Small pieces of the output, kept where the ranges point at them.
  std::deque<std::string> pieces;
  std::vector<runtime::ByteRange> graph, data;
  auto piece = [&](std::string bytes) {
    pieces.push_back(std::move(bytes));
    return runtime::ByteRange{pieces.back().data(), pieces.back().size()};
  };
  static const char zeros[kDataAlignment] = {};
  std::string dataPath = externalDataPath(outPath);
  std::string location = dataPath.substr(dataPath.find_last_of('/') + 1);
  uint64_t graphBytes = 0, offset = 0;
  for (const Trained &t : tensors) {
    runtime::ByteRange header{t.header, t.headerBytes};
    runtime::ByteRange tail;
    uint64_t tensorBytes = t.headerBytes;
    if (external) {
      if (offset % kDataAlignment)
        data.push_back({zeros, size_t(kDataAlignment - offset % kDataAlignment)});
      offset += (kDataAlignment - offset % kDataAlignment) % kDataAlignment;
      data.push_back({t.data, t.bytes});
      std::string fields = externalEntry("location", location) +
                           externalEntry("offset", std::to_string(offset)) +
                           externalEntry("length", std::to_string(t.bytes));
      appendKey(fields, 14, kVarint);
      appendVarint(fields, 1); // EXTERNAL
      offset += t.bytes;
      tail = piece(std::move(fields));
      tensorBytes += tail.size;
    } else {
      tail = piece(delimited(9, t.bytes));
      tensorBytes += tail.size + t.bytes;
    }
    runtime::ByteRange key = piece(delimited(5, tensorBytes));
    graph.insert(graph.end(), {key, header, tail});
    if (!external)
      graph.push_back({t.data, t.bytes});
    graphBytes += key.size + tensorBytes;
  }
  std::vector<runtime::ByteRange> model = {{training.onnx_model, training.onnx_model_bytes},
                                           piece(delimited(7, graphBytes))};
  model.insert(model.end(), graph.begin(), graph.end());

  if (!external) {
    if (strata_status s = runtime::writeFileAtomically(outPath.c_str(), model.data(), model.size()))
      return "--export-onnx: " + takeMessage(s);
  } else {
    // Both files are written in full before either is renamed into place,
    // so a failure leaves the previous export (or none) as it was.
    runtime::PendingFile dataFile, modelFile;
    strata_status s = dataFile.write(dataPath.c_str(), data.data(), data.size());
    if (!s)
      s = modelFile.write(outPath.c_str(), model.data(), model.size());
    if (!s)
      s = dataFile.commit();
    if (!s)
      s = modelFile.commit();
    if (s)
      return "--export-onnx: " + takeMessage(s);
  }
  note = "wrote " + outPath + ": the ONNX model with its " + std::to_string(tensors.size()) +
         " trained initializers" +
         (external ? " in " + dataPath + " (external data)" : std::string(" inline"));
  return "";
}

} // namespace strata

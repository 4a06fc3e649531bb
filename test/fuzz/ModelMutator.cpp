//===- ModelMutator.cpp - ONNX-aware mutations for the importer fuzzer ----===//
//
// libFuzzer's byte mutations mostly break the protobuf encoding, so most inputs
// stop at parsing. Three times in four this mutator parses the input as a
// ModelProto, changes one thing a model author could get wrong (an op type, an
// input, an attribute, a declared shape or element type, an opset) and writes it
// back; otherwise, or when the input does not parse, it leaves the bytes to
// libFuzzer. Built without coverage instrumentation: its own branches are not
// the importer's.
//
//===----------------------------------------------------------------------===//

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

using Rng = std::minstd_rand;

size_t pick(Rng &rng, size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

int64_t interestingInt(Rng &rng) {
  static const int64_t values[] = {-3,
                                   -2,
                                   -1,
                                   0,
                                   1,
                                   2,
                                   3,
                                   4,
                                   7,
                                   64,
                                   1 << 20,
                                   std::numeric_limits<int32_t>::max(),
                                   std::numeric_limits<int64_t>::max(),
                                   std::numeric_limits<int64_t>::min()};
  return values[pick(rng, std::size(values))];
}

float interestingFloat(Rng &rng) {
  static const float values[] = {0.0f,
                                 -0.0f,
                                 1.0f,
                                 -1.0f,
                                 0.5f,
                                 1e-12f,
                                 1e30f,
                                 std::numeric_limits<float>::infinity(),
                                 std::numeric_limits<float>::quiet_NaN()};
  return values[pick(rng, std::size(values))];
}

/// Every op type and attribute name the ONNX library knows, collected once.
struct Vocabulary {
  std::vector<std::string> opTypes;
  std::vector<std::string> contribOpTypes;
  std::vector<std::string> attrNames;
  Vocabulary() {
    for (const auto &schema : ::onnx::OpSchemaRegistry::get_all_schemas()) {
      if (schema.domain() != ::onnx::ONNX_DOMAIN)
        continue;
      opTypes.push_back(schema.Name());
      for (const auto &attr : schema.attributes())
        attrNames.push_back(attr.first);
    }
    // The com.microsoft ops Strata imports: the ONNX library has no schema for them.
    for (const char *op :
         {"Attention", "MultiHeadAttention", "GroupQueryAttention", "SkipLayerNormalization",
          "SkipSimplifiedLayerNormalization", "SimplifiedLayerNormalization",
          "EmbedLayerNormalization", "FastGelu", "BiasGelu", "Gelu", "RotaryEmbedding"})
      contribOpTypes.push_back(op);
  }
};

/// Every value name defined in the graph: inputs, initializers, node outputs.
std::vector<std::string> valueNames(const ::onnx::GraphProto &graph) {
  std::vector<std::string> names;
  for (const auto &v : graph.input())
    names.push_back(v.name());
  for (const auto &t : graph.initializer())
    names.push_back(t.name());
  for (const auto &n : graph.node())
    for (const auto &o : n.output())
      names.push_back(o);
  return names;
}

::onnx::ValueInfoProto *pickValueInfo(::onnx::GraphProto &graph, Rng &rng) {
  size_t total = graph.input_size() + graph.output_size() + graph.value_info_size();
  if (total == 0)
    return nullptr;
  size_t i = pick(rng, total);
  if (i < size_t(graph.input_size()))
    return graph.mutable_input(i);
  i -= graph.input_size();
  if (i < size_t(graph.output_size()))
    return graph.mutable_output(i);
  return graph.mutable_value_info(i - graph.output_size());
}

void mutateAttribute(::onnx::NodeProto &node, const Vocabulary &vocab, Rng &rng) {
  if (node.attribute_size() == 0 || pick(rng, 4) == 0) {
    auto *attr = node.add_attribute();
    attr->set_name(vocab.attrNames[pick(rng, vocab.attrNames.size())]);
    if (pick(rng, 2)) {
      attr->set_type(::onnx::AttributeProto::INT);
      attr->set_i(interestingInt(rng));
    } else {
      attr->set_type(::onnx::AttributeProto::INTS);
      for (size_t k = pick(rng, 5); k > 0; --k)
        attr->add_ints(interestingInt(rng));
    }
    return;
  }
  auto *attr = node.mutable_attribute(pick(rng, node.attribute_size()));
  switch (attr->type()) {
  case ::onnx::AttributeProto::INT:
    attr->set_i(interestingInt(rng));
    break;
  case ::onnx::AttributeProto::FLOAT:
    attr->set_f(interestingFloat(rng));
    break;
  case ::onnx::AttributeProto::INTS:
    if (attr->ints_size() > 0 && pick(rng, 3) != 0)
      attr->set_ints(pick(rng, attr->ints_size()), interestingInt(rng));
    else if (attr->ints_size() > 0 && pick(rng, 2))
      attr->mutable_ints()->RemoveLast();
    else
      attr->add_ints(interestingInt(rng));
    break;
  case ::onnx::AttributeProto::STRING:
    attr->set_s(pick(rng, 2) ? "" : attr->s() + "x");
    break;
  case ::onnx::AttributeProto::TENSOR:
    attr->mutable_t()->add_dims(interestingInt(rng));
    break;
  default:
    attr->set_type(::onnx::AttributeProto::INT);
    break;
  }
}

void mutateInputs(::onnx::NodeProto &node, const ::onnx::GraphProto &graph, Rng &rng) {
  std::vector<std::string> names = valueNames(graph);
  switch (pick(rng, 4)) {
  case 0:
    if (node.input_size() > 0)
      node.mutable_input()->RemoveLast();
    break;
  case 1:
    if (!names.empty())
      node.add_input(names[pick(rng, names.size())]);
    break;
  case 2:
    if (node.input_size() > 0)
      node.set_input(pick(rng, node.input_size()), "");
    break;
  default:
    if (node.input_size() > 0 && !names.empty())
      node.set_input(pick(rng, node.input_size()), names[pick(rng, names.size())]);
    break;
  }
}

void mutateShape(::onnx::ValueInfoProto &info, Rng &rng) {
  auto *type = info.mutable_type()->mutable_tensor_type();
  auto *shape = type->mutable_shape();
  switch (pick(rng, 5)) {
  case 0:
    shape->add_dim()->set_dim_value(pick(rng, 5));
    break;
  case 1:
    if (shape->dim_size() > 0)
      shape->mutable_dim()->RemoveLast();
    break;
  case 2:
    type->set_elem_type(static_cast<int32_t>(pick(rng, 17)));
    break;
  default:
    if (shape->dim_size() > 0) {
      auto *dim = shape->mutable_dim(pick(rng, shape->dim_size()));
      if (pick(rng, 3) == 0)
        dim->set_dim_param(pick(rng, 2) ? "n" : "m");
      else
        dim->set_dim_value(pick(rng, 3) == 0 ? interestingInt(rng) : pick(rng, 9));
    }
    break;
  }
}

void mutateModel(::onnx::ModelProto &model, Rng &rng) {
  static const Vocabulary vocab;
  ::onnx::GraphProto &graph = *model.mutable_graph();
  switch (pick(rng, 8)) {
  case 0:
    if (graph.node_size() > 0) {
      ::onnx::NodeProto &node = *graph.mutable_node(pick(rng, graph.node_size()));
      const auto &types = node.domain() == "com.microsoft" ? vocab.contribOpTypes : vocab.opTypes;
      node.set_op_type(types[pick(rng, types.size())]);
    }
    break;
  case 1:
  case 2:
    if (graph.node_size() > 0)
      mutateInputs(*graph.mutable_node(pick(rng, graph.node_size())), graph, rng);
    break;
  case 3:
  case 4:
    if (graph.node_size() > 0)
      mutateAttribute(*graph.mutable_node(pick(rng, graph.node_size())), vocab, rng);
    break;
  case 5:
  case 6:
    if (::onnx::ValueInfoProto *info = pickValueInfo(graph, rng))
      mutateShape(*info, rng);
    break;
  default:
    if (model.opset_import_size() > 0)
      model.mutable_opset_import(pick(rng, model.opset_import_size()))
          ->set_version(9 + pick(rng, 17));
    break;
  }
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxSize,
                                          unsigned int seed) {
  Rng rng(seed);
  ::onnx::ModelProto model;
  if (pick(rng, 4) == 0 || !model.ParseFromArray(data, static_cast<int>(size)) ||
      !model.has_graph())
    return LLVMFuzzerMutate(data, size, maxSize);
  mutateModel(model, rng);
  std::string bytes = model.SerializeAsString();
  if (bytes.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}

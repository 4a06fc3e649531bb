//===- ModelTemplate.cpp - An ONNX model to write trained weights into ----===//

#include "lib/onnx/ModelTemplate.h"

#include "lib/onnx/Importer.h"
#include "lib/onnx/ModelFiles.h"
#include "lib/onnx/TensorConversion.h"

#include "mlir/IR/Location.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

namespace strata::onnx {
namespace {

/// The most bytes of a template the program carries.
constexpr size_t kMostTemplateBytes = size_t(64) << 20;

} // namespace

llvm::Expected<ModelTemplate> makeModelTemplate(mlir::MLIRContext &context, llvm::StringRef path,
                                                llvm::ArrayRef<std::string> trained) {
  auto error = [&](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "'" + path + "': " + message);
  };
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> file = openRegularFile(path, "model file");
  if (!file)
    return file.takeError();
  std::string diagnostic;
  mlir::ScopedDiagnosticHandler capture(&context, [&](mlir::Diagnostic &d) {
    diagnostic = d.str();
    return mlir::success();
  });
  mlir::FailureOr<std::shared_ptr<::onnx::ModelProto>> parsed =
      parseModel((*file)->getBuffer(), path, mlir::FileLineColLoc::get(&context, path, 0, 0));
  if (failed(parsed))
    return error(diagnostic);
  ::onnx::ModelProto &model = **parsed;
  TensorStorage storage(*parsed, llvm::sys::path::parent_path(path).str());

  // The template is compiled into the program as a string literal.
  auto tooLarge = [&] {
    return error("the model less its trained weights takes more than " +
                 llvm::Twine(kMostTemplateBytes >> 20) +
                 " MiB (untrained initializers), too much to carry in the program");
  };
  size_t inlined = 0;
  llvm::StringMap<size_t> position;
  for (auto [i, name] : llvm::enumerate(trained))
    position[name] = i;
  ModelTemplate out;
  out.initializers.resize(trained.size());
  std::vector<bool> found(trained.size());
  auto *initializers = model.mutable_graph()->mutable_initializer();
  for (int i = initializers->size() - 1; i >= 0; --i) {
    ::onnx::TensorProto &t = (*initializers)[i];
    auto it = position.find(t.name());
    if (it == position.end()) {
      if (t.data_location() != ::onnx::TensorProto::EXTERNAL)
        continue;
      std::string copied;
      std::shared_ptr<const void> owner;
      llvm::Expected<llvm::ArrayRef<char>> bytes = storage.bytes(&context, t, copied, owner);
      if (!bytes)
        return bytes.takeError();
      inlined += bytes->size();
      if (inlined > kMostTemplateBytes)
        return tooLarge();
      std::string data(bytes->data(), bytes->size());
      t.clear_external_data();
      t.clear_data_location();
      t.set_raw_data(std::move(data));
      continue;
    }
    ::onnx::TensorProto header;
    header.set_name(t.name());
    header.mutable_dims()->CopyFrom(t.dims());
    header.set_data_type(t.data_type());
    out.initializers[it->second] = header.SerializeAsString();
    found[it->second] = true;
    initializers->DeleteSubrange(i, 1);
  }
  for (auto [i, name] : llvm::enumerate(trained))
    if (!found[i])
      return error("the trained weight '" + name + "' is not an initializer of its main graph");
  if (model.ByteSizeLong() > kMostTemplateBytes)
    return tooLarge();
  out.model = model.SerializeAsString();
  return out;
}

} // namespace strata::onnx

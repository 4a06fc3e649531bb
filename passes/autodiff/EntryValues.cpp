//===- EntryValues.cpp - Names of the entry point's values ----------------===//

#include "passes/autodiff/EntryValues.h"

#include "dialects/program/ProgramDialect.h"

using namespace mlir;
namespace p = strata::program;

namespace strata::autodiff {

StringRef valueName(DictionaryAttr attrs) {
  auto value = attrs ? attrs.getAs<p::ValueAttr>(p::ProgramDialect::kValue) : p::ValueAttr();
  return value ? value.getName().getValue() : StringRef();
}

DictionaryAttr valueAttrs(MLIRContext *ctx, StringRef name, ArrayRef<StringAttr> dims) {
  auto value =
      p::ValueAttr::get(ctx, StringAttr::get(ctx, name), dims, /*typeOnly=*/false, ElementsAttr());
  return DictionaryAttr::get(
      ctx, {NamedAttribute(StringAttr::get(ctx, p::ProgramDialect::kValue), value)});
}

} // namespace strata::autodiff

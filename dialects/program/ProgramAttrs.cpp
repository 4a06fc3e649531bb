//===- ProgramAttrs.cpp - Parsing, printing and verifying attributes ------===//
//
// Names print as quoted strings: ONNX value and dimension names may hold any
// character ("past_sequence_length + 1" is a real dim_param).
//
//===----------------------------------------------------------------------===//

#include "dialects/program/ProgramDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace strata::program;

#include "dialects/program/ProgramEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/program/ProgramAttrs.cpp.inc"

void ProgramDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/program/ProgramAttrs.cpp.inc"
      >();
}

namespace {

ParseResult parseQuoted(AsmParser &parser, StringAttr &out) {
  std::string text;
  if (parser.parseString(&text))
    return failure();
  out = StringAttr::get(parser.getContext(), text);
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// ValueAttr
//===----------------------------------------------------------------------===//

Attribute ValueAttr::parse(AsmParser &parser, Type) {
  StringAttr name;
  SmallVector<StringAttr> dims;
  if (parser.parseLess() || parseQuoted(parser, name) || parser.parseComma() ||
      parser.parseKeyword("dims") || parser.parseEqual() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        StringAttr dim;
        if (parseQuoted(parser, dim))
          return failure();
        dims.push_back(dim);
        return success();
      }))
    return {};
  bool typeOnly = false;
  ElementsAttr defaultValue;
  while (succeeded(parser.parseOptionalComma())) {
    if (succeeded(parser.parseOptionalKeyword("type_only"))) {
      typeOnly = true;
      continue;
    }
    Attribute value;
    if (parser.parseKeyword("default") || parser.parseEqual() || parser.parseAttribute(value))
      return {};
    defaultValue = dyn_cast<ElementsAttr>(value);
    if (!defaultValue) {
      parser.emitError(parser.getNameLoc(), "the default of '")
          << name.getValue() << "' must be an elements attribute";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return ValueAttr::get(parser.getContext(), name, dims, typeOnly, defaultValue);
}

void ValueAttr::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printString(getName().getValue());
  printer << ", dims = [";
  llvm::interleaveComma(getDims(), printer,
                        [&](StringAttr d) { printer.printString(d.getValue()); });
  printer << "]";
  if (getTypeOnly())
    printer << ", type_only";
  if (getDefaultValue()) {
    printer << ", default = ";
    printer.printAttribute(getDefaultValue());
  }
  printer << ">";
}

//===----------------------------------------------------------------------===//
// BoundsAttr
//===----------------------------------------------------------------------===//

Attribute BoundsAttr::parse(AsmParser &parser, Type) {
  SmallVector<NamedAttribute> entries;
  auto parseEntry = [&]() -> ParseResult {
    StringAttr name;
    int64_t bound;
    if (parseQuoted(parser, name) || parser.parseEqual() || parser.parseInteger(bound))
      return failure();
    entries.push_back({name, IntegerAttr::get(IntegerType::get(parser.getContext(), 64), bound)});
    return success();
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::LessGreater, parseEntry))
    return {};
  return parser.getChecked<BoundsAttr>(parser.getContext(),
                                       DictionaryAttr::get(parser.getContext(), entries));
}

void BoundsAttr::print(AsmPrinter &printer) const {
  printer << "<";
  llvm::interleaveComma(getBounds(), printer, [&](NamedAttribute entry) {
    printer.printString(entry.getName().getValue());
    printer << " = " << cast<IntegerAttr>(entry.getValue()).getInt();
  });
  printer << ">";
}

LogicalResult BoundsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 DictionaryAttr bounds) {
  for (NamedAttribute entry : bounds) {
    auto bound = dyn_cast<IntegerAttr>(entry.getValue());
    if (!bound || bound.getInt() <= 0)
      return emitError() << "the bound of dimension '" << entry.getName().getValue()
                         << "' must be a positive integer";
  }
  return success();
}

std::optional<int64_t> BoundsAttr::lookup(StringRef name) const {
  if (auto bound = getBounds().getAs<IntegerAttr>(name))
    return bound.getInt();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// PassThroughAttr
//===----------------------------------------------------------------------===//

Attribute PassThroughAttr::parse(AsmParser &parser, Type) {
  StringAttr name, source;
  int64_t position;
  std::string kindName;
  Type element;
  if (parser.parseLess() || parseQuoted(parser, name) || parser.parseComma() ||
      parser.parseKeyword("position") || parser.parseEqual() || parser.parseInteger(position) ||
      parser.parseComma() || parser.parseKeyword("kind") || parser.parseEqual() ||
      parser.parseKeywordOrString(&kindName) || parser.parseComma() ||
      parser.parseKeyword("element") || parser.parseEqual() || parser.parseType(element))
    return {};
  if (succeeded(parser.parseOptionalComma()) &&
      (parser.parseKeyword("source") || parser.parseEqual() || parseQuoted(parser, source)))
    return {};
  if (parser.parseGreater())
    return {};
  std::optional<ValueKind> kind = symbolizeValueKind(kindName);
  if (!kind) {
    parser.emitError(parser.getNameLoc(), "unknown value kind '") << kindName << "'";
    return {};
  }
  auto tensor = dyn_cast<TensorType>(element);
  if (!tensor) {
    parser.emitError(parser.getNameLoc(), "element must be a tensor type");
    return {};
  }
  return parser.getChecked<PassThroughAttr>(parser.getContext(), name, position, *kind, tensor,
                                            source);
}

void PassThroughAttr::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printString(getName().getValue());
  printer << ", position = " << getPosition() << ", kind = " << stringifyValueKind(getKind())
          << ", element = " << getElement();
  if (getSource()) {
    printer << ", source = ";
    printer.printString(getSource().getValue());
  }
  printer << ">";
}

LogicalResult PassThroughAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringAttr name,
                                      int64_t position, ValueKind kind, TensorType element,
                                      StringAttr source) {
  if (!name || name.getValue().empty())
    return emitError() << "a pass-through value needs a name";
  if (position < 0)
    return emitError() << "pass-through value '" << name.getValue() << "' has a negative position";
  if (!element.getElementType().isIntOrFloat())
    return emitError() << "pass-through value '" << name.getValue() << "' holds "
                       << element.getElementType() << ", which the runtime cannot carry";
  return success();
}

//===----------------------------------------------------------------------===//
// ArenaAttr, KvCacheAttr and WeightAttr
//===----------------------------------------------------------------------===//

LogicalResult ArenaAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t space,
                                int64_t bytes, int64_t lowerBound, int64_t alignment) {
  if (space < 0)
    return emitError() << "arena memory space must be non-negative";
  if (alignment <= 0 || !llvm::isPowerOf2_64(alignment))
    return emitError() << "arena alignment must be a power of two, got " << alignment;
  if (lowerBound < 0 || bytes < lowerBound)
    return emitError() << "arena of " << bytes << " bytes is below its liveness lower bound "
                       << lowerBound;
  return success();
}

LogicalResult KvCacheAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t input,
                                  int64_t output, int64_t axis, int64_t capacity) {
  if (input < 0 || output < 0 || axis < 0)
    return emitError() << "a KV cache's input, output and axis must be non-negative";
  if (capacity <= 0)
    return emitError() << "a KV cache needs a positive capacity, got " << capacity;
  return success();
}

LogicalResult WeightAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringAttr name,
                                 int64_t offset, ElementsAttr value) {
  if (!name || name.getValue().empty())
    return emitError() << "a weight needs a name";
  if (offset < 0)
    return emitError() << "weight '" << name.getValue() << "' has a negative offset";
  return success();
}

//===- ConvertToSignless.cpp - Signedness from types to op attributes -----===//
//
// Implements `strata-convert-to-signless`: the ops that read signedness record
// it from their element types (`SignednessOpInterface`), then one type
// replacement over the module makes every integer type signless, in values,
// signatures, attributes and properties alike.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"

#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace strata {
#define GEN_PASS_DEF_CONVERTTOSIGNLESS
#include "lib/lowering/Passes.h.inc"
} // namespace strata

using namespace mlir;

namespace {

/// The signless integer type of `type`'s width.
Type signless(IntegerType type) { return IntegerType::get(type.getContext(), type.getWidth()); }

struct ConvertToSignless : strata::impl::ConvertToSignlessBase<ConvertToSignless> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    module.walk([](strata::graph::SignednessOpInterface op) { op.recordSignedness(); });
    AttrTypeReplacer replacer;
    replacer.addReplacement([](IntegerType type) -> std::optional<Type> {
      if (type.isSignless())
        return std::nullopt;
      return signless(type);
    });
    // Elements attributes hold their type as data rather than as a sub-element
    // that the type replacement reaches; the bits stay as they are.
    replacer.addReplacement([](DenseElementsAttr attr) -> std::optional<Attribute> {
      auto element = dyn_cast<IntegerType>(attr.getElementType());
      if (!element || element.isSignless())
        return std::nullopt;
      return attr.bitcast(signless(element));
    });
    replacer.addReplacement([](DenseResourceElementsAttr attr) -> std::optional<Attribute> {
      ShapedType type = attr.getType();
      auto element = dyn_cast<IntegerType>(type.getElementType());
      if (!element || element.isSignless())
        return std::nullopt;
      return DenseResourceElementsAttr::get(type.clone(signless(element)), attr.getRawHandle());
    });
    WalkResult walk = module.walk([&](Operation *op) {
      replacer.replaceElementsIn(op, /*replaceAttrs=*/true, /*replaceLocs=*/false,
                                 /*replaceTypes=*/true);
      // Inherent attributes stored as properties are not in the dictionary
      // that `replaceElementsIn` rewrites.
      Attribute properties = op->getPropertiesAsAttribute();
      if (!properties)
        return WalkResult::advance();
      Attribute replaced = replacer.replace(properties);
      if (replaced == properties ||
          succeeded(op->setPropertiesFromAttribute(replaced, [&] { return op->emitError(); })))
        return WalkResult::advance();
      return WalkResult::interrupt();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

//===- EntryValues.h - Names of the entry point's values --------*- C++ -*-===//
//
// The program contract names each input and output of the entry point with a
// `program.value` attribute; the training passes read those names and give
// the values they add (targets, the loss, gradients, lr and step) theirs.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_AUTODIFF_ENTRYVALUES_H
#define STRATA_PASSES_AUTODIFF_ENTRYVALUES_H

#include "mlir/IR/BuiltinAttributes.h"

namespace strata::autodiff {

/// The entry point's name for argument or result attributes `attrs`, or ""
/// when they name none.
llvm::StringRef valueName(mlir::DictionaryAttr attrs);

/// The argument or result attributes naming a value `name` of the program
/// contract, with `dims` its dimensions' names.
mlir::DictionaryAttr valueAttrs(mlir::MLIRContext *ctx, llvm::StringRef name,
                                llvm::ArrayRef<mlir::StringAttr> dims);

} // namespace strata::autodiff

#endif // STRATA_PASSES_AUTODIFF_ENTRYVALUES_H

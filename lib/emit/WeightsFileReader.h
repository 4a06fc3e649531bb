//===- WeightsFileReader.h - Reading a weights file's tensors ---*- C++ -*-===//
//
// The compiler's reader of weights files (a program's, or a training
// program's checkpoint): opened and checked in full by the runtime's loader
// (strata_weights_open_any), then searched by name.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_EMIT_WEIGHTSFILEREADER_H
#define STRATA_LIB_EMIT_WEIGHTSFILEREADER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>

struct strata_weights;

namespace strata {

class WeightsFileReader {
public:
  /// Opens and checks the weights file at `path`; errors name it.
  static llvm::Expected<WeightsFileReader> open(llvm::StringRef path);

  /// The bytes of the tensor called `name`, or nothing.
  std::optional<llvm::ArrayRef<char>> find(llvm::StringRef name) const;

private:
  struct Closer {
    void operator()(strata_weights *w) const;
  };
  std::unique_ptr<strata_weights, Closer> weights;
};

} // namespace strata

#endif // STRATA_LIB_EMIT_WEIGHTSFILEREADER_H

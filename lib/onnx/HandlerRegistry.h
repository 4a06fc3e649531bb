//===- HandlerRegistry.h - Op handlers by domain, type and opset -*- C++ -*-===//
//
// Maps (domain, op type, opset) to the function that imports such a node. Each op
// family registers its handlers from its own file.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_ONNX_HANDLERREGISTRY_H
#define STRATA_LIB_ONNX_HANDLERREGISTRY_H

#include "lib/onnx/NodeContext.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"

#include <limits>
#include <vector>

namespace strata::onnx {

/// Converts one node; reports errors through `NodeContext::emitError`.
using Handler = mlir::LogicalResult (*)(NodeContext &node);

constexpr int64_t kLatestOpset = std::numeric_limits<int64_t>::max();

class HandlerRegistry {
public:
  /// Registers `handler` for `opType` in `domain` ("" is the default domain) at
  /// opsets `firstOpset..lastOpset` (inclusive).
  void add(llvm::StringRef domain, llvm::StringRef opType, int64_t firstOpset, int64_t lastOpset,
           Handler handler);
  /// Shorthand for the default domain from `firstOpset` on.
  void add(llvm::StringRef opType, int64_t firstOpset, Handler handler) {
    add("", opType, firstOpset, kLatestOpset, handler);
  }

  /// The handler for a node, or nullptr.
  Handler lookup(llvm::StringRef domain, llvm::StringRef opType, int64_t opset) const;

  /// The opset ranges `{first, last}` at which `opType` in `domain` has a
  /// handler; empty for an op Strata does not import at any opset.
  std::vector<std::pair<int64_t, int64_t>> opsetRanges(llvm::StringRef domain,
                                                       llvm::StringRef opType) const;

  /// Calls `fn(domain, opType, firstOpset, lastOpset)` for every registered
  /// handler, in no particular order.
  void forEach(llvm::function_ref<void(llvm::StringRef, llvm::StringRef, int64_t, int64_t)> fn)
      const;

  /// Every handler of Strata, built once.
  static const HandlerRegistry &get();

private:
  struct Entry {
    int64_t firstOpset, lastOpset;
    Handler handler;
  };
  llvm::StringMap<std::vector<Entry>> entries_;
};

void registerElementwiseHandlers(HandlerRegistry &registry);
void registerShapeHandlers(HandlerRegistry &registry);
void registerReductionHandlers(HandlerRegistry &registry);
void registerNNHandlers(HandlerRegistry &registry);
void registerAttentionHandlers(HandlerRegistry &registry);
void registerContribHandlers(HandlerRegistry &registry);
void registerContribAttentionHandlers(HandlerRegistry &registry);
void registerContribQuantHandlers(HandlerRegistry &registry);
void registerIndexingHandlers(HandlerRegistry &registry);
void registerLossHandlers(HandlerRegistry &registry);
void registerQuantHandlers(HandlerRegistry &registry);
void registerSignalHandlers(HandlerRegistry &registry);
void registerEncodingHandlers(HandlerRegistry &registry);

} // namespace strata::onnx

#endif // STRATA_LIB_ONNX_HANDLERREGISTRY_H

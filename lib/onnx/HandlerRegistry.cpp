//===- HandlerRegistry.cpp - Op handlers by domain, type and opset --------===//
//
// The lookup table of op handlers, filled once from every family's register
// function.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/HandlerRegistry.h"

using namespace strata::onnx;

static std::string registryKey(llvm::StringRef domain, llvm::StringRef opType) {
  if (domain == "ai.onnx")
    domain = "";
  return (domain + "::" + opType).str();
}

void HandlerRegistry::add(llvm::StringRef domain, llvm::StringRef opType, int64_t firstOpset,
                          int64_t lastOpset, Handler handler) {
  entries_[registryKey(domain, opType)].push_back({firstOpset, lastOpset, handler});
}

Handler HandlerRegistry::lookup(llvm::StringRef domain, llvm::StringRef opType,
                                int64_t opset) const {
  auto it = entries_.find(registryKey(domain, opType));
  if (it == entries_.end())
    return nullptr;
  for (const Entry &e : it->second)
    if (e.firstOpset <= opset && opset <= e.lastOpset)
      return e.handler;
  return nullptr;
}

std::vector<std::pair<int64_t, int64_t>>
HandlerRegistry::opsetRanges(llvm::StringRef domain, llvm::StringRef opType) const {
  std::vector<std::pair<int64_t, int64_t>> ranges;
  auto it = entries_.find(registryKey(domain, opType));
  if (it != entries_.end())
    for (const Entry &e : it->second)
      ranges.emplace_back(e.firstOpset, e.lastOpset);
  return ranges;
}

void HandlerRegistry::forEach(
    llvm::function_ref<void(llvm::StringRef, llvm::StringRef, int64_t, int64_t)> fn) const {
  for (const auto &item : entries_) {
    auto [domain, opType] = item.getKey().split("::");
    for (const Entry &e : item.getValue())
      fn(domain, opType, e.firstOpset, e.lastOpset);
  }
}

const HandlerRegistry &HandlerRegistry::get() {
  static const HandlerRegistry registry = [] {
    HandlerRegistry r;
    registerElementwiseHandlers(r);
    registerShapeHandlers(r);
    registerReductionHandlers(r);
    registerNNHandlers(r);
    registerAttentionHandlers(r);
    registerContribHandlers(r);
    registerContribAttentionHandlers(r);
    registerContribQuantHandlers(r);
    registerIndexingHandlers(r);
    registerLossHandlers(r);
    registerQuantHandlers(r);
    registerSignalHandlers(r);
    registerEncodingHandlers(r);
    return r;
  }();
  return registry;
}

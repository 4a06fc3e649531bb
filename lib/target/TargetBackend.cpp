//===- TargetBackend.cpp - The registry of targets ------------------------===//
//
// Targets register once per process (the tools call
// registerBuiltinTargetBackends); lookups never fail silently: an unknown name
// gives null and the driver lists the registered ones.
//
//===----------------------------------------------------------------------===//

#include "lib/target/TargetBackend.h"

namespace strata {
namespace {

std::vector<std::unique_ptr<TargetBackend>> &registry() {
  static std::vector<std::unique_ptr<TargetBackend>> targets;
  return targets;
}

} // namespace

TargetBackend::~TargetBackend() = default;

void registerTargetBackend(std::unique_ptr<TargetBackend> target) {
  if (!lookupTargetBackend(target->name()))
    registry().push_back(std::move(target));
}

const TargetBackend *lookupTargetBackend(llvm::StringRef name) {
  for (const std::unique_ptr<TargetBackend> &target : registry())
    if (target->name() == name)
      return target.get();
  return nullptr;
}

std::vector<const TargetBackend *> registeredTargetBackends() {
  std::vector<const TargetBackend *> targets;
  for (const std::unique_ptr<TargetBackend> &target : registry())
    targets.push_back(target.get());
  return targets;
}

} // namespace strata

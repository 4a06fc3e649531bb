//===- Version.cpp - Runtime ABI version ------------------------*- C++ -*-===//
//
// Lets an emitted executable check, before anything else, that the runtime it
// was linked or loaded with speaks the ABI its code was generated against.
//
//===----------------------------------------------------------------------===//

#include "strata/runtime.h"

extern "C" uint32_t strata_runtime_abi_version(void) noexcept { return STRATA_RUNTIME_ABI_VERSION; }

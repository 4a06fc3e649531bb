//===- ResidentMemory.cpp - The process's resident memory -----------------===//

#include "runtime/core/ResidentMemory.h"

#include <cstdio>
#include <cstring>

namespace strata {

bool readResidentMemory(ResidentMemory &out) {
  std::FILE *status = std::fopen("/proc/self/status", "r");
  if (!status)
    return false;
  char line[256];
  unsigned long long kib = 0;
  bool current = false, peak = false;
  ResidentMemory read;
  while (std::fgets(line, sizeof line, status)) {
    if (std::sscanf(line, "VmRSS: %llu kB", &kib) == 1) {
      read.currentBytes = kib * 1024;
      current = true;
    } else if (std::sscanf(line, "VmHWM: %llu kB", &kib) == 1) {
      read.peakBytes = kib * 1024;
      peak = true;
    }
  }
  std::fclose(status);
  if (current && peak)
    out = read;
  return current && peak;
}

} // namespace strata

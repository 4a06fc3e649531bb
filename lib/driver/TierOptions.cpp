//===- TierOptions.cpp - The tier plan's budgets and rates ----------------===//
//
// The bandwidths file is what `out/model --probe` is to write: plain text a
// person can also write or edit, each rate on a line of its own.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/TierOptions.h"

#include "lib/driver/Options.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

using llvm::createStringError;
using llvm::StringRef;

namespace strata {

llvm::Error readBandwidthsFile(StringRef path, TierPlanOptions &options) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file = llvm::MemoryBuffer::getFile(path);
  if (!file)
    return createStringError("--bandwidths: cannot read '%s': %s", path.str().c_str(),
                             file.getError().message().c_str());
  llvm::SmallVector<StringRef> lines;
  (*file)->getBuffer().split(lines, '\n');
  for (auto [index, raw] : llvm::enumerate(lines)) {
    StringRef line = raw.split('#').first.trim();
    if (line.empty())
      continue;
    auto fail = [&](const std::string &what) {
      return createStringError("%s:%zu: %s", path.str().c_str(), index + 1, what.c_str());
    };
    auto [name, text] = line.split('=');
    name = name.trim();
    text = text.trim();
    double *target = llvm::StringSwitch<double *>(name)
                         .Case("h2d_bytes_per_second", &options.rates.hostToDevice)
                         .Case("nvme_read_bytes_per_second", &options.rates.nvmeRead)
                         .Case("memory_bytes_per_second", &options.rates.deviceMemory)
                         .Case("flops_per_second", &options.rates.deviceFlops)
                         .Default(nullptr);
    if (!target)
      return fail("unknown rate '" + name.str() +
                  "' (expected h2d_bytes_per_second, nvme_read_bytes_per_second, "
                  "memory_bytes_per_second or flops_per_second)");
    double value;
    if (text.getAsDouble(value) || !(value > 0) || !std::isfinite(value))
      return fail("the value of '" + name.str() + "' must be a positive number, not '" +
                  text.str() + "'");
    *target = value;
  }
  return llvm::Error::success();
}

llvm::Expected<std::optional<TierPlanOptions>> parseTierOptions(const TierOptionTexts &texts,
                                                                const DeviceRates &rates) {
  if (texts.gpuMem.empty()) {
    for (auto [text, option] : {std::pair{texts.hostMem, "--host-mem"},
                                {texts.nvmeMem, "--nvme-mem"},
                                {texts.nvmeDirectory, "--nvme-dir"}})
      if (!text.empty())
        return createStringError("%s needs --gpu-mem: the tier plan starts from the device "
                                 "memory budget",
                                 option);
    if (!texts.bandwidths.empty())
      return createStringError("--bandwidths needs --gpu-mem: the rates are the tier plan's");
    return std::nullopt;
  }
  // A budget as the passes count bytes.
  auto budget = [](StringRef text, StringRef option, int64_t &out) -> llvm::Error {
    uint64_t bytes;
    if (llvm::Error e = parseByteSize(text, option, bytes))
      return e;
    if (bytes > static_cast<uint64_t>(INT64_MAX))
      return createStringError("%s=%s is larger than the compiler can count", option.data(),
                               text.str().c_str());
    out = static_cast<int64_t>(bytes);
    return llvm::Error::success();
  };
  TierPlanOptions options;
  options.rates = rates;
  if (llvm::Error e = budget(texts.gpuMem, "--gpu-mem", options.gpuMem))
    return std::move(e);
  if (texts.hostMem == "0")
    options.hostMem = 0;
  else if (!texts.hostMem.empty())
    if (llvm::Error e = budget(texts.hostMem, "--host-mem", options.hostMem))
      return std::move(e);
  if (texts.nvmeMem == "0")
    options.nvmeMem = 0;
  else if (!texts.nvmeMem.empty())
    if (llvm::Error e = budget(texts.nvmeMem, "--nvme-mem", options.nvmeMem))
      return std::move(e);
  if (llvm::any_of(texts.nvmeDirectory, [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    return createStringError("--nvme-dir: the directory's name has a control character");
  options.nvmeDirectory = texts.nvmeDirectory.str();
  if (!texts.bandwidths.empty())
    if (llvm::Error e = readBandwidthsFile(texts.bandwidths, options))
      return std::move(e);
  return options;
}

} // namespace strata

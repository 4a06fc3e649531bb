//===- Options.cpp - What a stratac invocation asks for -------------------===//
//
// Parsers for `--shape`, `--max-shape` and `--max-tensor-bytes`, with errors
// that quote the offending text.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/Options.h"

#include "llvm/ADT/StringSwitch.h"

using llvm::createStringError;
using llvm::StringRef;

namespace strata {

static llvm::Error forEachEntry(StringRef text, StringRef option,
                                llvm::function_ref<llvm::Error(StringRef, StringRef)> fn) {
  llvm::SmallVector<StringRef> entries;
  text.split(entries, ',', -1, false);
  if (entries.empty())
    return createStringError("%s needs NAME=VALUE, got '%s'", option.data(), text.str().c_str());
  for (StringRef entry : entries) {
    auto [name, value] = entry.split('=');
    if (name.empty() || value.empty())
      return createStringError("%s entry '%s' is not NAME=VALUE", option.data(),
                               entry.str().c_str());
    if (llvm::Error e = fn(name.trim(), value.trim()))
      return e;
  }
  return llvm::Error::success();
}

llvm::Error parseShapeOption(StringRef text, onnx::ImportOptions &options) {
  return forEachEntry(text, "--shape", [&](StringRef name, StringRef value) -> llvm::Error {
    llvm::SmallVector<StringRef> parts;
    value.split(parts, 'x');
    llvm::SmallVector<int64_t> dims;
    for (StringRef p : parts) {
      int64_t d;
      if (p.getAsInteger(10, d) || d < 0)
        return createStringError("--shape %s=%s: '%s' is not a dimension (expected "
                                 "sizes joined by 'x', e.g. 1x128)",
                                 name.str().c_str(), value.str().c_str(), p.str().c_str());
      dims.push_back(d);
    }
    options.inputShapes[name] = dims;
    return llvm::Error::success();
  });
}

llvm::Error parseMaxShapeOption(StringRef text, onnx::ImportOptions &options) {
  return forEachEntry(text, "--max-shape", [&](StringRef name, StringRef value) -> llvm::Error {
    int64_t bound;
    if (value.getAsInteger(10, bound) || bound <= 0)
      return createStringError("--max-shape %s=%s: the bound must be a positive integer",
                               name.str().c_str(), value.str().c_str());
    options.maxDims[name] = bound;
    return llvm::Error::success();
  });
}

llvm::Expected<LossScaleOption> parseLossScale(StringRef text) {
  LossScaleOption scale;
  if (text == "none")
    return scale;
  auto [kind, settings] = text.split(':');
  auto bad = [&](const llvm::Twine &why) {
    return createStringError("--loss-scale=" + text + ": " + why);
  };
  if (kind != "dynamic")
    return bad("expected none or dynamic[:init=NUMBER,interval=N]");
  scale.initial = 65536;
  llvm::SmallVector<StringRef> entries;
  if (!settings.empty())
    settings.split(entries, ',');
  for (StringRef entry : entries) {
    auto [key, value] = entry.split('=');
    if (key == "init") {
      if (value.getAsDouble(scale.initial) || !(scale.initial > 0) || scale.initial > 1e30)
        return bad("init takes a positive number");
    } else if (key == "interval") {
      if (value.getAsInteger(10, scale.interval) || scale.interval < 1 ||
          scale.interval > (int64_t(1) << 24))
        return bad("interval takes a whole number of steps from 1 to 2^24");
    } else {
      return bad("unknown setting '" + key + "' (init, interval)");
    }
  }
  return scale;
}

llvm::Error parseByteSize(StringRef text, StringRef option, uint64_t &bytes) {
  StringRef digits = text.take_while([](char c) { return c >= '0' && c <= '9'; });
  StringRef suffix = text.drop_front(digits.size());
  unsigned shift = llvm::StringSwitch<unsigned>(suffix)
                       .Case("", 0)
                       .Cases({"K", "KiB"}, 10)
                       .Cases({"M", "MiB"}, 20)
                       .Cases({"G", "GiB"}, 30)
                       .Cases({"T", "TiB"}, 40)
                       .Default(~0u);
  uint64_t count = 0;
  if (digits.empty() || shift == ~0u || digits.getAsInteger(10, count) || count == 0 ||
      count > (UINT64_MAX >> shift))
    return createStringError("%s=%s: expected a positive number of bytes, optionally followed "
                             "by KiB, MiB, GiB or TiB",
                             option.str().c_str(), text.str().c_str());
  bytes = count << shift;
  return llvm::Error::success();
}

} // namespace strata

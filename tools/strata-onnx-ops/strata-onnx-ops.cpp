//===- strata-onnx-ops.cpp - List the ONNX ops the importer handles -------===//
//
// Prints one line per handler of the ONNX importer:
//
//   <domain> <op type> <first opset> <last opset, or "latest">
//
// with `ai.onnx` for the default domain, sorted. The conformance harness reads it
// to decide which ONNX node tests use only ops Strata imports, so that no list of
// supported ops is kept by hand.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/Importer.h"

#include "llvm/Support/raw_ostream.h"

#include <limits>

int main(int argc, char **argv) {
  if (argc != 1) {
    llvm::errs() << "usage: " << argv[0] << "\n(prints the ONNX ops the importer handles)\n";
    return 2;
  }
  for (const strata::onnx::ImportedOp &op : strata::onnx::importedOps()) {
    llvm::outs() << (op.domain.empty() ? "ai.onnx" : op.domain) << ' ' << op.opType << ' '
                 << op.firstOpset << ' ';
    if (op.lastOpset == std::numeric_limits<int64_t>::max())
      llvm::outs() << "latest";
    else
      llvm::outs() << op.lastOpset;
    llvm::outs() << '\n';
  }
  return 0;
}

//===- CpuTarget.cpp - The host CPU as a code generation target -----------===//
//
// The CPU backend: fused elementwise loops and OpenBLAS matrix products,
// compiled in-process for the host (its triple, CPU and features, and the
// widest vectors it has), linked with the CPU runtime and OpenBLAS.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "lib/emit/ObjectEmitter.h"
#include "lib/target/TargetBackend.h"

#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

namespace strata {
namespace {

class CpuTargetBackend final : public TargetBackend {
public:
  llvm::StringRef name() const override { return "cpu"; }

  llvm::StringRef description() const override {
    return "the host CPU (vectorised loops shared among its cores; matrix products on oneDNN, "
           "small ones on OpenBLAS)";
  }

  void registerPasses() const override { registerCpuTargetPasses(); }

  void buildTensorPipeline(OpPassManager &pm) const override { buildCpuTensorPipeline(pm); }

  void buildCodegenPipeline(OpPassManager &pm) const override { buildCpuCodegenPipeline(pm); }

  LogicalResult emitObjects(ModuleOp module, llvm::StringRef workDir,
                            std::vector<std::string> &objects) const override {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
    std::string error;
    const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
    if (!target)
      return module.emitError("no code generator for the host ") << triple.str() << ": " << error;
    std::string features;
    for (const auto &f : llvm::sys::getHostCPUFeatures())
      features += (f.getValue() ? "+" : "-") + f.getKey().str() + ",";
    std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
        triple, llvm::sys::getHostCPUName(), features, llvm::TargetOptions(), llvm::Reloc::PIC_,
        std::nullopt, llvm::CodeGenOptLevel::Aggressive));
    llvm::SmallString<256> path(workDir);
    llvm::sys::path::append(path, "model.o");
    // Loops may use the widest vectors the host has (LLVM defaults to 256
    // bits on AVX-512 hosts; measured 10 % faster on the BERT-style test
    // model with 512).
    auto preferWideVectors = [](llvm::Module &m) {
      for (llvm::Function &f : m)
        if (!f.isDeclaration())
          f.addFnAttr("prefer-vector-width", "512");
    };
    if (failed(emitObjectFile(module, path, *machine, preferWideVectors)))
      return failure();
    objects.push_back(path.str().str());
    return success();
  }

  llvm::StringRef deviceFactory() const override { return "strata_cpu_device_create"; }

  /// A two-socket-less server core pair, as `out/model --probe` measures this
  /// project's machines: memcpy-speed "copies to the device" (its memory is
  /// the host's), a SATA-to-NVMe-class disk, the memory bandwidth a decode
  /// step streams weights at, and AVX-512 matrix products on two cores.
  DeviceRates defaultRates() const override { return {10e9, 2e9, 20e9, 100e9}; }

  std::vector<std::string> linkInputs() const override {
    return {STRATA_CPU_DEVICE_LIBRARY,
            STRATA_RUNTIME_TIERS_LIBRARY,
            STRATA_LIBURING_LIBRARY,
            STRATA_CPU_BLAS_LIBRARY,
            STRATA_CPU_DNNL_LIBRARY,
            STRATA_CPU_GOMP_LIBRARY,
            "-lm"};
  }
};

} // namespace

void registerCpuTargetBackend() { registerTargetBackend(std::make_unique<CpuTargetBackend>()); }

} // namespace strata

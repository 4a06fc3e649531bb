//===- TargetBackend.h - What a code generation target provides -*- C++ -*-===//
//
// A target takes the module from linalg on tensors to object code and says
// what the emitted program links. Everything before (import, graph passes,
// decomposition, lowering to linalg) and around (bufferisation, the memory
// plan, the program contract, linking, the weights file) is shared; only
// `lib/target/<name>/` knows a target, and `--target` finds it here.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_TARGET_TARGETBACKEND_H
#define STRATA_LIB_TARGET_TARGETBACKEND_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <memory>
#include <string>
#include <vector>

namespace strata {

/// The rates the tier planner predicts with when no bandwidths file is
/// given (docs/tiers.md), in bytes or flops per second: by default those of
/// a current data-centre GPU on PCIe 4 x16 with an NVMe drive.
struct DeviceRates {
  double hostToDevice = 25e9;
  double nvmeRead = 3e9;
  double deviceMemory = 1e12;
  double deviceFlops = 50e12;
};

/// One code generation target.
class TargetBackend {
public:
  virtual ~TargetBackend();

  /// The name `--target` takes.
  virtual llvm::StringRef name() const = 0;
  /// One line for `stratac compile --help`.
  virtual llvm::StringRef description() const = 0;

  /// Registers the target's own passes (for strata-opt and pipelines
  /// parsed from text).
  virtual void registerPasses() const = 0;

  /// Composite graph ops (by op name, e.g. "graph.attention") that this
  /// target lowers whole; the decomposition leaves them.
  virtual std::vector<std::string> compositeOpsKeptWhole() const { return {}; }
  /// The memory space of the buffers bufferisation creates (0: the default).
  virtual unsigned computeMemorySpace() const { return 0; }
  /// The tier planner's default rates for this target's device.
  virtual DeviceRates defaultRates() const { return {}; }

  /// Passes on linalg on tensors, before bufferisation (fusion, layout).
  virtual void buildTensorPipeline(mlir::OpPassManager &pm) const = 0;
  /// Planned buffers (every buffer an arena view, weights outlined, entry
  /// points exported) to what `emitObjects` takes.
  virtual void buildCodegenPipeline(mlir::OpPassManager &pm) const = 0;

  /// Writes the object files of `module` (the codegen pipeline's output) into
  /// `workDir` and appends their paths to `objects`.
  virtual mlir::LogicalResult emitObjects(mlir::ModuleOp module, llvm::StringRef workDir,
                                          std::vector<std::string> &objects) const = 0;
  /// The C symbol of the runtime's factory of the device the compiled code
  /// runs on (a `strata_device_factory_fn`, see strata/model.h).
  virtual llvm::StringRef deviceFactory() const = 0;
  /// What the emitted program links after its objects and the runtime core:
  /// static libraries (paths) and linker flags, in order.
  virtual std::vector<std::string> linkInputs() const = 0;
};

/// Makes `target` available to `lookupTargetBackend`.
void registerTargetBackend(std::unique_ptr<TargetBackend> target);

/// The registered target called `name`, or null.
const TargetBackend *lookupTargetBackend(llvm::StringRef name);

/// Every registered target, in registration order (the first is the default).
std::vector<const TargetBackend *> registeredTargetBackends();

/// Registers the targets this build of Strata includes (generated from the
/// build's list of targets).
void registerBuiltinTargetBackends();

} // namespace strata

#endif // STRATA_LIB_TARGET_TARGETBACKEND_H

//===- Passes.td - CPU target passes ---------------------------*- tablegen -*-===//
//
// Passes specific to code generation for the host CPU.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_TARGET_CPU_PASSES_TD
#define STRATA_LIB_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def ExportEntryPoints : Pass<"strata-cpu-export-entry-points", "mlir::ModuleOp"> {
  let summary = "Give public functions a C interface for the runtime to call";
  let description = [{
    Marks every public `func.func` with `llvm.emit_c_interface`, so that the LLVM
    lowering also emits `_mlir_ciface_<name>`, which takes each memref as a pointer
    to its descriptor `{allocated, aligned, offset, sizes[], strides[]}`: the form
    the runtime's executor calls. Private functions keep the internal calling
    convention.

    Example: `func.func @main(%x: memref<1x16xi64>)` gains
    `attributes {llvm.emit_c_interface}`.
  }];
}

#endif // STRATA_LIB_TARGET_CPU_PASSES_TD

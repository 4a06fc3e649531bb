//===- Passes.td - CPU target passes ---------------------------*- tablegen -*-===//
//
// Passes specific to code generation for the host CPU.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_TARGET_CPU_PASSES_TD
#define STRATA_LIB_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def ExportEntryPoints : Pass<"strata-cpu-export-entry-points", "mlir::ModuleOp"> {
  let summary = "Give public functions a prefixed name and a C interface";
  let description = [{
    Renames every public `func.func` to `<prefix><name>` (so that the model's
    `@main` cannot collide with the program's C `main`) and marks it with
    `llvm.emit_c_interface`, so that the LLVM
    lowering also emits `_mlir_ciface_<name>`, which takes each memref as a pointer
    to its descriptor `{allocated, aligned, offset, sizes[], strides[]}`: the form
    the runtime's executor calls. Private functions keep the internal calling
    convention.

    Example: `func.func @main(%x: memref<1x16xi64>)` becomes
    `func.func @strata_model_main(%x: memref<1x16xi64>) attributes
    {llvm.emit_c_interface}`, callable as `_mlir_ciface_strata_model_main`.
  }];
  let options = [
    Option<"prefix", "prefix", "std::string", "\"strata_model_\"",
           "Prefix of the exported symbols">
  ];
}

#endif // STRATA_LIB_TARGET_CPU_PASSES_TD

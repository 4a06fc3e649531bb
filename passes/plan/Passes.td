//===- Passes.td - The memory plan -----------------------------*- tablegen -*-===//
//
// Passes that decide, at compile time, where every buffer of the compiled
// code lives: weights in the weights file, everything else at an offset in an
// arena per memory space.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_PLAN_PASSES_TD
#define STRATA_PASSES_PLAN_PASSES_TD

include "mlir/Pass/PassBase.td"

def PlanWeights : Pass<"strata-plan-weights", "mlir::ModuleOp"> {
  let summary = "Place large constants in the weights file, keeping their names";
  let description = [{
    Every constant `memref.global` of at least `min-bytes` bytes (byte-sized
    element types) leaves the program for the weights file: it gets an offset,
    a multiple of the file's 4 KiB alignment counted from the start of the
    file's data region, and keeps its symbol name (for weights, the ONNX
    initializer's name). Each public function gains a trailing `memref<?xi8>`
    argument (the mapped data region) and every `memref.get_global` of an
    outlined global becomes a `memref.view` of that argument at its offset.
    The module records the placement as `program.weights`, an array of
    `#program.weight<name, offset, value>` that the emitter writes out.
    The default of each public function's input (`default` in its
    `#program.value`) is placed after them under the input's name (booleans
    one byte each), for the executor to pass when the caller leaves the input
    out; a weight of the same name is an error.

    Preconditions: bufferised IR; outlined globals are used only inside public
    functions.

    Example: `%w = memref.get_global @wte : memref<64x64xf32>` becomes
    `%w = memref.view %weights[%c0][] : memref<?xi8> to memref<64x64xf32>`
    and the module gets
    `program.weights = [#program.weight<"wte", offset = 0, value = ...>]`.
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", "1024",
           "Constants smaller than this stay in the program">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::memref::MemRefDialect",
                           "strata::program::ProgramDialect"];
}

def PlanBuffers : Pass<"strata-plan-buffers", "mlir::ModuleOp"> {
  let summary = "Give every buffer a compile-time offset in one arena per memory space";
  let description = [{
    The buffer plan of ARCHITECTURE §4.1. For every public function: each
    `memref.alloc` gets its size (static, or the bound of its dynamic sizes:
    input dimensions bounded by `program.bounds`, carried through the index
    arithmetic exactly while it stays polynomial) and its lifetime (from the
    allocation to the last use of any value that may alias it, in the order
    of the body's top-level ops; returned buffers live to the end). An
    all-parallel `linalg.generic` whose output is a fresh buffer of the same
    type as an input read through an identity map, at that input's last use,
    writes in place: the two share one slot. Slots are packed into one arena
    per memory space, largest first, each at the lowest offset free during
    its lifetime; each allocation becomes a `memref.view` of a new trailing
    `memref<?xi8>` argument (the arena, allocated once by the executor) at
    its offset. The function records `program.arenas`, each arena's size next
    to its liveness lower bound (the most bytes live at once).

    Buffers whose size has no bound (a dimension of an input without
    `--max-shape`, or one computed from tensor data) and buffers of private
    functions stay `memref.alloc`s, freed after their last use (returned ones
    by the executor). A buffer that a loop allocates and carries into its next
    iteration is an error.

    Preconditions: bufferised IR without deallocations.

    Example:

    ```mlir
    %a = memref.alloc() {alignment = 64 : i64} : memref<128xf32>
    linalg.generic ... outs(%a : memref<128xf32>)
    %b = memref.alloc() {alignment = 64 : i64} : memref<128xf32>
    linalg.generic ... ins(%a : memref<128xf32>) outs(%b : memref<128xf32>)
    ```

    becomes views of `%arena: memref<?xi8>` at offsets 0 and 0 (in place),
    with `program.arenas = [#program.arena<space = 0, bytes = 512,
    lower_bound = 512, alignment = 64>]`.
  }];
  let options = [
    Option<"minAlignment", "alignment", "int64_t", "64",
           "Least alignment of every buffer, in bytes (a power of two)">,
    Option<"inPlace", "in-place", "bool", "true",
           "Let elementwise ops write over an input they read last">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::cf::ControlFlowDialect",
                           "mlir::memref::MemRefDialect", "strata::program::ProgramDialect"];
}

#endif // STRATA_PASSES_PLAN_PASSES_TD

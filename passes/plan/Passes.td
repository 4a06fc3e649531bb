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
           "Constants smaller than this stay in the program">,
    Option<"allFloats", "all-floats", "bool", "false",
           "Every float constant of more than one element goes to the file, "
           "whatever its size, so that a training program's exported weights "
           "replace them all">
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

def KvCacheInPlace : Pass<"strata-kv-cache-in-place", "mlir::func::FuncOp"> {
  let summary = "Append a decoder's new keys and values to its KV cache in place";
  let description = [{
    An exported decoder takes its KV cache as inputs (`past`) and returns
    `present = graph.concat(past, new)` along the sequence axis: a copy of
    the whole cache every step. In the entry function of a program compiled
    with bounds, this pass gives every input that only such a concat reads
    (besides `graph.shape_of`), whose result the function returns, a
    preallocated buffer instead: the argument becomes the cache at its
    capacity (the `--max-shape` bound of the `present` output's axis), a
    rank-0 i64 argument appended after the others says how many positions it
    holds, `past` becomes the view of those, the new positions are written
    after them in place (`tensor.insert_slice` into the argument) and
    `present` is the view of old and new, which the attention reads and the
    function returns. A run-time check stops a step whose new positions do
    not fit. The function records each cache as a `#program.kv_cache` in
    `program.kv_caches`; the executor keeps the buffers between the steps of
    `--generate` and copies nothing, and copies a caller's `past` in and
    `present` out for a single run.

    onnxruntime's GroupQueryAttention keeps each entry of a padded batch
    packed: its new positions go right after its own filled ones. The
    importer writes that present as a `graph.cache_write` of the concat; the
    function then returns the write's result, and the write updates the view
    of old and new in place (each entry's new positions moved to its length,
    zeros after them).

    Inputs without a bound on every other dynamic dimension, or read by
    anything else, keep the concat.

    Example: `%k = graph.concat %past, %new {axis = 2}` returned as
    `present.0.key`, with `#program.bounds<"total_sequence" = 256, ...>`,
    becomes `%k = tensor.extract_slice (tensor.insert_slice %new into
    %cache[0, 0, %length, 0] ...)` over `%cache: tensor<?x4x256x32xf32>`.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::cf::ControlFlowDialect",
                           "mlir::tensor::TensorDialect", "strata::program::ProgramDialect"];
}

def SplitWeights : Pass<"strata-split-weights", "mlir::ModuleOp"> {
  let summary = "Cut weights too large for the tier plan's slots into pieces";
  let description = [{
    The tier plan streams each stage's weights whole into one of two device
    slots, so a budget too small for two slots of the largest stage (beside
    the activations and constants) fits no placement of whole weights. Where
    the module records a piece size (`tier.piece_bytes`, i64; the driver
    chooses it, docs/tiers.md), this pass, run before fusion, cuts every
    weight of more bytes than that into consecutive blocks along the axis its
    readers run in pieces of (`PieceOpInterface`: column blocks of a matrix
    product's right operand or of a gather's table), as few and as even as
    the size allows. Each block becomes a weight of its own, `NAME[:, 0:32]`
    and so on, contiguous in the weights file; each reader becomes one op per
    block and a `graph.concat` of their results, which computes every element
    as the whole op did. A weight with a reader that cannot run in pieces
    stays whole. `strata-form-fusion-groups` keeps each group within the
    piece size, so that each piece makes a stage of its own.

    Example: with `tier.piece_bytes = 49152`, a `graph.matmul %x, %w` of a
    64 KiB `tensor<64x256xf32>` weight becomes two products of
    `@"w[:, 0:128]"` and `@"w[:, 128:256]"` (32 KiB each) joined by
    `graph.concat ... {axis = 1}`.
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", "1024",
           "Weights smaller than this stay in the program">,
    Option<"withoutData", "without-data", "bool", "false",
           "Pieces hold zeros instead of the weight's data (to try a piece size)">
  ];
  let dependentDialects = ["mlir::ml_program::MLProgramDialect", "strata::graph::GraphDialect"];
}

def PlanTiers : Pass<"strata-plan-tiers", "mlir::ModuleOp"> {
  let summary = "Choose the home tier of every weight under device and host memory budgets";
  let description = [{
    The tier plan of ARCHITECTURE §4.2, for the weights (docs/tiers.md). The
    entry function's top-level ops are cut into stages, each beginning at an
    op that reads a weight the stage before did not; a stage's compute time
    is the roofline of its ops' cost-interface flops and bytes at the given
    rates. Each stage's weights either stay resident in device memory or
    stream to one of two device slots from pinned host memory or from NVMe
    (the weights file), loading while the stage before computes. The homes
    minimise the predicted step time
    `transfer[0] + sum over s of max(compute[s-1], transfer[s]) + compute[last]`
    under `gpu-mem` (resident weights, the two slots, the activations at
    their peak and the program's constants) and `host-mem` (weights at home
    on the host, and two pinned staging slots when anything streams from
    NVMe) and `nvme-mem` (weights at home on NVMe): a knapsack over the
    stages, solved by dynamic programming for each slot size. A weight read by several stages takes the nearest home any of
    them chose. The module gets `tier.plan`; a budget no placement fits is an
    error stating the least each tier needs.

    Preconditions: graph ops with static shapes (after the fusion phase).

    Example: with `gpu-mem=1048576`, a graph whose two stages read 512 KiB
    weights `w0` and `w1` gets
    `tier.plan = #tier.plan<slots = 2, slot_bytes = 524288, ...,
    placements = [#tier.placement<"w0", home = host, ...>, ...]>`.
  }];
  let options = [
    Option<"gpuMem", "gpu-mem", "int64_t", "0", "Device memory budget, in bytes">,
    Option<"hostMem", "host-mem", "int64_t", "-1",
           "Pinned host memory budget, in bytes (-1: unlimited)">,
    Option<"nvmeMem", "nvme-mem", "int64_t", "-1",
           "The most bytes of weights kept on NVMe (-1: unlimited)">,
    Option<"hostToDevice", "h2d-bandwidth", "double", "25e9",
           "Host-to-device copy bandwidth, in bytes per second">,
    Option<"nvmeRead", "nvme-bandwidth", "double", "3e9",
           "NVMe read bandwidth, in bytes per second">,
    Option<"deviceMemory", "memory-bandwidth", "double", "1e12",
           "Device memory bandwidth, in bytes per second">,
    Option<"deviceFlops", "flops", "double", "50e12", "Device arithmetic rate, in flops per second">,
    Option<"minBytes", "min-bytes", "int64_t", "1024",
           "Weights smaller than this stay in the program (as strata-plan-weights)">
  ];
  let dependentDialects = ["strata::tier::TierDialect"];
}

def MaterializeTiers : Pass<"strata-materialize-tiers", "mlir::ModuleOp"> {
  let summary = "Write the tier plan into the program as allocations, copies, waits and frees";
  let description = [{
    Follows the module's `tier.plan` (from `strata-plan-tiers`) in the
    bufferised entry function. Its top-level ops are grouped into the
    planner's stages: an op that reads streamed weights (those whose home is
    `host` or `nvme`) belongs to their stage (`first` in their placement, or
    `last` for a weight the graph reads again once its first stage is past),
    and a new stage begins where that stage changes. Each
    stage's streamed weights get buffers packed into device slot `k mod 2`
    (`tier.alloc gpu`, each at a multiple of 64 bytes, offsets counted in one
    arena of two slots); their
    copies are queued one stage ahead (stage 0's at the start): from the
    weight's home on stream "h2d", or from the weights file through a pinned
    staging slot (`tier.alloc host`) on stream "nvme" then "h2d". The stage
    waits for its copies before its first op, reads the weights from its
    slot, and frees them after its last reader. Views of a weight are cloned
    next to each reader first, so a slot is read only inside its stage.
    Weights at home on `gpu` are read where they are.

    Preconditions: bufferised IR; weights are `memref.get_global`s of static
    shape (before strata-plan-weights).

    Example: a stage reading streamed weight `@w1` becomes

    ```mlir
    %slot = tier.alloc gpu offset 32768 : memref<64x128xf32>
    %home = memref.get_global @w1 : memref<64x128xf32>
    %ready = tier.copy %home to %slot on "h2d" : memref<64x128xf32> to memref<64x128xf32>
    ...
    tier.wait %ready
    linalg.matmul ins(%x, %slot : ...) outs(...)
    tier.free %slot : memref<64x128xf32>
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "strata::tier::TierDialect"];
}

def PlanTierArenas : Pass<"strata-plan-tier-arenas", "mlir::ModuleOp"> {
  let summary = "Give the tier plan's device slots and host staging slots their arenas";
  let description = [{
    After the buffer plan: the entry function gains one trailing
    `memref<?xi8>` argument per tier its `tier.alloc`s use, marked
    `tier.arena = "gpu"` or `"host"`, and `program.arenas` gains an arena of
    the bytes they span, or of the plan's slots (`slots` x `slot_bytes` of
    the module's `tier.plan`) when those are more (device memory for `gpu`,
    host memory for `host`),
    which the executor allocates once like the buffer plan's. The
    allocations keep their offsets; the target's code generation reads them
    as views of these arguments. Then the device memory the program takes
    (its arenas in device memory and the weights the plan keeps resident) is
    checked against the module's `tier.device_budget`: the planner estimates
    the activations on the graph, the buffer plan knows them, and a program
    over its budget is an error saying by how much. A program within it gets
    the buffer plan's figure as the plan's `gpu_bytes`: its device arenas,
    the resident weights and the constants that stay in the program.

    Preconditions: after strata-plan-buffers; no `tier.alloc nvme`.

    Example: `tier.alloc gpu offset 32768 : memref<64x128xf32>` in a function
    gives it an argument `%arena: memref<?xi8> {tier.arena = "gpu"}` and the
    arena `#program.arena<space = 0, bytes = 65536, lower_bound = 65536,
    alignment = 64>`.
  }];
  let dependentDialects = ["strata::program::ProgramDialect", "strata::tier::TierDialect"];
}

#endif // STRATA_PASSES_PLAN_PASSES_TD

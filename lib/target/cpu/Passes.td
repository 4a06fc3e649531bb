//===- Passes.td - CPU target passes ---------------------------*- tablegen -*-===//
//
// Passes specific to code generation for the host CPU.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_TARGET_CPU_PASSES_TD
#define STRATA_LIB_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def ContractionsToBlas : Pass<"strata-cpu-contractions-to-blas", "mlir::ModuleOp"> {
  let summary = "Run f32 matrix products through the runtime's BLAS call";
  let description = [{
    Replaces every bufferised f32 contraction (a `linalg` op whose body is a
    multiply-accumulate and whose maps are projected permutations: matmul,
    batch matmul, einsum-like generics with transposes or broadcast batches)
    with a call to `strata_cpu_contract_f32`, which runs it as strided,
    batched `cblas_sgemm` calls accumulating into the output. The call gets,
    per loop dimension, its size, its stride in each operand (0 where the
    operand does not have it) and its role (batch, m, n, k), packed into a
    stack buffer, the three operands' aligned data pointers, whether to
    accumulate into the output (0 when a zero `linalg.fill` of it right before
    the product was dropped), and which operands are constant (bit 0: A, bit
    1: B; a view of the weights region or of a constant global), which the
    runtime may keep re-laid out for its kernel.

    Example: `linalg.matmul ins(%a, %b : memref<128x64xf32>, memref<64x64xf32>)
    outs(%c : memref<128x64xf32>)` becomes a
    `func.call @strata_cpu_contract_f32(%rank, %desc, %pa, %pb, %pc, %acc, %constants)`.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::memref::MemRefDialect"];
}

def ApproximateMath : Pass<"strata-cpu-approximate-math"> {
  let summary = "Inline polynomial approximations of f32 math functions";
  let description = [{
    Rewrites `math.exp`, `math.erf` and `math.tanh` on f32 (scalars or
    vectors) into the upstream polynomial approximations (a few ulp of error
    over the whole range, checked against onnxruntime), and `math.powf` with a
    constant integer exponent of magnitude at most 4 into products, so that
    the loops around them need no libm call and vectorise. Other types
    and functions are left to libm.

    Example: `%y = math.exp %x : f32` becomes range reduction, a polynomial and
    an exponent insertion in `arith` ops.
  }];
}

def FuseElementwise : Pass<"strata-cpu-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg ops into their consumers within fusion groups";
  let description = [{
    On linalg ops on tensors, fuses an all-parallel `linalg.generic` into the
    op that consumes it when it has no other use and both are in the same
    fusion group (the same `scf.execute_region`, which is what
    `strata-lower-graph-to-linalg` makes of a `graph.fusion_group`; ops
    outside every group fuse with each other), so that chains such as
    bias add, GELU and residual add become one loop nest and the
    intermediate tensors are never stored. Contractions are never a fusion
    consumer: they stay recognisable for the BLAS path
    (`strata-cpu-contractions-to-blas`). First, a `linalg.fill` with several
    uses is cloned per use, so that each consumer fills its own buffer
    (bufferisation would otherwise copy one filled buffer for each). Last,
    each group's ops replace the group.

    Example: `%a = add(%x, %b)` followed by `%g = gelu(%a)` becomes one
    `linalg.generic` computing `gelu(x + b)`.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def LowerChecks : Pass<"strata-cpu-lower-checks", "mlir::ModuleOp"> {
  let summary = "Make failed run-time checks report to the executor";
  let description = [{
    Rewrites every `cf.assert` (the compiled code's run-time checks: gather
    indices, broadcast sizes, buffers against their slots in the memory plan)
    into a conditional branch to a block that calls
    `strata_cpu_check_failed` (runtime/device/cpu/Checks.h) with the
    assert's message, a private constant of the module, and ends in
    `llvm.unreachable`. The runtime function unwinds to the device's invoke,
    so that the program prints the message and exits with status 1 where
    upstream's lowering of `cf.assert` would abort. Runs on control flow
    graphs (after `scf` is lowered to `cf`), since it splits blocks.

    Example: `cf.assert %ok, "node 'g (Gather)': an index lies outside
    [-4, 3], the range of axis 0 of the data"` becomes
    `cf.cond_br %ok, ^next, ^failed` and
    `^failed: %m = llvm.mlir.addressof @strata_check_message : !llvm.ptr;
    llvm.call @strata_cpu_check_failed(%m) : (!llvm.ptr) -> ();
    llvm.unreachable`.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::cf::ControlFlowDialect"];
}

def ReassociateReductions : Pass<"strata-cpu-reassociate-reductions"> {
  let summary = "Allow floating-point reductions to be reassociated";
  let description = [{
    Marks the `arith` op that combines the accumulator of every reduction
    `linalg.generic` (add, mul, max, min on floats) with the `reassoc` fast-math
    flag, so that LLVM may vectorise the reduction loop (partial sums in vector
    lanes, combined at the end). Results may differ from a sequential sum in
    the last bits, as with any vectorised reduction (onnxruntime's included).

    Example: `%s = arith.addf %out, %in : f32` in a sum over the last axis
    becomes `%s = arith.addf %out, %in fastmath<reassoc> : f32`.
  }];
}

def TileAndVectorize : Pass<"strata-cpu-tile-and-vectorize"> {
  let summary = "Tile elementwise linalg ops by the vector width and vectorise them";
  let description = [{
    On bufferised IR, every all-parallel linalg op with static loop ranges
    whose innermost loop is contiguous in its output and in each input that
    uses it (reads along it are unit-stride or broadcast) is tiled into
    `scf.for` loops over tiles of `[1, ..., 1, W]` (W = 16, 8 or 4, the largest
    that divides the innermost extent; `vector-width` caps it) and each tile
    becomes `vector.transfer_read`s, vector arithmetic and a
    `vector.transfer_write`. Ops that do not qualify (reductions, gathers,
    dynamic shapes, innermost extents not divisible by 4) stay for the loop
    lowering, where LLVM's loop vectoriser takes them; so do ops on booleans,
    which memory holds as bytes and vectors as bits. An input may index a
    unit dimension by 0 (`(d0, 0, d2, d3)`: an attention mask broadcast over
    the heads, a norm's row statistic along the row). Left to LLVM, those
    loops ran scalar (unrolled by eight, not vectorised), and a BERT-style
    test model (d_model 64) took 18 % longer.

    Example: a bias add over `memref<128x64xf32>` becomes a loop over 128 x 4
    tiles, each reading `vector<1x16xf32>` from both operands, adding and
    writing them.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", "16",
           "The widest vector, in elements">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
                           "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def OutlineKernels : Pass<"strata-cpu-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Give every linalg op on buffers its own function, with noalias operands";
  let description = [{
    After the buffer plan every buffer is a view of one arena argument, so
    LLVM cannot tell an op's buffers apart: it keeps reduction accumulators in
    memory and guards vectorised loops with overlap checks. The plan knows
    better (the buffers one op reads and writes are live together, and live
    buffers never overlap, except an elementwise op's input and output written
    in place). This pass moves each linalg op on buffers into a private
    function `@strata_kernel*` that takes the op's operands and what its body
    uses from outside (constants are cloned), calls it in the op's place, and
    records as `strata.cpu.noalias` the LLVM argument positions (after the
    function conversion) of the aligned pointers of the memref operands that
    no other operand may alias; `strata-cpu-mark-noalias` turns them into
    `llvm.noalias` after the conversion.

    Example: `linalg.generic ... ins(%a : memref<128xf32>) outs(%b : memref<128xf32>)`
    with `%a`, `%b` views of the arena at offsets 0 and 512 becomes
    `func.call @strata_kernel(%a, %b)`, whose memref arguments are both
    noalias (`strata.cpu.noalias = array<i64: 1, 6>`).
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def OutlineSegments : Pass<"strata-cpu-outline-segments", "mlir::ModuleOp"> {
  let summary = "Split long function bodies into calls of bounded segments";
  let description = [{
    A model of many nodes lowers to one entry function holding a call per
    node; LLVM's register allocation and scheduling grow faster than linearly
    with a function's length, and the passes nested on functions cannot run
    it in parallel. This pass cuts the body of every single-block function
    longer than `ops-per-segment` operations (nested ones counted, those it
    recomputes not) into consecutive runs of about that many and moves each
    run into a private
    function called in its place, which LLVM neither inlines nor optimises
    (`noinline`, `optnone`: a segment only passes buffers to kernels, and
    unoptimised code generation is linear in its length). A segment takes as arguments
    the values it uses from outside, except side-effect-free ops without
    regions (constants, views of the arenas, index arithmetic), which it
    recomputes, and returns the values used after it. A cut never separates a
    stack allocation from a use, which the segment's return would outlive.

    Example: an entry function of 5,000 kernel calls and buffer views with
    `ops-per-segment=2048` becomes three calls, of `@main_segment`,
    `@main_segment_0` and `@main_segment_1`, each taking the arena and
    weights buffers.
  }];
  let options = [
    Option<"opsPerSegment", "ops-per-segment", "int64_t", "2048",
           "The operations a segment holds, about; bodies up to this long stay whole">
  ];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def ShareKernels : Pass<"strata-cpu-share-kernels", "mlir::ModuleOp"> {
  let summary = "Let the device's threads share each kernel's outermost parallel loop";
  let description = [{
    After tiling and vectorisation, for every private function called only by
    `func.call` whose body's one op with effects is either an `scf.for`
    marked `strata.cpu.shareable` (the outermost loop of more than one
    iteration that `strata-cpu-tile-and-vectorize` made from an all-parallel
    op) or a linalg op whose first dimension of more than one iteration is
    parallel and indexes every output (tiled here by one along it, and
    marked), and which neither calls nor allocates on the heap: the function
    gains two `index` arguments, `part` and `parts`, and an `index` result.
    Called with `parts` = 0 it returns the loop's work (its iterations times
    the elements each computes, the mark's value); otherwise it runs the
    iterations `[n * part / parts, n * (part + 1) / parts)` of the `n` and
    returns 0. Its calls pass part 0 of 1, and it is marked
    `strata.cpu.shared` for `strata-cpu-fork-shared-kernels`.

    Example: a kernel whose loop is `scf.for %i = %c0 to %c512 step %c1
    {strata.cpu.shareable = 768}` becomes `(..., %part, %parts) -> index`
    returning `512 * 768` when `%parts` is 0 and otherwise looping from
    `512 * %part / %parts` to `min(512, 512 * (%part + 1) / %parts)`.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::scf::SCFDialect"];
}

def ForkSharedKernels : Pass<"strata-cpu-fork-shared-kernels", "mlir::ModuleOp"> {
  let summary = "Run the calls of shared kernels through the device's team";
  let description = [{
    On the LLVM dialect: for every `llvm.func` marked `strata.cpu.shared`
    (see `strata-cpu-share-kernels`), adds an internal function
    `<kernel>_task(ptr context, i64 part, i64 parts) -> i64` that loads the
    kernel's other arguments from the struct at `context` and calls it, and
    replaces every call of the kernel by stores of its arguments into a
    stack struct (one per calling function, at its entry) and a call of
    `strata_cpu_share(task, struct)` (runtime/device/cpu/Team.h), which asks
    the task for the work and runs its parts on the team's threads or on the
    calling thread.

    Example: `llvm.call @strata_kernel(%p, %q, %c0, %c1)` becomes two
    `llvm.store`s into `%slot = llvm.alloca` of `!llvm.struct<(ptr, ptr)>`
    and `llvm.call @strata_cpu_share(%task, %slot)` with
    `%task = llvm.mlir.addressof @strata_kernel_task`.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def MarkNoAlias : Pass<"strata-cpu-mark-noalias", "mlir::ModuleOp"> {
  let summary = "Set llvm.noalias on the argument positions the kernel outliner recorded";
  let description = [{
    On the LLVM dialect: every `llvm.func` with a `strata.cpu.noalias` array
    (see `strata-cpu-outline-kernels`) gets `llvm.noalias` on those arguments,
    and loses the array.

    Example: `llvm.func @strata_kernel(%arg0: !llvm.ptr, %arg1: !llvm.ptr, ...)
    attributes {strata.cpu.noalias = array<i64: 1>}` becomes `llvm.func
    @strata_kernel(%arg0: !llvm.ptr, %arg1: !llvm.ptr {llvm.noalias}, ...)`.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def LowerTiers : Pass<"strata-cpu-lower-tiers", "mlir::ModuleOp"> {
  let summary = "Run the tier plan's copies on the CPU device's copy streams";
  let description = [{
    The CPU target's lowering of the tier dialect: each `tier.alloc` becomes
    a `memref.view` of its tier's arena argument (`tier.arena`, from
    strata-plan-tier-arenas) at its offset. Each stream the module names is
    one of the runtime's copy streams (runtime/device/cpu/TierStreams.h,
    numbered in the order the module first names them; at most 8), whose
    copy thread runs its copies in order while the compiled code computes.
    A `tier.copy` queues its copy where it stands and yields a ticket: one on
    stream "nvme" from the weights file (a view of the weights region at a
    constant offset) as `strata_cpu_tier_read_weights`, which reads the file
    through the NVMe tier's reader (io_uring, O_DIRECT) rather than the
    mapping, any other as `strata_cpu_tier_copy` (a counted memcpy).
    An `after` event of another stream first queues
    `strata_cpu_tier_stream_wait` on the copy's stream; one of the same
    stream is implied by its order. A `tier.wait` becomes
    `strata_cpu_tier_wait`, which blocks until the copy has run and raises
    its failure; a `tier.free` disappears (the slots are the plan's).

    Preconditions: after strata-plan-tier-arenas; every event comes from a
    `tier.copy` earlier in the same function.

    Example: `%s = tier.alloc gpu offset 64 : memref<4xf32>`,
    `%e = tier.copy %w to %s on "h2d" : ...` and `tier.wait %e` become
    `%s = memref.view %arena[%c64][] : memref<?xi8> to memref<4xf32>`,
    `%t = func.call @strata_cpu_tier_copy(%c0, %target, %source, %c16)` on
    the buffers' addresses, and `func.call @strata_cpu_tier_wait(%c0, %t)`.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::func::FuncDialect",
                           "mlir::memref::MemRefDialect"];
}

#endif // STRATA_LIB_TARGET_CPU_PASSES_TD

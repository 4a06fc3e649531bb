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

def OutlineWeights : Pass<"strata-cpu-outline-weights", "mlir::ModuleOp"> {
  let summary = "Move large constant globals into the packed weights file";
  let description = [{
    Every constant `memref.global` of at least `min-bytes` bytes (byte-sized
    element types) leaves the program: it is given a 4 KiB-aligned offset in
    the weights file's data region, each public function gains a trailing
    `memref<?xi8>` argument (the mapped data region), and every
    `memref.get_global` of it becomes a `memref.view` of that argument at its
    offset. The module keeps the plan as `strata.weights`, an array of
    `{name, offset, value}` dictionaries that the emitter writes out.

    Example: `%w = memref.get_global @__constant_64x64xf32 : memref<64x64xf32>`
    becomes `%w = memref.view %weights[%c0][] : memref<?xi8> to
    memref<64x64xf32>`.
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", "1024",
           "Constants smaller than this stay in the program">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

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
    stack buffer, the three operands' aligned data pointers, and whether to
    accumulate into the output (0 when a zero `linalg.fill` of it right before
    the product was dropped).

    Example: `linalg.matmul ins(%a, %b : memref<128x64xf32>, memref<64x64xf32>)
    outs(%c : memref<128x64xf32>)` becomes a
    `func.call @strata_cpu_contract_f32(%rank, %desc, %pa, %pb, %pc, %acc)`.
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
  let summary = "Fuse elementwise linalg ops into their consumers";
  let description = [{
    On linalg ops on tensors, fuses an all-parallel `linalg.generic` into the
    op that consumes it when it has no other use, so that chains such as
    bias add, GELU and residual add become one loop nest and the
    intermediate tensors are never stored. Contractions are never a fusion
    consumer: they stay recognisable for the BLAS path
    (`strata-cpu-contractions-to-blas`). First, a `linalg.fill` with several
    uses is cloned per use, so that each consumer fills its own buffer
    (bufferisation would otherwise copy one filled buffer for each).

    Example: `%a = add(%x, %b)` followed by `%g = gelu(%a)` becomes one
    `linalg.generic` computing `gelu(x + b)`.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
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
    which memory holds as bytes and vectors as bits.

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

#endif // STRATA_LIB_TARGET_CPU_PASSES_TD

//===- Passes.td - Lowering of the graph dialect ----------------*- tablegen -*-===//
//
// Passes that take graph ops to upstream linalg, tensor, arith and math ops on
// tensors, ready for bufferisation and target code generation, and the
// conversion to signless integer types that prepares graph IR for them.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_LOWERING_PASSES_TD
#define STRATA_LIB_LOWERING_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerGraphToLinalg : Pass<"strata-lower-graph-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower graph ops to linalg, tensor, arith and math ops on tensors";
  let description = [{
    Each op family has its patterns (`populate*ToLinalgPatterns`); an op
    without one stops the pass with an error at the op.

    Preconditions: integer element types are signless
    (`strata-convert-to-signless`: the ops that read signedness carry it in
    their unsigned attributes, which choose the unsigned arithmetic variants),
    and composite ops are decomposed (`strata-decompose`; one the target keeps
    whole has no lowering here). An integer type with signedness stops the pass
    with an error at the op.

    Elementwise ops (every op with a `ScalarBodyOpInterface`: unary math,
    binary arithmetic with numpy broadcasting, comparisons, `where`, `cast`,
    activations) become one `linalg.generic` over the result's iteration space
    whose body is the op's scalar body. Broadcast operands read through
    indexing maps that pin their size-1 dimensions to 0; with several
    operands, one with a dynamic dimension (which may be 1 at run time) is read
    element by element with `tensor.extract` at an index that broadcasts it
    when it is.

    `matmul` becomes a `linalg.generic` with one reduction dimension whose batch
    dimensions broadcast through the indexing maps, accumulating into a
    zero-filled tensor. `matmul_nbits` becomes the same product whose packed
    weights, scales and zero points are read through maps that select each
    k's byte and block, the body unpacking and dequantising the value. `conv`
    pads its input with zeros (`tensor.pad`) and becomes one `linalg.generic`
    over the output positions, channels and kernel offsets.
    `reduce`, `arg_reduce`, `softmax` and `log_softmax`
    become reductions over the given axes with the kind's initial value, followed
    by the kind's elementwise epilogue (mean divides by the count, l2 takes the
    square root, log_sum_exp subtracts the maximum first for stability).

    Data movement maps to the tensor dialect where it has the op
    (`extract_slice`, `concat`, `reshape`, `from_elements`) and otherwise to
    linalg ops whose indexing maps do the movement (transpose, broadcast,
    negative-stride slices); `gather` extracts inside a `linalg.generic`, as
    does a `dynamic_slice` whose steps are negative or known only at run time.

    Ops that walk a dimension in order become `scf.for` loops over tensors:
    `cumsum` carries the running sum, `top_k` runs k selection passes (each a
    reduction to the next element in output order). Reductions over axes read
    at run time are a loop nest over the input. Axes read at run time are
    checked with `cf.assert`; `cumsum` picks its loop with `scf.index_switch`.
    `dropout` in training mode draws from a counter-based generator (seed and
    element position).

    A `graph.fusion_group` becomes an `scf.execute_region` marked
    `no_inline` holding its lowered ops, so that the target's tensor passes
    still see each group (a target fuses within a group, then inlines it).

    Example:

    ```mlir
    %z = graph.add %x, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
    ```

    becomes

    ```mlir
    %e = tensor.empty() : tensor<2x8xf32>
    %z = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                          affine_map<(d0, d1) -> (d1)>,
                                          affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
        ins(%x, %b : tensor<2x8xf32>, tensor<8xf32>) outs(%e : tensor<2x8xf32>) {
    ^bb0(%a: f32, %c: f32, %out: f32):
      %s = arith.addf %a, %c : f32
      linalg.yield %s : f32
    } -> tensor<2x8xf32>
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::cf::ControlFlowDialect"];
}

def ConvertToSignless : Pass<"strata-convert-to-signless", "mlir::ModuleOp"> {
  let summary = "Make every integer element type signless, keeping signedness on "
                "the ops that read it";
  let description = [{
    The importer gives unsigned integers their element type (`ui8`, `ui16`, ...),
    as ONNX does, while `arith`, `linalg` and the rest of the upstream stack
    work on signless integers. This pass first records, on every op that
    implements `SignednessOpInterface` (division, remainder, max and min,
    comparisons, casts, abs, relu and sign, reductions, arg-reductions, top-k,
    ranges, quantisation), which of its integers are unsigned, in the op's
    unsigned attribute (`is_unsigned`; `input_unsigned` and `result_unsigned`
    on `graph.cast`). Then it replaces every signed or unsigned integer type in
    the module by the signless type of its width: in values, function
    signatures and attributes (constants, fills and weights keep their bits).
    What the other ops compute (sums, products, data movement) does not depend
    on signedness.

    The function signatures become signless too: the runtime passes raw bytes,
    and the model's declared dtypes are read from the graph IR before this pass.

    Preconditions: none; running it twice changes nothing more.

    Example:

    ```mlir
    func.func @f(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xf32> {
      %m = graph.max %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
      %f = graph.cast %m : tensor<4xui8> -> tensor<4xf32>
      return %f : tensor<4xf32>
    }
    ```

    becomes

    ```mlir
    func.func @f(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xf32> {
      %m = graph.max %a, %b {is_unsigned} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
      %f = graph.cast %m {input_unsigned} : tensor<4xi8> -> tensor<4xf32>
      return %f : tensor<4xf32>
    }
    ```
  }];
}

def ScalarizeShapeTensors : Pass<"strata-scalarize-shape-tensors", "mlir::func::FuncOp"> {
  let summary = "Compute tiny integer tensors element by element, as scalars";
  let description = [{
    Shape computations of models with dynamic dimensions (ONNX `Shape`,
    `Gather`, `Concat`, `Unsqueeze`, `Where` on 1-D int64 tensors) lower to
    linalg and tensor ops on tensors of a few integers. Bufferised, those
    become buffers whose contents the sizes of later buffers depend on, out of
    reach of any analysis of index arithmetic (the buffer plan's bounds among
    them), and each costs an allocation and a loop at run time. This pass
    rewrites every all-parallel `linalg.generic` whose results are static
    integer tensors of at most `max-elements` elements (evaluating its body at
    each point of the iteration space), and `tensor.concat`,
    `tensor.expand_shape`, `tensor.collapse_shape` and static
    `tensor.extract_slice` on such tensors, into `tensor.from_elements` of
    scalars; `tensor.extract` of those folds away, so sizes become plain
    arithmetic on `tensor.dim`s.

    Example:

    ```mlir
    %c = tensor.concat dim(0) %minus_one, %s : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
    %e = tensor.extract %c[%c1] : tensor<2xi64>
    ```

    becomes `%e = tensor.extract %s[%c0] : tensor<1xi64>` (and, when `%s` is
    itself `tensor.from_elements %d`, just `%d`).
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", "16",
           "Largest tensor (in elements) computed as scalars">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::tensor::TensorDialect"];
}

def OutputDestinations : Pass<"strata-output-destinations", "mlir::ModuleOp"> {
  let summary = "Give each static-shaped result of the entry function the "
                "caller's memory to be written into";
  let description = [{
    For each result of the entry function (`program.entry`) whose shape is
    static and not empty, appends an argument of the result's type marked
    `program.destination = <result index>` and returns the result
    materialised in it. The executor passes the tensor the caller receives
    as that argument; `strata-bufferize` makes the ops that compute the
    result write there (in place of the empty tensor they start from), or
    copies it there once where they cannot, and the executor copies nothing
    out. A value returned
    twice gets the memory of its first result, which the others return.
    Results of dynamic shape, whose size the caller does not know before the
    run, and views of a KV cache (`program.kv_caches`) keep being returned
    from the compiled code's own memory.

    Example:

    ```mlir
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> attributes {program.entry} {
      %y = linalg.exp ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
      return %y : tensor<4xf32>
    }
    ```

    becomes

    ```mlir
    func.func @main(%x: tensor<4xf32>, %out: tensor<4xf32> {program.destination = 0 : i64})
        -> tensor<4xf32> attributes {program.entry} {
      %y = linalg.exp ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
      %r = bufferization.materialize_in_destination %y in %out
          : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      return %r : tensor<4xf32>
    }
    ```
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

def Bufferize : Pass<"strata-bufferize", "mlir::ModuleOp"> {
  let summary = "Bufferise linalg on tensors into memrefs of one memory space";
  let description = [{
    One-shot bufferisation of the whole module, function boundaries included:
    arguments and results become identity-layout memrefs (except a result that
    is a strided view of an argument, such as a KV cache's present positions,
    which keeps its strides), every tensor a buffer, in place wherever the
    analysis allows. Buffers bufferisation allocates are
    in memory space `memory-space` (0: the default space, no attribute), the
    memory the target computes in; the buffer plan gives each space its own
    arena. Immutable weights (`ml_program.global_load_const`) become
    `memref.get_global`s of the globals of the same name. Nothing is freed: the
    buffer plan (`strata-plan-buffers`) decides where each buffer lives.

    Example:

    ```mlir
    %w = ml_program.global_load_const @wte : tensor<256x64xf32>
    %e = tensor.empty() : tensor<4x64xf32>
    ```

    becomes

    ```mlir
    %w = memref.get_global @wte : memref<256x64xf32>
    %e = memref.alloc() {alignment = 64 : i64} : memref<4x64xf32>
    ```
  }];
  let options = [
    Option<"memorySpace", "memory-space", "unsigned", "0",
           "Memory space of the buffers bufferisation allocates">
  ];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect"];
}

def ExportEntryPoints : Pass<"strata-export-entry-points", "mlir::ModuleOp"> {
  let summary = "Give public functions a prefixed name and a C interface";
  let description = [{
    Renames the entry function (marked `program.entry`) to `<prefix>main` and
    every other public `func.func` to `<prefix><name>` (so that the model's
    entry cannot collide with the program's C `main`), and marks each with
    `llvm.emit_c_interface`, so that the LLVM lowering also emits
    `_mlir_ciface_<name>`, which takes each memref as a pointer to its
    descriptor `{allocated, aligned, offset, sizes[], strides[]}`: the form the
    runtime's executor calls. Private functions keep the internal calling
    convention.

    Example: `func.func @main(%x: memref<1x16xi64>) attributes {program.entry}`
    becomes `func.func @strata_model_main(%x: memref<1x16xi64>) attributes
    {llvm.emit_c_interface, program.entry}`, callable as
    `_mlir_ciface_strata_model_main`.
  }];
  let options = [
    Option<"prefix", "prefix", "std::string", "\"strata_model_\"",
           "Prefix of the exported symbols">
  ];
}

#endif // STRATA_LIB_LOWERING_PASSES_TD

//===- ProgramDialect.td - The program contract -------------*- tablegen -*-===//
//
// The program dialect holds no ops: its typed attributes carry, from import to
// the emitted program, what the executor must know about the compiled code
// (the model's inputs and outputs, dimension bounds, values passed on without
// computation, the memory plan's arenas, the weights file's layout).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PROGRAM_DIALECT_TD
#define STRATA_PROGRAM_DIALECT_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"

def Program_Dialect : Dialect {
  let name = "program";
  let cppNamespace = "::strata::program";
  let summary = "The contract between compiled code and the executor that runs it";
  let description = [{
    Facts that cross phases travel as the typed attributes of this dialect,
    each checked by a verifier, never as strings a later phase parses. They
    are attached under fixed names:

    | name | where | attribute |
    |---|---|---|
    | `program.value` | entry function arguments and results | `#program.value` |
    | `program.entry` | the entry function | unit |
    | `program.bounds` | the entry function | `#program.bounds` |
    | `program.pass_through_inputs`, `program.pass_through_outputs` | the entry function | array of `#program.pass_through` |
    | `program.arenas` | the entry function | array of `#program.arena` |
    | `program.weights` | the module | array of `#program.weight` |

    Example:

    ```mlir
    func.func @main(%ids: tensor<?x?xi64> {program.value = #program.value<"input_ids", dims = ["batch", "sequence"]>})
        -> (tensor<?x?x256xf32> {program.value = #program.value<"logits", dims = ["batch", "sequence", ""]>})
        attributes {program.entry, program.bounds = #program.bounds<"batch" = 8, "sequence" = 2048>}
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Adds the attributes (defined next to their storage in ProgramAttrs.cpp).
    void registerAttributes();

    /// The names under which the dialect's attributes are attached.
    static constexpr llvm::StringLiteral kValue = "program.value";
    static constexpr llvm::StringLiteral kEntry = "program.entry";
    static constexpr llvm::StringLiteral kBounds = "program.bounds";
    static constexpr llvm::StringLiteral kPassThroughInputs = "program.pass_through_inputs";
    static constexpr llvm::StringLiteral kPassThroughOutputs = "program.pass_through_outputs";
    static constexpr llvm::StringLiteral kArenas = "program.arenas";
    /// On the entry function: an array of #program.kv_cache, one per input
    /// the function appends to in place (strata-kv-cache-in-place).
    static constexpr llvm::StringLiteral kKvCaches = "program.kv_caches";
    static constexpr llvm::StringLiteral kWeights = "program.weights";
    /// On an entry function's argument: the index of the result the caller
    /// receives in this argument's memory (strata-output-destinations); the
    /// function writes that result there and returns it.
    static constexpr llvm::StringLiteral kDestination = "program.destination";
    /// On the entry point's argument that receives the mapped weights file
    /// (added by strata-plan-weights): what is read through it never changes,
    /// unless the function trains (kTraining).
    static constexpr llvm::StringLiteral kWeightsRegion = "program.weights_region";
    /// On the entry point of a program that trains: a dictionary with `loss`
    /// (the loss= option of strata-autodiff), `target` (the name of the input
    /// the loss reads its target from), `shift` (a boolean: whether the loss
    /// scores position i against target i + 1) and, once strata-optimizer has
    /// made the weights state that every run updates, `optimizer` (a string)
    /// and `parameters` and `state` (arrays of the names of the globals it
    /// trains and of the optimizer's state). The weights of such a program
    /// change between runs: none is a constant.
    static constexpr llvm::StringLiteral kTraining = "program.training";
    /// On the module, "bf16" (stratac compile --matmul-precision=bf16):
    /// f32 matrix products may read their operands rounded to bf16,
    /// accumulating and writing in f32; "f16": they read them rounded to
    /// f16, accumulate in f32 and round their results to f16. Without it
    /// they compute in f32.
    static constexpr llvm::StringLiteral kMatmulPrecision = "program.matmul_precision";
  }];
}

def Program_ValueKind : I32EnumAttr<"ValueKind",
    "what a value passed on without computation holds", [
      I32EnumAttrCase<"sequence", 1>,
      I32EnumAttrCase<"optional_tensor", 2>,
      I32EnumAttrCase<"optional_sequence", 3>]> {
  let cppNamespace = "::strata::program";
  let genSpecializedAttr = 0;
}

class Program_Attr<string name, string attrMnemonic> : AttrDef<Program_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def Program_ValueAttr : Program_Attr<"Value", "value"> {
  let summary = "an input or output of the model";
  let description = [{
    The ONNX name of an entry-point argument or result and the name of each of
    its dimensions (the ONNX `dim_param`; empty for a fixed or unnamed one).
    Inputs that share a dimension name must agree on its size at run time.
    `type_only` marks an input whose data and shape the model never reads
    (only its element type matters); results cannot be type-only.
    `default` is the value of an input the caller may leave out (an ONNX
    initializer that shares the input's name, from IR version 4 on): of the
    input's element type and rank, and of its size in each static dimension.
    Only inputs have defaults, and a type-only input has none.

    Example: `#program.value<"attention_mask", dims = ["batch", "sequence"]>`,
    `#program.value<"like", dims = [""], type_only>`,
    `#program.value<"bias", dims = [""], default = dense<[1.0, 2.0]> : tensor<2xf32>>`.
  }];
  let parameters = (ins "mlir::StringAttr":$name,
                        ArrayRefParameter<"mlir::StringAttr">:$dims,
                        "bool":$typeOnly,
                        OptionalParameter<"mlir::ElementsAttr">:$defaultValue);
  let hasCustomAssemblyFormat = 1;
}

def Program_BoundsAttr : Program_Attr<"Bounds", "bounds"> {
  let summary = "upper bounds of named dynamic dimensions";
  let description = [{
    From `--max-shape`: each named dimension is at most its bound (a positive
    integer). The memory plan sizes buffers from these bounds and the executor
    refuses inputs that exceed them.

    Example: `#program.bounds<"batch" = 8, "sequence" = 2048>`.
  }];
  let parameters = (ins "mlir::DictionaryAttr":$bounds);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The bound of dimension `name`, if it has one.
    std::optional<int64_t> lookup(llvm::StringRef name) const;
  }];
}

def Program_PassThroughAttr : Program_Attr<"PassThrough", "pass_through"> {
  let summary = "a sequence or optional value passed from an input to outputs";
  let description = [{
    Sequence and optional values are not arguments of the compiled code: the
    executor reads such an input and writes it to the outputs that name it as
    their `source`. `position` is the value's index among the ONNX graph's
    inputs (or outputs); `element` the type of the tensors it holds.

    Example: `#program.pass_through<"seq", position = 1, kind = sequence, element = tensor<?xf32>>`,
    `#program.pass_through<"seq_out", position = 0, kind = sequence, element = tensor<?xf32>, source = "seq">`.
  }];
  let parameters = (ins "mlir::StringAttr":$name, "int64_t":$position,
                        "::strata::program::ValueKind":$kind,
                        "mlir::TensorType":$element,
                        "mlir::StringAttr":$source);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def Program_ArenaAttr : Program_Attr<"Arena", "arena"> {
  let summary = "one arena of the buffer plan";
  let description = [{
    Every buffer of the compiled code in memory space `space` lives at a
    compile-time offset in this arena of `bytes` bytes, whose base is aligned
    to `alignment`. `lower_bound` is the most bytes live at once over the
    program (no placement can use less), printed next to `bytes` in reports.

    Example: `#program.arena<space = 0, bytes = 65536, lower_bound = 65536, alignment = 64>`.
  }];
  let parameters = (ins "int64_t":$space, "int64_t":$bytes, "int64_t":$lowerBound,
                        "int64_t":$alignment);
  let assemblyFormat = "`<` `space` `=` $space `,` `bytes` `=` $bytes `,` `lower_bound` `=` "
                       "$lowerBound `,` `alignment` `=` $alignment `>`";
  let genVerifyDecl = 1;
}

def Program_KvCacheAttr : Program_Attr<"KvCache", "kv_cache"> {
  let summary = "an input the program appends to in place";
  let description = [{
    Argument `input` of the entry function is a KV cache of `capacity`
    positions along `axis`: the executor passes a buffer of that size, holding
    the cached positions first, and the function's argument that many
    positions after the last tensor input (in the order of the function's
    `program.kv_caches`) is a rank-0 i64 tensor, the number of positions the
    cache holds. The function writes its new positions after them, in place,
    and result `output` (the ONNX `present` output) is a view of the cache's
    first positions, old and new. The model's input keeps its ONNX shape:
    `axis` is dynamic there, of at most `capacity` positions.

    Example: `#program.kv_cache<input = 1, output = 1, axis = 2, capacity = 256>`.
  }];
  let parameters = (ins "int64_t":$input, "int64_t":$output, "int64_t":$axis,
                        "int64_t":$capacity);
  let assemblyFormat = "`<` `input` `=` $input `,` `output` `=` $output `,` `axis` `=` $axis `,` "
                       "`capacity` `=` $capacity `>`";
  let genVerifyDecl = 1;
}

def Program_WeightAttr : Program_Attr<"Weight", "weight"> {
  let summary = "a tensor stored in the weights file";
  let description = [{
    The tensor called `name` (the ONNX initializer's name, or a generated one
    for constants the compiler made) lives at `offset` bytes from the start of
    the weights file's data region; `value` holds its data until the file is
    written.

    Example: `#program.weight<"wte.weight", offset = 4096, value = dense_resource<w0> : tensor<256x64xf32>>`.
  }];
  let parameters = (ins "mlir::StringAttr":$name, "int64_t":$offset,
                        "mlir::ElementsAttr":$value);
  let assemblyFormat = "`<` $name `,` `offset` `=` $offset `,` `value` `=` $value `>`";
  let genVerifyDecl = 1;
}

#endif // STRATA_PROGRAM_DIALECT_TD

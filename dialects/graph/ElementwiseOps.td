//===- ElementwiseOps.td - Elementwise and comparison ops ----*- tablegen -*-===//
//
// Unary and binary elementwise ops with numpy broadcasting, comparisons, select,
// cast and the activation functions of transformer models.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_GRAPH_ELEMENTWISE_OPS_TD
#define STRATA_GRAPH_ELEMENTWISE_OPS_TD

include "GraphBase.td"

//===----------------------------------------------------------------------===//
// Family
//===----------------------------------------------------------------------===//

/// An elementwise op: its scalar computation (`ScalarBodyOpInterface`, one
/// definition per op in ElementwiseBodies.cpp) and its cost, `flopsPerElement`
/// per result element with every operand read and the result written once.
class Graph_ElementwiseOp<string mnemonic, list<Trait> traits = [], bit inferred = 0>
    : Graph_Op<mnemonic,
               !listconcat(traits, [DeclareOpInterfaceMethods<Graph_ScalarBodyOpInterface>,
                                    DeclareOpInterfaceMethods<Graph_GradientOpInterface>]),
               inferred> {
  /// Flops per result element: a C++ expression of the op.
  code flopsPerElement = "1";
  let familyCost = "::strata::graph::elementwiseCost(*this, shapes, " # flopsPerElement # ")";
  let fusionKind = "::strata::graph::FusionKind::elementwise";
}

/// The sentence that documents `is_unsigned` on ops that read signedness.
defvar Graph_IsUnsignedDoc = "With signless integers, `is_unsigned` reads them as "
  # "unsigned (see `SignednessOpInterface`).";

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

class Graph_UnaryOp<string mnemonic, string what, Type operandType = Graph_Tensor,
                    list<Trait> traits = [], bit readsSignedness = 0>
    : Graph_ElementwiseOp<mnemonic, !listconcat(traits,
        [Pure, SameOperandsAndResultType, Elementwise],
        !if(readsSignedness, [Graph_SignednessOpInterface], []))> {
  let summary = "elementwise " # what;
  let description = "Computes " # what # " of every element; the result has the "
    # "operand's type." # !if(readsSignedness, " " # Graph_IsUnsignedDoc, "")
    # "\n\nExample:\n\n```mlir\n%y = graph." # mnemonic
    # " %x : tensor<2x8xf32>\n```";
  let arguments = !if(readsSignedness, (ins operandType:$input, UnitAttr:$is_unsigned),
                      (ins operandType:$input));
  let results = (outs operandType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Graph_NegOp : Graph_UnaryOp<"neg", "negation"> { let hasFolder = 1; }
def Graph_AbsOp : Graph_UnaryOp<"abs", "absolute value", Graph_Tensor, [], 1>;
def Graph_SignOp : Graph_UnaryOp<"sign", "sign (-1, 0 or 1)", Graph_Tensor, [], 1>;
def Graph_ExpOp : Graph_UnaryOp<"exp", "the exponential", Graph_FloatTensor>;
def Graph_LogOp : Graph_UnaryOp<"log", "the natural logarithm", Graph_FloatTensor>;
def Graph_SqrtOp : Graph_UnaryOp<"sqrt", "the square root", Graph_FloatTensor>;
def Graph_RsqrtOp : Graph_UnaryOp<"rsqrt", "the reciprocal square root",
                                  Graph_FloatTensor>;
def Graph_ReciprocalOp : Graph_UnaryOp<"reciprocal", "the reciprocal",
                                       Graph_FloatTensor>;
def Graph_TanhOp : Graph_UnaryOp<"tanh", "the hyperbolic tangent", Graph_FloatTensor>;
def Graph_SigmoidOp : Graph_UnaryOp<"sigmoid", "the logistic sigmoid",
                                    Graph_FloatTensor> {
  let flopsPerElement = "4";
}
def Graph_ErfOp : Graph_UnaryOp<"erf", "the error function", Graph_FloatTensor>;
def Graph_SinOp : Graph_UnaryOp<"sin", "the sine", Graph_FloatTensor>;
def Graph_CosOp : Graph_UnaryOp<"cos", "the cosine", Graph_FloatTensor>;
def Graph_FloorOp : Graph_UnaryOp<"floor", "rounding down", Graph_FloatTensor>;
def Graph_CeilOp : Graph_UnaryOp<"ceil", "rounding up", Graph_FloatTensor>;
def Graph_RoundOp : Graph_UnaryOp<"round",
  "rounding to the nearest integer, halves to even", Graph_FloatTensor>;
def Graph_ReluOp : Graph_UnaryOp<"relu", "max(x, 0)", Graph_Tensor, [], 1>;
def Graph_SiluOp : Graph_UnaryOp<"silu", "x * sigmoid(x) (SiLU, swish)",
                                 Graph_FloatTensor> {
  let flopsPerElement = "5";
}
def Graph_NotOp : Graph_UnaryOp<"not", "logical negation", Graph_BoolTensor>;

def Graph_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "approximation used by gelu", [
      I32EnumAttrCase<"none", 0>,
      I32EnumAttrCase<"tanh", 1>]> {
  let cppNamespace = "::strata::graph";
}

def Graph_GeluOp : Graph_ElementwiseOp<"gelu", [Pure, SameOperandsAndResultType,
                                                Elementwise]> {
  let summary = "elementwise GELU, exact or tanh-approximated";
  let description = [{
    `x * 0.5 * (1 + erf(x / sqrt(2)))` with `approximate = none`;
    `x * 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))` with
    `approximate = tanh`.

    Example:

    ```mlir
    %y = graph.gelu %x approximate tanh : tensor<1x128x3072xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input,
                   DefaultValuedAttr<Graph_GeluApproximation,
                     "GeluApproximation::none">:$approximate);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input (`approximate` $approximate^)? attr-dict `:` type($input)";
  let flopsPerElement = "getApproximate() == GeluApproximation::tanh ? 9 : 5";
}

def Graph_IsNanOp : Graph_ElementwiseOp<"is_nan", [Pure, SameOperandsAndResultShape,
                                                   Elementwise]> {
  let summary = "elementwise test for NaN";
  let description = [{
    True where the element is a NaN.

    Example:

    ```mlir
    %m = graph.is_nan %x : tensor<4xf32> -> tensor<4xi1>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Graph_IsInfOp : Graph_ElementwiseOp<"is_inf", [Pure, SameOperandsAndResultShape,
                                                   Elementwise]> {
  let summary = "elementwise test for infinities";
  let description = [{
    True where the element is +inf (when `detect_positive`) or -inf (when
    `detect_negative`).

    Example:

    ```mlir
    %m = graph.is_inf %x {detect_negative = false} : tensor<4xf32> -> tensor<4xi1>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input,
                   DefaultValuedAttr<BoolAttr, "true">:$detect_positive,
                   DefaultValuedAttr<BoolAttr, "true">:$detect_negative);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Graph_CastOp : Graph_ElementwiseOp<"cast", [Pure, SameOperandsAndResultShape, Elementwise,
    DeclareOpInterfaceMethods<Graph_SignednessOpInterface,
                              ["recordSignedness", "verifySignedness"]>]> {
  let summary = "elementwise conversion of the element type";
  let description = [{
    Converts every element to the result's element type: floats round to nearest,
    floats to integers truncate toward zero, integers to `i1` compare with zero,
    `i1` to numbers gives 0 or 1, and integer widening follows the signedness of the
    source (`ui8` zero-extends, `i8` sign-extends). With signless integers,
    `input_unsigned` reads the input as unsigned and `result_unsigned` makes the
    result unsigned (see `SignednessOpInterface`).

    Example:

    ```mlir
    %y = graph.cast %x : tensor<2x3xi64> -> tensor<2x3xf32>
    %u = graph.cast %b {input_unsigned} : tensor<4xi8> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, UnitAttr:$input_unsigned,
                   UnitAttr:$result_unsigned);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Binary with broadcasting
//===----------------------------------------------------------------------===//

class Graph_BinaryOp<string mnemonic, string what, Type operandType = Graph_Tensor,
                     list<Trait> traits = [], bit readsSignedness = 0>
    : Graph_ElementwiseOp<mnemonic, !listconcat(traits,
        [Pure, SameOperandsElementType, ResultsBroadcastableShape],
        !if(readsSignedness, [Graph_SignednessOpInterface], [])), /*inferred=*/1> {
  let summary = "elementwise " # what # " with broadcasting";
  let description = "Computes " # what # " of the two operands after broadcasting "
    # "their shapes numpy-style (trailing dimensions aligned; a dimension of 1 "
    # "stretches). Operands have the same element type."
    # !if(readsSignedness, " " # Graph_IsUnsignedDoc, "") # "\n\nExample:\n\n```mlir\n"
    # "%z = graph." # mnemonic # " %x, %y : (tensor<2x8xf32>, tensor<8xf32>) -> "
    # "tensor<2x8xf32>\n```";
  let arguments = !if(readsSignedness,
                      (ins operandType:$lhs, operandType:$rhs, UnitAttr:$is_unsigned),
                      (ins operandType:$lhs, operandType:$rhs));
  let results = (outs operandType:$result);
  let assemblyFormat =
    "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def Graph_AddOp : Graph_BinaryOp<"add", "the sum", Graph_Tensor, [Commutative]> {
  let hasFolder = 1;
}
def Graph_SubOp : Graph_BinaryOp<"sub", "the difference"> { let hasFolder = 1; }
def Graph_MulOp : Graph_BinaryOp<"mul", "the product", Graph_Tensor, [Commutative]> {
  let hasFolder = 1;
}
def Graph_DivOp : Graph_BinaryOp<"div",
  "the quotient (integers: truncated toward zero)", Graph_Tensor, [], 1> {
  let hasFolder = 1;
}
def Graph_PowOp : Graph_BinaryOp<"pow", "lhs raised to the power rhs">;
def Graph_MaxOp : Graph_BinaryOp<"max", "the maximum (NaN-propagating)",
                                 Graph_Tensor, [Commutative], 1> { let hasFolder = 1; }
def Graph_MinOp : Graph_BinaryOp<"min", "the minimum (NaN-propagating)",
                                 Graph_Tensor, [Commutative], 1> { let hasFolder = 1; }
def Graph_AndOp : Graph_BinaryOp<"and", "logical and", Graph_BoolTensor,
                                 [Commutative]>;
def Graph_OrOp : Graph_BinaryOp<"or", "logical or", Graph_BoolTensor, [Commutative]>;
def Graph_XorOp : Graph_BinaryOp<"xor", "logical exclusive or", Graph_BoolTensor,
                                 [Commutative]>;

def Graph_ModOp : Graph_ElementwiseOp<"mod", [Pure, SameOperandsElementType,
    ResultsBroadcastableShape, Graph_SignednessOpInterface], /*inferred=*/1> {
  let summary = "elementwise remainder with broadcasting";
  let description = [{
    The remainder of `lhs / rhs`. With `fmod = false` (integers only) the result has
    the sign of the divisor, as Python's `%`; with `fmod = true` it has the sign of
    the dividend, as C's `fmod`. Floating-point operands require `fmod = true`.
    With signless integers, `is_unsigned` reads them as unsigned (see
    `SignednessOpInterface`).

    Example:

    ```mlir
    %r = graph.mod %x, %y {fmod = true} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs,
                   DefaultValuedAttr<BoolAttr, "false">:$fmod, UnitAttr:$is_unsigned);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
    "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ComparisonDirection : I32EnumAttr<"ComparisonDirection",
    "comparison predicate", [
      I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
      I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
      I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::strata::graph";
}

def Graph_CompareOp : Graph_ElementwiseOp<"compare", [Pure, SameOperandsElementType,
    ResultsBroadcastableShape, Graph_SignednessOpInterface], /*inferred=*/1> {
  let summary = "elementwise comparison with broadcasting";
  let description = [{
    Compares the broadcast operands with `direction` and gives `i1`. Any comparison
    with a NaN is false except `ne`. With signless integers, `is_unsigned` orders
    them as unsigned (see `SignednessOpInterface`).

    Example:

    ```mlir
    %m = graph.compare lt, %x, %y : (tensor<4x1xi64>, tensor<5xi64>) -> tensor<4x5xi1>
    ```
  }];
  let arguments = (ins Graph_ComparisonDirection:$direction, Graph_Tensor:$lhs,
                   Graph_Tensor:$rhs, UnitAttr:$is_unsigned);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat =
    "$direction `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_WhereOp : Graph_ElementwiseOp<"where", [Pure], /*inferred=*/1> {
  let summary = "elementwise select with broadcasting";
  let description = [{
    `condition ? on_true : on_false` after broadcasting all three operands together.
    The two value operands have the same element type.

    Example:

    ```mlir
    %y = graph.where %mask, %x, %neg_inf
        : (tensor<1x1x8x8xi1>, tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
    ```
  }];
  let arguments = (ins Graph_BoolTensor:$condition, Graph_Tensor:$on_true,
                   Graph_Tensor:$on_false);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$condition `,` $on_true `,` $on_false attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // STRATA_GRAPH_ELEMENTWISE_OPS_TD

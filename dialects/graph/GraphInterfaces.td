//===- GraphInterfaces.td - What passes ask of graph ops ---*- tablegen -*-===//
//
// The op interfaces and traits that passes query instead of keeping lists of
// ops: the cost of an op, the scalar computation of an elementwise op, how an
// op reads the signedness of its integers, and whether it is a composite that
// can be decomposed. The op-family base classes attach them, so that an op
// gets them by being declared in its family.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_GRAPH_INTERFACES_TD
#define STRATA_GRAPH_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Graph_CostOpInterface : OpInterface<"CostOpInterface"> {
  let cppNamespace = "::strata::graph";
  let description = [{
    What executing the op costs: arithmetic operations ("flops", integer ones
    included), bytes read and bytes written, for given sizes of its operands and
    results. The tier planner asks with dynamic dimensions resolved to their
    bounds, the fusion cost model with the sizes inside a fusion group;
    `getStaticCost` is the convenience for static types.

    Conventions: one flop per arithmetic or math operation of the computation
    (a transcendental function counts as one, a multiply-add as two); every
    operand is read once and every result written once, each element taking its
    type's width rounded up to whole bytes (there is no cache model); an op that
    only names a tensor (a constant, a weight, a view) costs nothing.

    Every graph op implements the interface: each op-family base class gives its
    family's rule (elementwise: flops per element times the result's elements;
    reductions: flops per input element; data movement: no flops, the operands
    read and the results written; contractions: a multiply-add per term) and an
    op for which the rule is wrong sets `hasCustomCost` and defines `getCost` in
    `GraphCost.cpp`.
  }];
  let methods = [
    InterfaceMethod<[{
        The cost of the op when its operands and results have the sizes in
        `shapes` (in operand and result order, every dimension known).
      }],
      "::strata::graph::OpCost", "getCost",
      (ins "const ::strata::graph::OpShapes &":$shapes)>,
  ];
  let extraSharedClassDeclaration = [{
    /// The cost with each dynamic dimension sized by `resolve`; fails when
    /// `resolve` leaves one unknown.
    ::mlir::FailureOr<::strata::graph::OpCost>
    getResolvedCost(::strata::graph::DimResolver resolve) {
      ::mlir::FailureOr<::strata::graph::OpShapes> shapes =
          ::strata::graph::resolveShapes($_op.getOperation(), resolve);
      if (::mlir::failed(shapes))
        return ::mlir::failure();
      return $_op.getCost(*shapes);
    }

    /// The cost for the op's types; fails when one of them has a dynamic
    /// dimension.
    ::mlir::FailureOr<::strata::graph::OpCost> getStaticCost() {
      return getResolvedCost([](::mlir::Value, int64_t) -> std::optional<int64_t> {
        return std::nullopt;
      });
    }
  }];
}

def Graph_ScalarBodyOpInterface : OpInterface<"ScalarBodyOpInterface"> {
  let cppNamespace = "::strata::graph";
  let description = [{
    An elementwise op, through the one definition of what it computes on one
    element of each (broadcast) operand. The linalg lowering wraps the body in a
    `linalg.generic`; fusion and GPU code generation build fused loop bodies
    from the same definitions.

    Bodies work on signless scalars: `strata-convert-to-signless` first moves
    the signedness of integer element types into the ops' attributes (see
    `SignednessOpInterface`), which the bodies read.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds, at `builder`'s insertion point, the `arith` and `math` ops that
        compute one element of the result from `operands` (one scalar per
        operand, in operand order, of the operands' element types, which must be
        signless) and returns that element.
      }],
      "::mlir::Value", "buildScalarBody",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "::mlir::ValueRange":$operands)>,
  ];
}

def Graph_SignednessOpInterface : OpInterface<"SignednessOpInterface"> {
  let cppNamespace = "::strata::graph";
  let description = [{
    An op whose result on integers depends on whether they are read as signed
    or unsigned: division and remainder, max and min, comparisons, casts, abs,
    relu and sign, reductions and selections that compare or divide, ranges,
    quantisation. The importer gives unsigned integers their element type
    (`ui8`); `strata-convert-to-signless` records that in the op's unsigned
    attribute (`is_unsigned`; for `graph.cast`, `input_unsigned` and
    `result_unsigned`) and then makes every integer type signless, so that
    lowerings see signless types only.

    An unsigned attribute is only valid on a signless integer of more than one
    bit: `ui8` already says what it is, and `i1` is always read as 0 or 1.
  }];
  let methods = [
    InterfaceMethod<[{
        Sets the op's unsigned attributes for those of its integer element types
        that are unsigned, so that the types can become signless without
        changing what the op computes.
      }],
      "void", "recordSignedness", (ins), [{}], [{
        if (::strata::graph::elementTypeOf($_op.getOperation()->getOperand(0))
                .isUnsignedInteger())
          $_op.setIsUnsigned(true);
      }]>,
    InterfaceMethod<[{
        Fails, with an error at the op, when an unsigned attribute is set on a
        type that is not a signless integer of more than one bit.
      }],
      "::mlir::LogicalResult", "verifySignedness", (ins), [{}], [{
        return ::strata::graph::verifyUnsignedAttr(
            $_op.getOperation(), $_op.getIsUnsignedAttrName(),
            ::strata::graph::elementTypeOf($_op.getOperation()->getOperand(0)),
            $_op.getIsUnsigned());
      }]>,
  ];
  let verify = [{
    return ::mlir::cast<::strata::graph::SignednessOpInterface>($_op)
        .verifySignedness();
  }];
}

def Graph_FusionOpInterface : OpInterface<"FusionOpInterface"> {
  let cppNamespace = "::strata::graph";
  let description = [{
    How an op takes part in fusion groups (`graph.fusion_group`): the kind of
    group it forms on its own, which `strata-form-fusion-groups` reads to decide
    what may join it (an elementwise producer joins any consumer but a
    contraction; an elementwise consumer joins a contraction as its epilogue; a
    softmax and the contraction after it join a contraction into an attention
    block). An op that only names a tensor (a constant, a weight, a reshape, a
    shape) has no kind: it computes nothing, joins the group of its user where
    it sits between two ops of that group, and is never a group of its own.

    Each op-family base class gives its family's kind (elementwise, reduction,
    contraction, data movement); a composite op gives its own.
  }];
  let methods = [
    InterfaceMethod<[{
        The kind of group the op forms on its own, or nothing for an op that
        only names a tensor.
      }],
      "std::optional<::strata::graph::FusionKind>", "getFusionKind">,
  ];
}

def Graph_PieceOpInterface : OpInterface<"PieceOpInterface"> {
  let cppNamespace = "::strata::graph";
  let description = [{
    An op that can run in pieces of one operand: run on consecutive slices of
    operand `i` along its axis `getPieceAxes(i)->first`, its other operands
    unchanged, it gives the consecutive slices of its result along axis
    `getPieceAxes(i)->second`, each element computed as the whole op computes
    it. `strata-split-weights` splits a weight too large for the tier plan's
    slots this way: a matrix product by column blocks of its right operand
    (row blocks when it is transposed), a gather by column blocks of its
    table.
  }];
  let methods = [
    InterfaceMethod<[{
        The axis of operand `operand` the op can be cut along and the axis of
        the result its pieces line up on, or nothing where the op cannot run
        in pieces of that operand.
      }],
      "std::optional<std::pair<int64_t, int64_t>>", "getPieceAxes", (ins "unsigned":$operand)>,
  ];
}

def Graph_GradientOpInterface : OpInterface<"GradientOpInterface"> {
  let cppNamespace = "::strata::graph";
  let description = [{
    The op's rule for reverse-mode differentiation: given the gradient of a
    scalar loss with respect to each of the op's results, the graph ops that
    compute its gradient with respect to each operand. `strata-autodiff` asks
    every op between the trainable weights and the loss, in reverse order; an
    op on that path without the interface is a compile error naming it.

    Conventions: a null result gradient is a zero one (the loss does not use
    that result); a null operand gradient means none flows (an integer or
    boolean operand, a mask, an index, or a derivative that is zero almost
    everywhere, as floor's). Operand gradients have their operands' types:
    a rule sums a broadcast operand's gradient back to its shape
    (`sumToShape`). Rules need static shapes.

    The rules are in ElementwiseGradients.cpp, StructuralGradients.cpp (data
    movement) and ReductionGradients.cpp (reductions, softmax, matmul). Composite ops have none:
    `strata-decompose` runs before differentiation.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds, at `builder`'s insertion point, the gradient with respect to
        each operand (null where none flows) from `resultGradients` (one per
        result, null for zero), or fails with an error at the op for a form
        the rule does not cover.
      }],
      "::mlir::FailureOr<::llvm::SmallVector<::mlir::Value>>", "buildGradients",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ArrayRef<::mlir::Value>":$resultGradients)>,
  ];
}

/// A composite op: one made of other graph ops (attention, rotary embedding,
/// normalisations, quantisation), kept whole for fusion and for targets with a
/// fused kernel, and otherwise rewritten into those ops by `strata-decompose`.
def Graph_Composite : NativeOpTrait<"Composite"> {
  let cppNamespace = "::strata::graph";
}

#endif // STRATA_GRAPH_INTERFACES_TD

//===- GraphBase.td - Graph dialect definition and op bases --*- tablegen -*-===//
//
// The dialect definition, the type constraints shared by every graph op, and the
// base classes that op families derive from.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_GRAPH_BASE_TD
#define STRATA_GRAPH_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "GraphInterfaces.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let cppNamespace = "::strata::graph";
  let summary = "Tensor-level operations of transformer models";
  let description = [{
    The graph dialect is the representation that the ONNX importer produces and that
    every Strata pass up to fusion works on. Ops have value semantics on ranked
    `tensor`s; a dimension is either static or dynamic (`?`), and dynamic dimensions may
    carry an upper bound recorded on the enclosing function (`program.bounds`).
    Parameters are module-level `ml_program.global`s named after their ONNX
    initializers and read with `ml_program.global_load`, so that large weights
    never become attribute payloads of ops in function bodies and every phase
    can address a weight by name.
  }];
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Graph_Float : AnyTypeOf<[F16, BF16, F32, F64], "floating-point">;
def Graph_Int : AnyTypeOf<[I1, I8, I16, I32, I64, UI8, UI16, UI32, UI64, SI8, SI16,
                           SI32, SI64], "integer">;
def Graph_Element : AnyTypeOf<[Graph_Float, Graph_Int]>;

def Graph_Tensor : RankedTensorOf<[Graph_Element]>;
def Graph_FloatTensor : RankedTensorOf<[Graph_Float]>;
def Graph_BoolTensor : RankedTensorOf<[I1]>;
def Graph_IndexTensor : RankedTensorOf<[I32, I64]>;
def Graph_ShapeTensor : 1DTensorOf<[I64]>;

//===----------------------------------------------------------------------===//
// Op bases
//===----------------------------------------------------------------------===//

/// Every graph op. Its family's base class (one per `*Ops.td` file) sets the
/// family's cost rule; an op with `inferred` infers its result types from its
/// operands and attributes, and the result types a user writes may be more
/// static than the inferred ones (the importer refines them from ONNX
/// value_info) but must be compatible with them.
class Graph_Op<string mnemonic, list<Trait> traits = [], bit inferred = 0>
    : Op<Graph_Dialect, mnemonic,
         !listconcat(traits, [DeclareOpInterfaceMethods<Graph_CostOpInterface>,
                                      DeclareOpInterfaceMethods<Graph_FusionOpInterface>],
                     !if(inferred, [InferTypeOpAdaptorWithIsCompatible], []))> {
  /// The op's cost as a C++ expression of the op (`*this`) and its `shapes`
  /// (an `OpShapes`): the family's rule, a function from GraphCost.h.
  code familyCost = "";
  /// Set by an op whose cost the family's rule gets wrong; it defines
  /// `getCost` in GraphCost.cpp.
  bit hasCustomCost = 0;
  /// The kind of fusion group the op forms on its own (see
  /// `FusionOpInterface`): a C++ expression of type
  /// `std::optional<FusionKind>`, the family's unless the op sets its own.
  code fusionKind = "::strata::graph::FusionKind::movement";

  code inferredDefinition = [{
    bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange inferred,
                                            ::mlir::TypeRange actual) {
      return ::strata::graph::areCompatibleRefinements(inferred, actual);
    }
  }];
  code familyCostDefinition = [{
    ::strata::graph::OpCost $cppClass::getCost(const ::strata::graph::OpShapes &shapes) {
      return }] # familyCost # [{;
    }
  }];
  code fusionKindDefinition = [{
    std::optional<::strata::graph::FusionKind> $cppClass::getFusionKind() {
      return }] # fusionKind # [{;
    }
  }];
  let extraClassDefinition = !if(inferred, inferredDefinition, "")
                             # !if(hasCustomCost, "", familyCostDefinition)
                             # fusionKindDefinition;
}

#endif // STRATA_GRAPH_BASE_TD

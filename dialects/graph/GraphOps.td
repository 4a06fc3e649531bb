//===- GraphOps.td - All graph dialect ops ----------------------*- tablegen -*-===//
//
// The single entry point that `add_mlir_dialect` processes; the ops live in one
// file per family.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_GRAPH_OPS_TD
#define STRATA_GRAPH_OPS_TD

include "GraphBase.td"
include "ElementwiseOps.td"
include "StructuralOps.td"
include "ReductionOps.td"
include "NNOps.td"
include "FusionOps.td"

#endif // STRATA_GRAPH_OPS_TD

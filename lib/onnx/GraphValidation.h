//===- GraphValidation.h - What onnx.checker checks of a graph --*- C++ -*-===//
//
// The structural rules of an ONNX graph that `onnx.checker` and onnxruntime
// enforce and the importer relies on: every value has one definition (graph
// input, initializer or one node output), nothing writes a graph input or an
// initializer, and each node's attributes are ones its op's schema declares,
// of the declared type.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_ONNX_GRAPHVALIDATION_H
#define STRATA_LIB_ONNX_GRAPHVALIDATION_H

#include "mlir/IR/Location.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

namespace strata::onnx {

/// Where diagnostics about node `index` of the graph go.
using NodeLocation = llvm::function_ref<mlir::Location(const ::onnx::NodeProto &, int64_t)>;

/// Checks that each graph input and output has a name, that each graph input
/// and each initializer is declared once, and that each node output is a new
/// value: not a graph input, an initializer or another node's (or the same
/// node's) output. An initializer may share its
/// name with a graph input (it is then the input's default value). Errors are
/// emitted at `modelLoc`, or at the node's location for node outputs.
mlir::LogicalResult checkSingleAssignment(const ::onnx::GraphProto &graph, mlir::Location modelLoc,
                                          NodeLocation nodeLoc);

/// Checks every node's attributes against its op's ONNX schema at the opset
/// the model imports for the node's domain (`opsets`, keyed by domain, ""
/// for the default one): each must be declared by the schema, with the
/// declared type. Nodes without a schema in the ONNX library, or of a domain
/// the model imports at an opset newer than the library knows, are not
/// checked.
mlir::LogicalResult checkNodeAttributes(const ::onnx::GraphProto &graph,
                                        const llvm::StringMap<int64_t> &opsets,
                                        NodeLocation nodeLoc);

} // namespace strata::onnx

#endif // STRATA_LIB_ONNX_GRAPHVALIDATION_H

//===- Passes.h - Lowering of the graph dialect -----------------*- C++ -*-===//
//
// Declarations of the lowering passes and the pattern sets they are built from,
// so that pipelines and other passes can reuse the patterns.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_LOWERING_PASSES_H
#define STRATA_LIB_LOWERING_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace strata {

#define GEN_PASS_DECL
#include "lib/lowering/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/lowering/Passes.h.inc"

/// The pattern that rewrites every elementwise graph op (every op with a
/// `ScalarBodyOpInterface`) into a `linalg.generic`.
void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns that rewrite `graph.matmul` into a contraction `linalg.generic`.
void populateContractionToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// `graph.conv` to zero padding and a convolution `linalg.generic`.
void populateConvToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// `graph.matmul_nbits` to a `linalg.generic` that dequantises its packed
/// weights inside the product.
void populateQuantMatMulToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns that rewrite constants and data-movement ops (reshape, concat,
/// split, gather, broadcast, tile, shape_of, fill, range, trilu).
void populateStructuralToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns that rewrite `slice` and `dynamic_slice`.
void populateSliceToTensorPatterns(mlir::RewritePatternSet &patterns);

/// Patterns that rewrite `cumsum` into a loop along its axis.
void populateScanToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// `graph.check_range` as a loop of run-time checks (CheckToTensor.cpp).
void populateCheckToTensorPatterns(mlir::RewritePatternSet &patterns);

/// `graph.scatter_add` as a loop of row additions, `graph.cache_write` as a
/// loop of each entry's writes (ScatterToLinalg.cpp).
void populateScatterToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns that rewrite `top_k` into k selection passes.
void populateTopKToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns that rewrite `dropout` (a counter-based generator in training mode).
void populateRandomToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns that rewrite reductions, arg-reductions and softmax.
void populateReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// `graph.fusion_group` to `scf.execute_region` marked `no_inline`.
void populateFusionGroupToRegionPatterns(mlir::RewritePatternSet &patterns);

} // namespace strata

#endif // STRATA_LIB_LOWERING_PASSES_H

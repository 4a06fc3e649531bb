// Each phase of the compile is a pipeline strata-opt runs alone on textual IR;
// chained, they take graph IR to the LLVM dialect as stratac does.
// RUN: strata-opt %s --strata-graph-pipeline | FileCheck %s --check-prefix=GRAPH
// RUN: strata-opt %s --strata-graph-pipeline | strata-opt --strata-fusion-pipeline | FileCheck %s --check-prefix=FUSION
// RUN: strata-opt %s --strata-graph-pipeline | strata-opt --strata-fusion-pipeline | strata-opt --strata-linalg-pipeline | FileCheck %s --check-prefix=LINALG
// RUN: strata-opt %s --strata-graph-pipeline | strata-opt --strata-linalg-pipeline | strata-opt --strata-buffers-pipeline | FileCheck %s --check-prefix=BUFFERS
// RUN: strata-opt %s --strata-graph-pipeline | strata-opt --strata-linalg-pipeline | strata-opt --strata-buffers-pipeline | strata-opt --strata-plan-pipeline=target=cpu | FileCheck %s --check-prefix=PLAN
// RUN: strata-opt %s --strata-graph-pipeline | strata-opt --strata-linalg-pipeline | strata-opt --strata-buffers-pipeline | strata-opt --strata-plan-pipeline | strata-opt --strata-llvm-pipeline | FileCheck %s --check-prefix=LLVM
// RUN: not strata-opt %s --strata-linalg-pipeline=target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET

// GRAPH: ml_program.global private @w(
// GRAPH-NOT: @unused
// GRAPH-LABEL: func.func @main
// GRAPH: graph.matmul

// FUSION-LABEL: func.func @main
// FUSION: graph.fusion_group contraction
// FUSION-NEXT: graph.matmul
// FUSION-NEXT: graph.relu
// FUSION-NEXT: graph.yield

// LINALG-LABEL: func.func @main
// LINALG-NOT: {{graph\.|scf.execute_region}}
// LINALG: ml_program.global_load_const @w
// LINALG: linalg.generic

// BUFFERS-LABEL: func.func @main
// BUFFERS-SAME: memref<4x16xf32>
// BUFFERS: memref.get_global @w : memref<16x32xf32>
// BUFFERS: memref.alloc()

// The weight (2 KiB) is in the weights file under its name, the product in
// the arena with the relu written over it in place, and the entry exported.
// PLAN: program.weights = [#program.weight<"w", offset = 0
// PLAN-LABEL: func.func @strata_model_main
// PLAN-SAME: memref<?xi8>
// PLAN-SAME: llvm.emit_c_interface
// PLAN-SAME: program.arenas = [#program.arena<space = 0, bytes = 512, lower_bound = 512, alignment = 64>]
// PLAN-NOT: memref.alloc
// PLAN: memref.view

// LLVM: llvm.func @strata_model_main(
// LLVM-NOT: {{ (linalg|memref|scf|arith|math|tensor|graph)\.}}

// TARGET: unknown target 'tpu'

module {
  ml_program.global private @w(dense<0.5> : tensor<16x32xf32>) : tensor<16x32xf32>
  ml_program.global private @unused(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
  func.func @main(%x: tensor<4x16xf32> {program.value = #program.value<"x", dims = ["", ""]>})
      -> (tensor<4x32xf32> {program.value = #program.value<"y", dims = ["", ""]>})
      attributes {program.entry} {
    %w = ml_program.global_load_const @w : tensor<16x32xf32>
    %unused = ml_program.global_load_const @unused : tensor<4xf32>
    %m = graph.matmul %x, %w : (tensor<4x16xf32>, tensor<16x32xf32>) -> tensor<4x32xf32>
    %r = graph.relu %m : tensor<4x32xf32>
    return %r : tensor<4x32xf32>
  }
}

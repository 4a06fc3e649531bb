// RUN: not strata-opt %s --split-input-file --strata-split-weights 2>&1 | FileCheck %s
// RUN: not strata-opt %s --split-input-file --strata-split-weights --strata-form-fusion-groups 2>&1 | FileCheck %s --check-prefix=FUSED
// RUN: not strata-opt %s --split-input-file --strata-split-weights 2>&1 | FileCheck %s --check-prefix=SMALL

// A product and a gather of weights larger than the module's piece size:
// the product's right operand is cut into column blocks of 16 columns (the
// vector width), the table into blocks of 4 and 5 columns (narrower than
// that, as even as can be); each reader becomes one op per block and a
// concat, and the whole weights are gone. Weights within the size, and
// the readers' other operands, are left as they are.
// CHECK-LABEL: module attributes {tier.piece_bytes = 4096 : i64}
// CHECK-NOT: ml_program.global private @w(
// CHECK-DAG: ml_program.global private @"w[:, 0:16]"(dense_resource<"w[:, 0:16]"> : tensor<64x16xf32>)
// CHECK-DAG: ml_program.global private @"w[:, 16:32]"(dense_resource<"w[:, 16:32]"> : tensor<64x16xf32>)
// CHECK-DAG: ml_program.global private @"w[:, 32:40]"(dense_resource<"w[:, 32:40]"> : tensor<64x8xf32>)
// CHECK-DAG: ml_program.global private @"table[:, 0:4]"(dense_resource<"table[:, 0:4]"> : tensor<200x4xf32>)
// CHECK-DAG: ml_program.global private @"table[:, 4:9]"(dense_resource<"table[:, 4:9]"> : tensor<200x5xf32>)
// CHECK-DAG: ml_program.global private @small(
// CHECK: %[[W0:.+]] = ml_program.global_load_const @"w[:, 0:16]"
// CHECK-NEXT: %[[P0:.+]] = graph.matmul %{{.+}}, %[[W0]] : (tensor<4x64xf32>, tensor<64x16xf32>) -> tensor<4x16xf32>
// CHECK: %[[P1:.+]] = graph.matmul {{.+}} -> tensor<4x16xf32>
// CHECK: %[[P2:.+]] = graph.matmul {{.+}} -> tensor<4x8xf32>
// CHECK-NEXT: graph.concat %[[P0]], %[[P1]], %[[P2]] {axis = 1 : i64} : (tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x8xf32>) -> tensor<4x40xf32>
// CHECK: graph.gather {{.+}} : (tensor<200x4xf32>, tensor<4xi64>) -> tensor<4x4xf32>
// CHECK: graph.gather {{.+}} : (tensor<200x5xf32>, tensor<4xi64>) -> tensor<4x5xf32>
// CHECK-NEXT: graph.concat {{.+}} {axis = 1 : i64} : (tensor<4x4xf32>, tensor<4x5xf32>) -> tensor<4x9xf32>
// CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<4x40xf32>, tensor<40x8xf32>) -> tensor<4x8xf32>
// Fusion keeps each block in a group of its own: no group reads more than
// the piece size of weights.
// FUSED-LABEL: func.func @cut
// FUSED: graph.fusion_group contraction -> tensor<4x16xf32> {
// FUSED-NEXT: graph.matmul
// FUSED-NEXT: graph.yield
// FUSED: graph.fusion_group movement -> tensor<4x5xf32> {
// FUSED-NEXT: graph.gather
// FUSED-NEXT: graph.yield
// FUSED: graph.fusion_group movement -> tensor<4x9xf32> {
// FUSED-NEXT: graph.gather
// FUSED-NEXT: graph.concat
module attributes {tier.piece_bytes = 4096 : i64} {
  ml_program.global private @w(dense<1.0> : tensor<64x40xf32>) : tensor<64x40xf32>
  ml_program.global private @table(dense<2.0> : tensor<200x9xf32>) : tensor<200x9xf32>
  ml_program.global private @small(dense<1.0> : tensor<40x8xf32>) : tensor<40x8xf32>
  func.func @cut(%x: tensor<4x64xf32>, %ids: tensor<4xi64>) -> (tensor<4x8xf32>, tensor<4x9xf32>)
      attributes {program.entry} {
    %w = ml_program.global_load_const @w : tensor<64x40xf32>
    %t = ml_program.global_load_const @table : tensor<200x9xf32>
    %s = ml_program.global_load_const @small : tensor<40x8xf32>
    %a = graph.matmul %x, %w : (tensor<4x64xf32>, tensor<64x40xf32>) -> tensor<4x40xf32>
    %e = graph.gather %t, %ids {axis = 0 : i64} : (tensor<200x9xf32>, tensor<4xi64>) -> tensor<4x9xf32>
    %b = graph.matmul %a, %s : (tensor<4x40xf32>, tensor<40x8xf32>) -> tensor<4x8xf32>
    return %b, %e : tensor<4x8xf32>, tensor<4x9xf32>
  }
}

// -----

// A weight one of whose readers cannot run in pieces of it (a gather along
// its last axis) stays whole, for all its readers.
// CHECK-LABEL: module attributes {tier.piece_bytes = 1024 : i64}
// CHECK: ml_program.global private @w(
// CHECK-NOT: graph.concat
module attributes {tier.piece_bytes = 1024 : i64} {
  ml_program.global private @w(dense<1.0> : tensor<64x40xf32>) : tensor<64x40xf32>
  func.func @main(%x: tensor<4x64xf32>, %ids: tensor<4xi64>) -> (tensor<4x40xf32>, tensor<64x4xf32>)
      attributes {program.entry} {
    %w = ml_program.global_load_const @w : tensor<64x40xf32>
    %a = graph.matmul %x, %w : (tensor<4x64xf32>, tensor<64x40xf32>) -> tensor<4x40xf32>
    %e = graph.gather %w, %ids {axis = 1 : i64} : (tensor<64x40xf32>, tensor<4xi64>) -> tensor<64x4xf32>
    return %a, %e : tensor<4x40xf32>, tensor<64x4xf32>
  }
}

// -----

// A transposed right operand is cut along its rows, the product's columns.
// CHECK-LABEL: module attributes {tier.piece_bytes = 8192 : i64}
// CHECK-DAG: ml_program.global private @"wt[0:32]"(dense_resource<"wt[0:32]"> : tensor<32x64xf32>)
// CHECK-DAG: ml_program.global private @"wt[32:40]"(dense_resource<"wt[32:40]"> : tensor<8x64xf32>)
// CHECK: graph.matmul {{.+}} {transpose_rhs = true} : (tensor<4x64xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
// CHECK: graph.matmul {{.+}} {transpose_rhs = true} : (tensor<4x64xf32>, tensor<8x64xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: graph.concat {{.+}} {axis = 1 : i64}
module attributes {tier.piece_bytes = 8192 : i64} {
  ml_program.global private @wt(dense<1.0> : tensor<40x64xf32>) : tensor<40x64xf32>
  func.func @main(%x: tensor<4x64xf32>) -> tensor<4x40xf32> attributes {program.entry} {
    %w = ml_program.global_load_const @wt : tensor<40x64xf32>
    %a = graph.matmul %x, %w {transpose_rhs = true} : (tensor<4x64xf32>, tensor<40x64xf32>) -> tensor<4x40xf32>
    return %a : tensor<4x40xf32>
  }
}

// -----

// A tied embedding, gathered by columns and multiplied transposed (by rows):
// each reader gets blocks of its own, so the weights file holds both sets.
// CHECK-LABEL: module attributes {tier.piece_bytes = 16384 : i64}
// CHECK-NOT: ml_program.global private @wte(
// CHECK-DAG: ml_program.global private @"wte[:, 0:32]"(dense_resource<"wte[:, 0:32]"> : tensor<100x32xf32>)
// CHECK-DAG: ml_program.global private @"wte[:, 32:64]"(dense_resource<"wte[:, 32:64]"> : tensor<100x32xf32>)
// CHECK-DAG: ml_program.global private @"wte[0:64]"(dense_resource<"wte[0:64]"> : tensor<64x64xf32>)
// CHECK-DAG: ml_program.global private @"wte[64:100]"(dense_resource<"wte[64:100]"> : tensor<36x64xf32>)
// CHECK: graph.gather {{.+}} : (tensor<100x32xf32>, tensor<4xi64>) -> tensor<4x32xf32>
// CHECK: graph.gather {{.+}} : (tensor<100x32xf32>, tensor<4xi64>) -> tensor<4x32xf32>
// CHECK-NEXT: graph.concat {{.+}} {axis = 1 : i64} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x64xf32>
// CHECK: graph.matmul {{.+}} {transpose_rhs = true} : (tensor<4x64xf32>, tensor<64x64xf32>) -> tensor<4x64xf32>
// CHECK: graph.matmul {{.+}} {transpose_rhs = true} : (tensor<4x64xf32>, tensor<36x64xf32>) -> tensor<4x36xf32>
// CHECK-NEXT: graph.concat {{.+}} {axis = 1 : i64} : (tensor<4x64xf32>, tensor<4x36xf32>) -> tensor<4x100xf32>
module attributes {tier.piece_bytes = 16384 : i64} {
  ml_program.global private @wte(dense<1.0> : tensor<100x64xf32>) : tensor<100x64xf32>
  func.func @tied(%ids: tensor<4xi64>) -> tensor<4x100xf32> attributes {program.entry} {
    %w = ml_program.global_load_const @wte : tensor<100x64xf32>
    %e = graph.gather %w, %ids {axis = 0 : i64} : (tensor<100x64xf32>, tensor<4xi64>) -> tensor<4x64xf32>
    %l = graph.matmul %e, %w {transpose_rhs = true} : (tensor<4x64xf32>, tensor<100x64xf32>) -> tensor<4x100xf32>
    return %l : tensor<4x100xf32>
  }
}

// -----

// A piece size below a slot's alignment is an error.
// SMALL: error: the weights' piece size (tier.piece_bytes) must be at least 64 bytes; it is 8
module attributes {tier.piece_bytes = 8 : i64} {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> attributes {program.entry} {
    return %x : tensor<4xf32>
  }
}

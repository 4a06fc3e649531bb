// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file | FileCheck %s

// The packed weights are read in place: the maps pick k's block and byte, the
// body shifts k's nibble out of its byte and dequantises it with its block's
// scale and zero point (packed the same way, two blocks a byte).
// CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 32, (d2 mod 32) floordiv 2)>
// CHECK-DAG: #[[S:.+]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 32)>
// CHECK-DAG: #[[ZP:.+]] = affine_map<(d0, d1, d2) -> (d1, (d2 floordiv 32) floordiv 2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @int4_zero_points
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[W]], #[[S]], #[[ZP]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.+}} : tensor<?x64xf32>, tensor<8x2x16xi8>, tensor<8x2xf32>, tensor<8x1xi8>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[B:.+]]: i8, %[[SC:.+]]: f32, %[[Z:.+]]: i8, %[[ACC:.+]]: f32):
// CHECK:   %[[K:.+]] = linalg.index 2 : index
// CHECK:   %[[WIDE:.+]] = arith.extui %[[B]] : i8 to i32
// CHECK:   %[[Q:.+]] = arith.andi %{{.+}}, %{{.+}} : i32
// CHECK:   %[[ZQ:.+]] = arith.andi %{{.+}}, %{{.+}} : i32
// CHECK:   %[[C:.+]] = arith.subi %[[Q]], %[[ZQ]] : i32
// CHECK:   %[[F:.+]] = arith.sitofp %[[C]] : i32 to f32
// CHECK:   %[[WV:.+]] = arith.mulf %[[F]], %[[SC]] : f32
// CHECK:   %[[P:.+]] = arith.mulf %[[X]], %[[WV]] : f32
// CHECK:   arith.addf %[[ACC]], %[[P]] : f32
func.func @int4_zero_points(%x: tensor<?x64xf32>, %w: tensor<8x2x16xi8>, %s: tensor<8x2xf32>, %z: tensor<8x1xi8>) -> tensor<?x8xf32> {
  %y = graph.matmul_nbits %x, %w, %s, %z {bits = 4 : i64, block_size = 32 : i64} : (tensor<?x64xf32>, tensor<8x2x16xi8>, tensor<8x2xf32>, tensor<8x1xi8>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// 8 bits a value without zero points: the byte is the value, centred on 128.
// CHECK-LABEL: func.func @int8_default_zero_point
// CHECK-DAG: %[[MID:.+]] = arith.constant 128 : i32
// CHECK: linalg.generic
// CHECK: %[[WIDE:.+]] = arith.extui %{{.+}} : i8 to i32
// CHECK: arith.subi %[[WIDE]], %[[MID]] : i32
func.func @int8_default_zero_point(%x: tensor<2x3x64xf32>, %w: tensor<8x2x32xi8>, %s: tensor<8x2xf32>) -> tensor<2x3x8xf32> {
  %y = graph.matmul_nbits %x, %w, %s {bits = 8 : i64, block_size = 32 : i64} : (tensor<2x3x64xf32>, tensor<8x2x32xi8>, tensor<8x2xf32>) -> tensor<2x3x8xf32>
  return %y : tensor<2x3x8xf32>
}

// RUN: strata-opt %s --strata-lower-graph-to-linalg --split-input-file | FileCheck %s

// A grouped, strided, padded 1-D conv over a dynamic length: the input is
// padded with zeros, the output length is (x + pads - 3) / 2 + 1, and output
// channel f reads the input channels of its group, (f floordiv 3) * 2 + c.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, (d1 floordiv 3) * 2 + d3, d2 * 2 + d4)>
// CHECK-DAG: #[[FILTER:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @conv1d_grouped
// CHECK: %[[PADDED:.+]] = tensor.pad %{{.+}} low[0, 0, 1] high[0, 0, 1]
// CHECK: %[[LEN:.+]] = tensor.dim %[[PADDED]], %{{.+}} : tensor<1x4x?xf32>
// CHECK: %[[SPAN:.+]] = arith.subi %[[LEN]], %{{.+}} : index
// CHECK: %[[STEPS:.+]] = arith.divui %[[SPAN]], %{{.+}} : index
// CHECK: %[[OUTLEN:.+]] = arith.addi %[[STEPS]], %{{.+}} : index
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[OUTLEN]]) : tensor<1x6x?xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[FILTER]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[PADDED]], %{{.+}} : tensor<1x4x?xf32>, tensor<6x2x3xf32>)
func.func @conv1d_grouped(%x: tensor<1x4x?xf32>, %w: tensor<6x2x3xf32>) -> tensor<1x6x?xf32> {
  %y = graph.conv %x, %w {strides = array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x?xf32>, tensor<6x2x3xf32>) -> tensor<1x6x?xf32>
  return %y : tensor<1x6x?xf32>
}

// -----

// 2-D with dilation and no padding: no tensor.pad, the kernel offsets scaled
// by the dilation; one group reads every channel.
// CHECK-DAG: #[[IN2:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, (d1 floordiv 4) * 3 + d4, d2 + d5 * 2, d3 + d6 * 2)>
// CHECK-LABEL: func.func @conv2d_dilated
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {indexing_maps = [#[[IN2]], {{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
func.func @conv2d_dilated(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32> {
  %y = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32>
  return %y : tensor<2x4x4x4xf32>
}

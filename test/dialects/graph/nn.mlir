// RUN: strata-opt %s | strata-opt | FileCheck %s
// RUN: strata-opt %s --mlir-print-op-generic | strata-opt | FileCheck %s

// Round trip of every op in NNOps.td through the custom assembly format, and once
// through the generic form.

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[Q:.+]]: tensor<1x12x128x64xf32>, %[[K:.+]]: tensor<1x12x128x64xf32>, %[[A:.+]]: tensor<?x128x768xf32>, %[[W:.+]]: tensor<768x2304xf32>)
func.func @matmul(%q: tensor<1x12x128x64xf32>, %k: tensor<1x12x128x64xf32>,
                  %a: tensor<?x128x768xf32>, %w: tensor<768x2304xf32>) {
  // CHECK: graph.matmul %[[Q]], %[[K]] {transpose_rhs = true}
  // CHECK-SAME: : (tensor<1x12x128x64xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x128x128xf32>
  %s = graph.matmul %q, %k {transpose_rhs = true}
      : (tensor<1x12x128x64xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x128x128xf32>
  // Batch dimensions broadcast.
  // CHECK: graph.matmul %[[A]], %[[W]] : (tensor<?x128x768xf32>, tensor<768x2304xf32>) -> tensor<?x128x2304xf32>
  %y = graph.matmul %a, %w : (tensor<?x128x768xf32>, tensor<768x2304xf32>) -> tensor<?x128x2304xf32>
  // CHECK: graph.matmul %[[A]], %[[A]] {transpose_lhs = true}
  // CHECK-SAME: : (tensor<?x128x768xf32>, tensor<?x128x768xf32>) -> tensor<?x768x768xf32>
  %t = graph.matmul %a, %a {transpose_lhs = true}
      : (tensor<?x128x768xf32>, tensor<?x128x768xf32>) -> tensor<?x768x768xf32>
  return
}

// CHECK-LABEL: func.func @einsum
// CHECK-SAME: (%[[A:.+]]: tensor<2x3x4xf32>, %[[B:.+]]: tensor<2x4x5xf32>, %[[V:.+]]: tensor<4xf32>, %[[M:.+]]: tensor<2x3x3xf32>, %[[D:.+]]: tensor<2x?x3xf32>)
func.func @einsum(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>, %v: tensor<4xf32>,
                  %m: tensor<2x3x3xf32>, %dyn: tensor<2x?x3xf32>) {
  // CHECK: graph.einsum %[[A]], %[[B]] {equation = "bij,bjk->bik"}
  // CHECK-SAME: : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  %y = graph.einsum %a, %b {equation = "bij,bjk->bik"}
      : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  // CHECK: graph.einsum %[[V]] {equation = "i->"} : (tensor<4xf32>) -> tensor<f32>
  %sum = graph.einsum %v {equation = "i->"} : (tensor<4xf32>) -> tensor<f32>
  // CHECK: graph.einsum %[[A]], %[[V]], %[[B]] {equation = "bij,j,bjk->bik"}
  %three = graph.einsum %a, %v, %b {equation = "bij,j,bjk->bik"}
      : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  // CHECK: graph.einsum %[[M]] {equation = "bii->bi"} : (tensor<2x3x3xf32>) -> tensor<2x3xf32>
  %diag = graph.einsum %m {equation = "bii->bi"} : (tensor<2x3x3xf32>) -> tensor<2x3xf32>
  // CHECK: graph.einsum %[[D]] {equation = "bii->bi"} : (tensor<2x?x3xf32>) -> tensor<2x3xf32>
  %ddiag = graph.einsum %dyn {equation = "bii->bi"} : (tensor<2x?x3xf32>) -> tensor<2x3xf32>
  return
}

// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<1x128x768xf32>, %[[G:.+]]: tensor<768xf32>, %[[B:.+]]: tensor<768xf32>)
func.func @layer_norm(%x: tensor<1x128x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>)
    -> (tensor<1x128x768xf32>, tensor<1x128x1xf32>, tensor<1x128x1xf32>) {
  // CHECK: %[[Y:[^,]+]], %[[MEAN:[^,]+]], %[[RSTD:[^ ]+]] = graph.layer_norm %[[X]], %[[G]], %[[B]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
  // CHECK-SAME: : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>)
  // CHECK-SAME: -> (tensor<1x128x768xf32>, tensor<1x128x1xf32>, tensor<1x128x1xf32>)
  %y, %mean, %rstd = graph.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>)
      -> (tensor<1x128x768xf32>, tensor<1x128x1xf32>, tensor<1x128x1xf32>)
  // CHECK: graph.layer_norm %[[X]], %[[G]] {axis = 1 : i64, epsilon = 9.99999974E-6 : f32}
  // CHECK-SAME: : (tensor<1x128x768xf32>, tensor<768xf32>)
  // CHECK-SAME: -> (tensor<1x128x768xf32>, tensor<1x1x1xf32>, tensor<1x1x1xf32>)
  %y2, %mean2, %rstd2 = graph.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<1x128x768xf32>, tensor<768xf32>)
      -> (tensor<1x128x768xf32>, tensor<1x1x1xf32>, tensor<1x1x1xf32>)
  // CHECK: return %[[Y]], %[[MEAN]], %[[RSTD]]
  return %y, %mean, %rstd : tensor<1x128x768xf32>, tensor<1x128x1xf32>, tensor<1x128x1xf32>
}

// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME: (%[[X:.+]]: tensor<?x128x512xbf16>, %[[G:.+]]: tensor<512xbf16>)
func.func @rms_norm(%x: tensor<?x128x512xbf16>, %g: tensor<512xbf16>) {
  // CHECK: graph.rms_norm %[[X]], %[[G]] {axis = 2 : i64, epsilon = 9.99999997E-7 : f32}
  // CHECK-SAME: : (tensor<?x128x512xbf16>, tensor<512xbf16>) -> tensor<?x128x512xbf16>
  %y = graph.rms_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<?x128x512xbf16>, tensor<512xbf16>) -> tensor<?x128x512xbf16>
  return
}

// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[Q:.+]]: tensor<1x8x1x64xf32>, %[[K:.+]]: tensor<1x2x1x64xf32>, %[[V:.+]]: tensor<1x2x1x64xf32>, %[[PK:.+]]: tensor<1x2x7x64xf32>, %[[PV:.+]]: tensor<1x2x7x64xf32>, %[[M:.+]]: tensor<1x1x1x8xi1>)
func.func @attention(%q: tensor<1x8x1x64xf32>, %k: tensor<1x2x1x64xf32>,
                     %v: tensor<1x2x1x64xf32>, %pk0: tensor<1x2x7x64xf32>,
                     %pv0: tensor<1x2x7x64xf32>, %mask: tensor<1x1x1x8xi1>)
    -> tensor<1x8x1x64xf32> {
  // CHECK: %[[Y:[^,]+]], %[[PK_OUT:[^,]+]], %[[PV_OUT:[^,]+]], %[[QK:[^ ]+]] = graph.attention %[[Q]], %[[K]], %[[V]] past %[[PK]], %[[PV]] {causal = true, scale = 1.250000e-01 : f32}
  // CHECK-SAME: : (tensor<1x8x1x64xf32>, tensor<1x2x1x64xf32>, tensor<1x2x1x64xf32>, tensor<1x2x7x64xf32>, tensor<1x2x7x64xf32>)
  // CHECK-SAME: -> (tensor<1x8x1x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>, tensor<1x8x1x8xf32>)
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v past %pk0, %pv0
      {scale = 0.125 : f32, causal = true}
      : (tensor<1x8x1x64xf32>, tensor<1x2x1x64xf32>, tensor<1x2x1x64xf32>,
         tensor<1x2x7x64xf32>, tensor<1x2x7x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>,
          tensor<1x8x1x8xf32>)
  // CHECK: graph.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] past %[[PK]], %[[PV]] {qk_mode = 3 : i64, scale = 1.250000e-01 : f32, softcap = 5.000000e+01 : f32}
  %y2, %pk2, %pv2, %qk2 = graph.attention %q, %k, %v mask %mask past %pk0, %pv0
      {scale = 0.125 : f32, softcap = 50.0 : f32, qk_mode = 3 : i64}
      : (tensor<1x8x1x64xf32>, tensor<1x2x1x64xf32>, tensor<1x2x1x64xf32>,
         tensor<1x1x1x8xi1>, tensor<1x2x7x64xf32>, tensor<1x2x7x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>,
          tensor<1x8x1x8xf32>)
  // CHECK: return %[[Y]] :
  return %y : tensor<1x8x1x64xf32>
}

// CHECK-LABEL: func.func @attention_without_past
// CHECK-SAME: (%[[Q:.+]]: tensor<?x12x?x64xf16>, %[[K:.+]]: tensor<?x12x?x64xf16>, %[[M:.+]]: tensor<?x1x?x?xf16>)
func.func @attention_without_past(%q: tensor<?x12x?x64xf16>, %k: tensor<?x12x?x64xf16>,
                                  %mask: tensor<?x1x?x?xf16>) {
  // CHECK: graph.attention %[[Q]], %[[K]], %[[K]] mask %[[M]] {scale = 1.250000e-01 : f32}
  // CHECK-SAME: : (tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16>, tensor<?x1x?x?xf16>)
  // CHECK-SAME: -> (tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16>, tensor<?x12x?x?xf16>)
  %y, %pk, %pv, %qk = graph.attention %q, %k, %k mask %mask {scale = 0.125 : f32}
      : (tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16>,
         tensor<?x1x?x?xf16>)
      -> (tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16>,
          tensor<?x12x?x?xf16>)
  return
}

// CHECK-LABEL: func.func @rotary
// CHECK-SAME: (%[[Q:.+]]: tensor<1x8x16x64xf32>, %[[C:.+]]: tensor<1x16x32xf32>, %[[S:.+]]: tensor<1x16x32xf32>, %[[P:.+]]: tensor<1x16x16xf32>)
func.func @rotary(%q: tensor<1x8x16x64xf32>, %cos: tensor<1x16x32xf32>,
                  %sin: tensor<1x16x32xf32>, %part: tensor<1x16x16xf32>) {
  // CHECK: graph.rotary %[[Q]], %[[C]], %[[S]]
  // CHECK-SAME: : (tensor<1x8x16x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>) -> tensor<1x8x16x64xf32>
  %y = graph.rotary %q, %cos, %sin
      : (tensor<1x8x16x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>)
      -> tensor<1x8x16x64xf32>
  // Partial rotation: rotary_dim 32 of head_dim 64.
  // CHECK: graph.rotary %[[Q]], %[[P]], %[[P]] {interleaved = true}
  // CHECK-SAME: : (tensor<1x8x16x64xf32>, tensor<1x16x16xf32>, tensor<1x16x16xf32>) -> tensor<1x8x16x64xf32>
  %z = graph.rotary %q, %part, %part {interleaved = true}
      : (tensor<1x8x16x64xf32>, tensor<1x16x16xf32>, tensor<1x16x16xf32>)
      -> tensor<1x8x16x64xf32>
  return
}

// CHECK-LABEL: func.func @quantize
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>, %[[S:.+]]: tensor<f32>, %[[ZP:.+]]: tensor<ui8>, %[[CS:.+]]: tensor<8xf32>, %[[CZ:.+]]: tensor<8xi8>)
func.func @quantize(%x: tensor<4x8xf32>, %s: tensor<f32>, %zp: tensor<ui8>,
                    %cs: tensor<8xf32>, %cz: tensor<8xi8>) {
  // CHECK: graph.quantize %[[X]], %[[S]], %[[ZP]] : (tensor<4x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x8xui8>
  %q = graph.quantize %x, %s, %zp : (tensor<4x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x8xui8>
  // CHECK: graph.quantize %[[X]], %[[S]] : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xui8>
  %u = graph.quantize %x, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xui8>
  // Per channel along the default axis 1.
  // CHECK: graph.quantize %[[X]], %[[CS]], %[[CZ]] : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xi8>) -> tensor<4x8xi8>
  %c = graph.quantize %x, %cs, %cz : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xi8>) -> tensor<4x8xi8>
  return
}

// CHECK-LABEL: func.func @dequantize
// CHECK-SAME: (%[[Q:.+]]: tensor<4x8xui8>, %[[S:.+]]: tensor<f32>, %[[ZP:.+]]: tensor<ui8>, %[[CS:.+]]: tensor<4xf16>, %[[C:.+]]: tensor<4x8xi8>)
func.func @dequantize(%q: tensor<4x8xui8>, %s: tensor<f32>, %zp: tensor<ui8>,
                      %cs: tensor<4xf16>, %c: tensor<4x8xi8>) {
  // CHECK: graph.dequantize %[[Q]], %[[S]], %[[ZP]] : (tensor<4x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x8xf32>
  %x = graph.dequantize %q, %s, %zp : (tensor<4x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x8xf32>
  // CHECK: graph.dequantize %[[C]], %[[CS]] {axis = 0 : i64} : (tensor<4x8xi8>, tensor<4xf16>) -> tensor<4x8xf16>
  %y = graph.dequantize %c, %cs {axis = 0 : i64} : (tensor<4x8xi8>, tensor<4xf16>) -> tensor<4x8xf16>
  return
}

// CHECK-LABEL: func.func @matmul_nbits
// CHECK-SAME: (%[[X:.+]]: tensor<?x7x64xf32>, %[[W:.+]]: tensor<256x2x16xui8>, %[[S:.+]]: tensor<256x2xf32>, %[[Z:.+]]: tensor<256x1xui8>, %[[W8:.+]]: tensor<256x2x32xui8>)
func.func @matmul_nbits(%x: tensor<?x7x64xf32>, %w: tensor<256x2x16xui8>, %s: tensor<256x2xf32>,
                        %zp: tensor<256x1xui8>, %w8: tensor<256x2x32xui8>) {
  // CHECK: graph.matmul_nbits %[[X]], %[[W]], %[[S]], %[[Z]] {bits = 4 : i64, block_size = 32 : i64} : (tensor<?x7x64xf32>, tensor<256x2x16xui8>, tensor<256x2xf32>, tensor<256x1xui8>) -> tensor<?x7x256xf32>
  %y = graph.matmul_nbits %x, %w, %s, %zp {bits = 4 : i64, block_size = 32 : i64} : (tensor<?x7x64xf32>, tensor<256x2x16xui8>, tensor<256x2xf32>, tensor<256x1xui8>) -> tensor<?x7x256xf32>
  // Without zero points; 8 bits a value.
  // CHECK: graph.matmul_nbits %[[X]], %[[W8]], %[[S]] {bits = 8 : i64, block_size = 32 : i64} : (tensor<?x7x64xf32>, tensor<256x2x32xui8>, tensor<256x2xf32>) -> tensor<?x7x256xf32>
  %z = graph.matmul_nbits %x, %w8, %s {bits = 8 : i64, block_size = 32 : i64} : (tensor<?x7x64xf32>, tensor<256x2x32xui8>, tensor<256x2xf32>) -> tensor<?x7x256xf32>
  return
}

// CHECK-LABEL: func.func @conv
func.func @conv(%a: tensor<1x80x?xf32>, %w1: tensor<64x80x3xf32>, %i: tensor<2x4x8x8xf32>,
                %w2: tensor<6x2x3x3xf32>, %v: tensor<1x2x4x4x4xf32>, %w3: tensor<3x2x2x2x2xf32>) {
  // 1-D, strided and padded, over a dynamic length.
  // CHECK: graph.conv %{{.+}}, %{{.+}} {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 1, 1>, strides = array<i64: 2>} : (tensor<1x80x?xf32>, tensor<64x80x3xf32>) -> tensor<1x64x?xf32>
  %y1 = graph.conv %a, %w1 {strides = array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x80x?xf32>, tensor<64x80x3xf32>) -> tensor<1x64x?xf32>
  // 2-D with two groups and a dilation: (8 + 1 + 1 - 2 * 2 - 1) / 1 + 1 = 6.
  // CHECK: graph.conv {{.+}} : (tensor<2x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x6x6xf32>
  %y2 = graph.conv %i, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, group = 2 : i64} : (tensor<2x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x6x6xf32>
  // 3-D.
  // CHECK: graph.conv {{.+}} : (tensor<1x2x4x4x4xf32>, tensor<3x2x2x2x2xf32>) -> tensor<1x3x2x2x2xf32>
  %y3 = graph.conv %v, %w3 {strides = array<i64: 2, 2, 2>, dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x2x4x4x4xf32>, tensor<3x2x2x2x2xf32>) -> tensor<1x3x2x2x2xf32>
  return
}

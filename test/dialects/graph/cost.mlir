// RUN: strata-opt %s --strata-test-print-cost="dynamic-size=16" --split-input-file --verify-diagnostics

// Cost figures of CostOpInterface, each worked out by hand from the op's
// shapes (f32: 4 bytes, i64: 8, i1 and i8: 1). Dynamic dimensions are sized 16,
// as a planner would size them with a bound of 16.

// A batched matmul whose batch dimensions broadcast: [2,3,4,5] x [3,5,6] gives
// [2,3,4,6]; M = 4, N = 6, K = 5, batch = 2 * 3.
//   flops = 2 * M * N * K * batch = 2 * 4 * 6 * 5 * 6 = 1440
//   read = (2*3*4*5 + 3*5*6) * 4 = (120 + 90) * 4 = 840
//   written = 2*3*4*6 * 4 = 576
func.func @matmul_batch_broadcast(%a: tensor<2x3x4x5xf32>, %b: tensor<3x5x6xf32>) -> tensor<2x3x4x6xf32> {
  // expected-remark @+1 {{flops 1440, bytes read 840, bytes written 576}}
  %0 = graph.matmul %a, %b : (tensor<2x3x4x5xf32>, tensor<3x5x6xf32>) -> tensor<2x3x4x6xf32>
  return %0 : tensor<2x3x4x6xf32>
}

// -----

// With transpose_lhs the contracted dimension of [3,7,4] is 7: M = 4, N = 5,
// K = 7, batch = 3.
//   flops = 2 * 4 * 5 * 7 * 3 = 840
//   read = (3*7*4 + 3*7*5) * 4 = (84 + 105) * 4 = 756
//   written = 3*4*5 * 4 = 240
func.func @matmul_transposed(%a: tensor<3x7x4xf32>, %b: tensor<3x7x5xf32>) -> tensor<3x4x5xf32> {
  // expected-remark @+1 {{flops 840, bytes read 756, bytes written 240}}
  %0 = graph.matmul %a, %b {transpose_lhs = true} : (tensor<3x7x4xf32>, tensor<3x7x5xf32>) -> tensor<3x4x5xf32>
  return %0 : tensor<3x4x5xf32>
}

// -----

// Causal grouped-query attention: 8 query heads share 2 key/value heads;
// B = 1, Hq = 8, Sq = Skv = 16, D = Dv = 64, so 1*8*16*16 = 2048 scores.
//   flops = 2*2048*64 (q.k^T) + 2*2048*64 (p.v) + 5*2048 (softmax)
//         = 262144 + 262144 + 10240 = 534528
//   read = q 8*16*64*4 + k 2*16*64*4 + v 2*16*64*4 = 32768 + 8192 + 8192 = 49152
//   written = y 8*16*64*4 = 32768 (present_key/value are k and v without a
//             past, and qk is not used)
//   working = the scores and their softmax, 2 * 2048*4 = 16384
func.func @attention_causal_gqa(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x16x64xf32>, %v: tensor<1x2x16x64xf32>) -> tensor<1x8x16x64xf32> {
  // expected-remark @+1 {{flops 534528, bytes read 49152, bytes written 32768, working bytes 16384}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v {scale = 0.125 : f32, causal = true} : (tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32>) -> (tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x8x16x16xf32>)
  return %y : tensor<1x8x16x64xf32>
}

// -----

// One decoding step with a KV cache of 7: Skv = 8, so 1*8*1*8 = 64 scores.
//   flops = 2*64*64 + 2*64*64 + 5*64 = 8192 + 8192 + 320 = 16704
//   read = q 8*64*4 + k 2*64*4 + v 2*64*4 + past 2 * 2*7*64*4
//        = 2048 + 512 + 512 + 3584 + 3584 = 10240
//   written = y 8*64*4 + present 2 * 2*8*64*4 = 2048 + 4096 + 4096 = 10240
//   working = 2 * 1*8*1*8 scores * 4 = 512
func.func @attention_kv_cache(%q: tensor<1x8x1x64xf32>, %k: tensor<1x2x1x64xf32>, %v: tensor<1x2x1x64xf32>, %pk0: tensor<1x2x7x64xf32>, %pv0: tensor<1x2x7x64xf32>) -> (tensor<1x8x1x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>) {
  // expected-remark @+1 {{flops 16704, bytes read 10240, bytes written 10240, working bytes 512}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v past %pk0, %pv0 {scale = 0.125 : f32, causal = true} : (tensor<1x8x1x64xf32>, tensor<1x2x1x64xf32>, tensor<1x2x1x64xf32>, tensor<1x2x7x64xf32>, tensor<1x2x7x64xf32>) -> (tensor<1x8x1x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>, tensor<1x8x1x8xf32>)
  return %y, %pk, %pv : tensor<1x8x1x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>
}

// -----

// Elementwise ops with broadcasting read each operand at its own size and
// compute once per result element.
//   add [2,8] + [8]: flops 16, read (16 + 8) * 4 = 96, written 16 * 4 = 64
//   where [1,1,8,8] i1, [2,4,8,8], [] -> [2,4,8,8] (512 elements): flops 512,
//     read 64 * 1 + 512 * 4 + 4 = 2116, written 512 * 4 = 2048
//   compare i64 [4,1] < [5] -> i1 [4,5]: flops 20, read 9 * 8 = 72, written 20
//   gelu tanh [4,8]: 9 flops per element (x^3 two, polynomial two, scaling,
//     tanh, 1 + t, x / 2, product): flops 288, read 128, written 128
//   cast i8 -> f32 [4]: flops 4, read 4, written 16
func.func @elementwise_broadcast(%x: tensor<2x8xf32>, %b: tensor<8xf32>, %m: tensor<1x1x8x8xi1>, %s: tensor<2x4x8x8xf32>, %c: tensor<f32>, %i: tensor<4x1xi64>, %j: tensor<5xi64>, %g: tensor<4x8xf32>, %n: tensor<4xi8>) -> (tensor<2x8xf32>, tensor<2x4x8x8xf32>, tensor<4x5xi1>, tensor<4x8xf32>, tensor<4xf32>) {
  // expected-remark @+1 {{flops 16, bytes read 96, bytes written 64}}
  %0 = graph.add %x, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  // expected-remark @+1 {{flops 512, bytes read 2116, bytes written 2048}}
  %1 = graph.where %m, %s, %c : (tensor<1x1x8x8xi1>, tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  // expected-remark @+1 {{flops 20, bytes read 72, bytes written 20}}
  %2 = graph.compare lt, %i, %j : (tensor<4x1xi64>, tensor<5xi64>) -> tensor<4x5xi1>
  // expected-remark @+1 {{flops 288, bytes read 128, bytes written 128}}
  %3 = graph.gelu %g approximate tanh : tensor<4x8xf32>
  // expected-remark @+1 {{flops 4, bytes read 4, bytes written 16}}
  %4 = graph.cast %n : tensor<4xi8> -> tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<2x8xf32>, tensor<2x4x8x8xf32>, tensor<4x5xi1>, tensor<4x8xf32>, tensor<4xf32>
}

// -----

// Dynamic dimensions sized by the given bound (16).
//   add [16,8] + [8]: flops 128, read (128 + 8) * 4 = 544, written 512
//   matmul [16,64] x [64,32]: flops 2 * 16 * 32 * 64 = 65536,
//     read (1024 + 2048) * 4 = 12288, written 16 * 32 * 4 = 2048
func.func @dynamic_with_bound(%x: tensor<?x8xf32>, %b: tensor<8xf32>, %h: tensor<?x64xf32>, %w: tensor<64x32xf32>) -> (tensor<?x8xf32>, tensor<?x32xf32>) {
  // expected-remark @+1 {{flops 128, bytes read 544, bytes written 512}}
  %0 = graph.add %x, %b : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  // expected-remark @+1 {{flops 65536, bytes read 12288, bytes written 2048}}
  %1 = graph.matmul %h, %w : (tensor<?x64xf32>, tensor<64x32xf32>) -> tensor<?x32xf32>
  return %0, %1 : tensor<?x8xf32>, tensor<?x32xf32>
}

// -----

// einsum bij,bjk->bik sums over j = 4 for each of the 2*3*5 results.
//   flops = 2 * 30 * 4 = 240, read (24 + 40) * 4 = 256, written 30 * 4 = 120
func.func @einsum(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  // expected-remark @+1 {{flops 240, bytes read 256, bytes written 120}}
  %0 = graph.einsum %a, %b {equation = "bij,bjk->bik"} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// Reductions.
//   softmax [2,8]: 5 flops per element = 80, read 64, written 64
//   reduce mean [2,8] -> [2,1]: a sum per input element and a division per
//     output = 16 + 2 = 18, read 64, written 8
//   top_k k = 3 of [2,8] along 1: one comparison per element per selected
//     value = 3 * 16 = 48, read 64 + 8 = 72, written 6 * 4 + 6 * 8 = 72
func.func @reductions(%x: tensor<2x8xf32>, %k: tensor<1xi64>) -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x3xf32>, tensor<2x3xi64>) {
  // expected-remark @+1 {{flops 80, bytes read 64, bytes written 64}}
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<2x8xf32>
  // expected-remark @+1 {{flops 18, bytes read 64, bytes written 8}}
  %1 = graph.reduce mean %x {axes = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  // expected-remark @+1 {{flops 48, bytes read 72, bytes written 72}}
  %2, %3 = graph.top_k %x, %k {axis = 1 : i64} : (tensor<2x8xf32>, tensor<1xi64>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  return %0, %1, %2, %3 : tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x3xf32>, tensor<2x3xi64>
}

// -----

// Data movement computes nothing; a slice or gather reads only what it keeps
// (plus the indices), a reshape is a view and a constant names data.
//   transpose [2,8]: read 64, written 64
//   slice [4,8] -> [2,8]: read 64, written 64
//   gather rows of [10,4] at 3 i64 indices: read 3*4*4 + 3*8 = 72, written 48
func.func @data_movement(%x: tensor<2x8xf32>, %t: tensor<4x8xf32>, %e: tensor<10x4xf32>, %ids: tensor<3xi64>) -> (tensor<8x2xf32>, tensor<2x8xf32>, tensor<3x4xf32>, tensor<16xf32>, tensor<2xi64>) {
  // expected-remark @+1 {{flops 0, bytes read 64, bytes written 64}}
  %0 = graph.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x8xf32>) -> tensor<8x2xf32>
  // expected-remark @+1 {{flops 0, bytes read 64, bytes written 64}}
  %1 = graph.slice %t {start = array<i64: 1, 0>, limit = array<i64: 3, 8>, stride = array<i64: 1, 1>} : (tensor<4x8xf32>) -> tensor<2x8xf32>
  // expected-remark @+1 {{flops 0, bytes read 72, bytes written 48}}
  %2 = graph.gather %e, %ids {axis = 0 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  // expected-remark @+1 {{flops 0, bytes read 0, bytes written 0}}
  %3 = graph.reshape %x : (tensor<2x8xf32>) -> tensor<16xf32>
  // expected-remark @+1 {{flops 0, bytes read 0, bytes written 0}}
  %4 = graph.constant dense<[1, 2]> : tensor<2xi64>
  return %0, %1, %2, %3, %4 : tensor<8x2xf32>, tensor<2x8xf32>, tensor<3x4xf32>, tensor<16xf32>, tensor<2xi64>
}

// -----

// Normalisations over the last dimension of [2,8] (2 rows).
//   rms_norm: 4 flops per element and 3 per row = 64 + 6 = 70,
//     read (16 + 8) * 4 = 96, written 64
//   layer_norm with bias: 7 per element and 4 per row = 112 + 8 = 120,
//     read (16 + 8 + 8) * 4 = 128, written 64 + 8 + 8 = 80
func.func @norms(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  // expected-remark @+1 {{flops 70, bytes read 96, bytes written 64}}
  %0 = graph.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  // expected-remark @+1 {{flops 120, bytes read 128, bytes written 80}}
  %1, %2, %3 = graph.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %0, %1, %2, %3 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}

// -----

// matmul_nbits [2,64] x (N = 8, K = 64): a multiply-add per term, the packed
// operands read as they are.
//   flops = 2 * 2 * 8 * 64 = 2048
//   read = 2*64*4 + 8*2*16*1 + 8*2*4 = 512 + 256 + 64 = 832
//   written = 2*8*4 = 64
func.func @matmul_nbits(%x: tensor<2x64xf32>, %w: tensor<8x2x16xui8>, %s: tensor<8x2xf32>) -> tensor<2x8xf32> {
  // expected-remark @+1 {{flops 2048, bytes read 832, bytes written 64}}
  %y = graph.matmul_nbits %x, %w, %s {bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<8x2xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// A 1-D conv [1,4,10] * [6,2,3] in two groups: each output element sums 2
// channels over 3 taps. Output [1,6,8].
//   flops = 2 * (1*6*8) * (2*3) = 576
//   read = (1*4*10 + 6*2*3) * 4 = (40 + 36) * 4 = 304
//   written = 1*6*8 * 4 = 192
func.func @conv_grouped(%x: tensor<1x4x10xf32>, %w: tensor<6x2x3xf32>) -> tensor<1x6x8xf32> {
  // expected-remark @+1 {{flops 576, bytes read 304, bytes written 192}}
  %y = graph.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, group = 2 : i64} : (tensor<1x4x10xf32>, tensor<6x2x3xf32>) -> tensor<1x6x8xf32>
  return %y : tensor<1x6x8xf32>
}

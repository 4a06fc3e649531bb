// RUN: strata-opt %s --canonicalize --split-input-file | FileCheck %s

// The ops in NNOps.td have no folders: canonicalisation keeps them as they are and
// erases them only when unused (they are pure). A matmul takes a transpose of an
// operand's last two dimensions into its transpose flag.

// CHECK-LABEL: func.func @unused_nn_ops_are_erased
func.func @unused_nn_ops_are_erased(%x: tensor<1x8x16x64xf32>, %w: tensor<64x64xf32>,
                                    %g: tensor<64xf32>, %cos: tensor<1x16x32xf32>,
                                    %s: tensor<f32>, %q: tensor<1x8x16x64xui8>) {
  // CHECK-NEXT: return
  %m = graph.matmul %x, %w : (tensor<1x8x16x64xf32>, tensor<64x64xf32>) -> tensor<1x8x16x64xf32>
  %e = graph.einsum %x {equation = "bhsd->bhd"} : (tensor<1x8x16x64xf32>) -> tensor<1x8x64xf32>
  %y, %mean, %rstd = graph.layer_norm %x, %g {axis = 3 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<1x8x16x64xf32>, tensor<64xf32>)
      -> (tensor<1x8x16x64xf32>, tensor<1x8x16x1xf32>, tensor<1x8x16x1xf32>)
  %r = graph.rms_norm %x, %g {axis = 3 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<1x8x16x64xf32>, tensor<64xf32>) -> tensor<1x8x16x64xf32>
  %a, %pk, %pv, %qk = graph.attention %x, %x, %x {scale = 0.125 : f32, causal = true}
      : (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>)
      -> (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x16xf32>)
  %rot = graph.rotary %x, %cos, %cos
      : (tensor<1x8x16x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>) -> tensor<1x8x16x64xf32>
  %qx = graph.quantize %x, %s : (tensor<1x8x16x64xf32>, tensor<f32>) -> tensor<1x8x16x64xui8>
  %dx = graph.dequantize %q, %s : (tensor<1x8x16x64xui8>, tensor<f32>) -> tensor<1x8x16x64xf32>
  return
}

// -----

// CHECK-LABEL: func.func @contractions_of_constants_are_kept
func.func @contractions_of_constants_are_kept() -> (tensor<2x2xf32>, tensor<f32>) {
  // CHECK-DAG: %[[ID:.+]] = graph.constant dense<{{\[}}[1.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
  // CHECK: %[[M:.+]] = graph.matmul %[[ID]], %[[ID]] : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  // CHECK: %[[T:.+]] = graph.einsum %[[ID]] {equation = "ii->"} : (tensor<2x2xf32>) -> tensor<f32>
  %id = graph.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %m = graph.matmul %id, %id : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %t = graph.einsum %id {equation = "ii->"} : (tensor<2x2xf32>) -> tensor<f32>
  // CHECK: return %[[M]], %[[T]]
  return %m, %t : tensor<2x2xf32>, tensor<f32>
}

// -----

// A tied language-model head (x @ Transpose(embedding)) and attention scores
// (q @ Transpose(k) over the last two dimensions): the transposes become the
// flags, and go when nothing else uses them; a transposed-twice operand is read
// as it is.
// CHECK-LABEL: func.func @matrix_transposes_become_flags
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x1x768xf32>, %[[E:[^:]+]]: tensor<50257x768xf32>, %[[Q:[^:]+]]: tensor<1x12x1x64xf32>, %[[K:[^:]+]]: tensor<1x12x128x64xf32>
func.func @matrix_transposes_become_flags(%x: tensor<1x1x768xf32>, %e: tensor<50257x768xf32>,
                                          %q: tensor<1x12x1x64xf32>, %k: tensor<1x12x128x64xf32>)
    -> (tensor<1x1x50257xf32>, tensor<1x12x1x128xf32>, tensor<768x768xf32>) {
  // CHECK-NOT: graph.transpose
  // CHECK-DAG: graph.matmul %[[X]], %[[E]] {transpose_rhs = true} : (tensor<1x1x768xf32>, tensor<50257x768xf32>) -> tensor<1x1x50257xf32>
  // CHECK-DAG: graph.matmul %[[Q]], %[[K]] {transpose_rhs = true} : (tensor<1x12x1x64xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x1x128xf32>
  // CHECK-DAG: graph.matmul %[[E]], %[[E]] {transpose_lhs = true} : (tensor<50257x768xf32>, tensor<50257x768xf32>) -> tensor<768x768xf32>
  %et = graph.transpose %e {permutation = array<i64: 1, 0>} : (tensor<50257x768xf32>) -> tensor<768x50257xf32>
  %logits = graph.matmul %x, %et : (tensor<1x1x768xf32>, tensor<768x50257xf32>) -> tensor<1x1x50257xf32>
  %kt = graph.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : (tensor<1x12x128x64xf32>) -> tensor<1x12x64x128xf32>
  %scores = graph.matmul %q, %kt : (tensor<1x12x1x64xf32>, tensor<1x12x64x128xf32>) -> tensor<1x12x1x128xf32>
  %gram = graph.matmul %et, %e {transpose_rhs = false} : (tensor<768x50257xf32>, tensor<50257x768xf32>) -> tensor<768x768xf32>
  return %logits, %scores, %gram : tensor<1x1x50257xf32>, tensor<1x12x1x128xf32>, tensor<768x768xf32>
}

// -----

// Transposes that move other dimensions stay: the flags only swap the last two.
// CHECK-LABEL: func.func @other_transposes_stay
// CHECK: %[[T:.+]] = graph.transpose
// CHECK: graph.matmul %{{.+}}, %[[T]] :
func.func @other_transposes_stay(%q: tensor<1x12x1x64xf32>, %k: tensor<1x128x12x64xf32>)
    -> tensor<1x12x1x128xf32> {
  %kt = graph.transpose %k {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x128x12x64xf32>) -> tensor<1x12x64x128xf32>
  %scores = graph.matmul %q, %kt : (tensor<1x12x1x64xf32>, tensor<1x12x64x128xf32>) -> tensor<1x12x1x128xf32>
  return %scores : tensor<1x12x1x128xf32>
}

// RUN: strata-opt %s --strata-raise --split-input-file | FileCheck %s

// GELU, erf form, as the TorchScript exporter writes BERT's intermediate
// activation: x / sqrt(2), erf, + 1, * x, * 0.5 (BERT test model shapes).
// CHECK-LABEL: func.func @gelu_erf_torchscript
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x128xf32>
// CHECK-NEXT: %[[Y:.+]] = graph.gelu %[[X]] : tensor<?x?x128xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gelu_erf_torchscript(%x: tensor<?x?x128xf32>) -> tensor<?x?x128xf32> {
  %half = graph.constant dense<5.000000e-01> : tensor<f32>
  %one = graph.constant dense<1.000000e+00> : tensor<f32>
  %sqrt2 = graph.constant dense<1.41421354> : tensor<f32>
  %0 = graph.div %x, %sqrt2 : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  %1 = graph.erf %0 : tensor<?x?x128xf32>
  %2 = graph.add %1, %one : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  %3 = graph.mul %x, %2 : (tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  %4 = graph.mul %3, %half : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  return %4 : tensor<?x?x128xf32>
}

// -----

// GELU, erf form, as ONNX's Gelu function expands: sqrt(2) left unfolded,
// 0.5 multiplied into x first.
// CHECK-LABEL: func.func @gelu_erf_onnx_expansion
// CHECK-SAME: %[[X:[^:]+]]: tensor<3xf32>
// CHECK-NEXT: %[[Y:.+]] = graph.gelu %[[X]] : tensor<3xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gelu_erf_onnx_expansion(%x: tensor<3xf32>) -> tensor<3xf32> {
  %half = graph.constant dense<5.000000e-01> : tensor<f32>
  %one = graph.constant dense<1.000000e+00> : tensor<f32>
  %two = graph.constant dense<2.000000e+00> : tensor<f32>
  %sqrt2 = graph.sqrt %two : tensor<f32>
  %0 = graph.div %x, %sqrt2 : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %1 = graph.erf %0 : tensor<3xf32>
  %2 = graph.add %1, %one : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %3 = graph.mul %x, %half : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %4 = graph.mul %3, %2 : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %4 : tensor<3xf32>
}

// -----

// GELU, tanh form, as the dynamo exporter writes GPT-2's gelu_new (GPT-2 test
// model shapes): pow(x, 3), the constants as the exporter rounds them.
// CHECK-LABEL: func.func @gelu_tanh_dynamo
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x256xf32>
// CHECK-NEXT: %[[Y:.+]] = graph.gelu %[[X]] approximate tanh : tensor<?x?x256xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gelu_tanh_dynamo(%x: tensor<?x?x256xf32>) -> tensor<?x?x256xf32> {
  %half = graph.constant dense<5.000000e-01> : tensor<f32>
  %three = graph.constant dense<3.000000e+00> : tensor<f32>
  %c = graph.constant dense<4.471500e-02> : tensor<f32>
  %k = graph.constant dense<0.797884583> : tensor<f32>
  %one = graph.constant dense<1.000000e+00> : tensor<f32>
  %0 = graph.mul %x, %half : (tensor<?x?x256xf32>, tensor<f32>) -> tensor<?x?x256xf32>
  %1 = graph.pow %x, %three : (tensor<?x?x256xf32>, tensor<f32>) -> tensor<?x?x256xf32>
  %2 = graph.mul %1, %c : (tensor<?x?x256xf32>, tensor<f32>) -> tensor<?x?x256xf32>
  %3 = graph.add %x, %2 : (tensor<?x?x256xf32>, tensor<?x?x256xf32>) -> tensor<?x?x256xf32>
  %4 = graph.mul %3, %k : (tensor<?x?x256xf32>, tensor<f32>) -> tensor<?x?x256xf32>
  %5 = graph.tanh %4 : tensor<?x?x256xf32>
  %6 = graph.add %5, %one : (tensor<?x?x256xf32>, tensor<f32>) -> tensor<?x?x256xf32>
  %7 = graph.mul %0, %6 : (tensor<?x?x256xf32>, tensor<?x?x256xf32>) -> tensor<?x?x256xf32>
  return %7 : tensor<?x?x256xf32>
}

// -----

// GELU, tanh form, with the cube as x * x * x, the constant in front and the
// sum's operands swapped.
// CHECK-LABEL: func.func @gelu_tanh_cube_as_products
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>
// CHECK-NEXT: %[[Y:.+]] = graph.gelu %[[X]] approximate tanh : tensor<2x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gelu_tanh_cube_as_products(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %half = graph.constant dense<5.000000e-01> : tensor<f32>
  %c = graph.constant dense<4.471500e-02> : tensor<f32>
  %k = graph.constant dense<0.797884583> : tensor<f32>
  %one = graph.constant dense<1.000000e+00> : tensor<f32>
  %0 = graph.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = graph.mul %0, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = graph.mul %c, %1 : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = graph.add %2, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = graph.mul %k, %3 : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %5 = graph.tanh %4 : tensor<2x8xf32>
  %6 = graph.add %one, %5 : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %7 = graph.mul %6, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %8 = graph.mul %half, %7 : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %8 : tensor<2x8xf32>
}

// -----

// Near miss: 0.6 instead of 0.5 in front.
// CHECK-LABEL: func.func @gelu_wrong_constant
// CHECK-NOT: graph.gelu
// CHECK: graph.erf
func.func @gelu_wrong_constant(%x: tensor<8xf32>) -> tensor<8xf32> {
  %c = graph.constant dense<6.000000e-01> : tensor<f32>
  %one = graph.constant dense<1.000000e+00> : tensor<f32>
  %r = graph.constant dense<0.707106769> : tensor<f32>
  %0 = graph.mul %x, %r : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %1 = graph.erf %0 : tensor<8xf32>
  %2 = graph.add %1, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %3 = graph.mul %x, %c : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %4 = graph.mul %3, %2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %4 : tensor<8xf32>
}

// -----

// Near miss: the erf is of x, the product of another tensor.
// CHECK-LABEL: func.func @gelu_other_tensor
// CHECK-NOT: graph.gelu
// CHECK: graph.erf
func.func @gelu_other_tensor(%x: tensor<8xf32>, %z: tensor<8xf32>) -> tensor<8xf32> {
  %half = graph.constant dense<5.000000e-01> : tensor<f32>
  %one = graph.constant dense<1.000000e+00> : tensor<f32>
  %r = graph.constant dense<0.707106769> : tensor<f32>
  %0 = graph.mul %x, %r : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %1 = graph.erf %0 : tensor<8xf32>
  %2 = graph.add %1, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %3 = graph.mul %z, %half : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %4 = graph.mul %3, %2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %4 : tensor<8xf32>
}

// -----

// Near miss: the 0.5 is a [2, 8] splat, so the result is broadcast to a
// larger shape than x's; a gelu of x would not have it.
// CHECK-LABEL: func.func @gelu_broadcast_grows
// CHECK-NOT: graph.gelu
// CHECK: graph.erf
func.func @gelu_broadcast_grows(%x: tensor<8xf32>) -> tensor<2x8xf32> {
  %half = graph.constant dense<5.000000e-01> : tensor<2x8xf32>
  %one = graph.constant dense<1.000000e+00> : tensor<f32>
  %r = graph.constant dense<0.707106769> : tensor<f32>
  %0 = graph.mul %x, %r : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %1 = graph.erf %0 : tensor<8xf32>
  %2 = graph.add %1, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %3 = graph.mul %x, %half : (tensor<8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = graph.mul %3, %2 : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %4 : tensor<2x8xf32>
}

// -----

// SiLU as Llama's MLP writes it (Llama test model shapes); the gated product
// stays a product.
// CHECK-LABEL: func.func @silu_gated_mlp
// CHECK-SAME: %[[G:[^:]+]]: tensor<?x?x128xf32>, %[[U:[^:]+]]: tensor<?x?x128xf32>
// CHECK-NEXT: %[[S:.+]] = graph.silu %[[G]] : tensor<?x?x128xf32>
// CHECK-NEXT: %[[Y:.+]] = graph.mul %[[S]], %[[U]]
// CHECK-NEXT: return %[[Y]]
func.func @silu_gated_mlp(%gate: tensor<?x?x128xf32>, %up: tensor<?x?x128xf32>) -> tensor<?x?x128xf32> {
  %0 = graph.sigmoid %gate : tensor<?x?x128xf32>
  %1 = graph.mul %gate, %0 : (tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  %2 = graph.mul %1, %up : (tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  return %2 : tensor<?x?x128xf32>
}

// -----

// Near miss: the sigmoid is of another tensor.
// CHECK-LABEL: func.func @silu_other_tensor
// CHECK-NOT: graph.silu
// CHECK: graph.sigmoid
func.func @silu_other_tensor(%x: tensor<8xf32>, %z: tensor<8xf32>) -> tensor<8xf32> {
  %0 = graph.sigmoid %z : tensor<8xf32>
  %1 = graph.mul %x, %0 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %1 : tensor<8xf32>
}

// -----

// RMS norm as the dynamo exporter writes Llama's (Llama test model shapes):
// pow(x, 2), mean, + eps, sqrt, reciprocal, * x, * weight.
// CHECK-LABEL: func.func @rms_norm_dynamo
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x64xf32>, %[[W:[^:]+]]: tensor<64xf32>
// CHECK-NEXT: %[[Y:.+]] = graph.rms_norm %[[X]], %[[W]] {axis = 2 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK-NEXT: return %[[Y]]
func.func @rms_norm_dynamo(%x: tensor<?x?x64xf32>, %w: tensor<64xf32>) -> tensor<?x?x64xf32> {
  %two = graph.constant dense<2.000000e+00> : tensor<f32>
  %eps = graph.constant dense<9.99999997E-7> : tensor<f32>
  %0 = graph.pow %x, %two : (tensor<?x?x64xf32>, tensor<f32>) -> tensor<?x?x64xf32>
  %1 = graph.reduce mean %0 {axes = array<i64: 2>} : (tensor<?x?x64xf32>) -> tensor<?x?x1xf32>
  %2 = graph.add %1, %eps : (tensor<?x?x1xf32>, tensor<f32>) -> tensor<?x?x1xf32>
  %3 = graph.sqrt %2 : tensor<?x?x1xf32>
  %4 = graph.reciprocal %3 : tensor<?x?x1xf32>
  %5 = graph.mul %x, %4 : (tensor<?x?x64xf32>, tensor<?x?x1xf32>) -> tensor<?x?x64xf32>
  %6 = graph.mul %5, %w : (tensor<?x?x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  return %6 : tensor<?x?x64xf32>
}

// -----

// RMS norm as the TorchScript exporter and ONNX's function expansion write it:
// x * x, a quotient by the root, the weight first; over two dimensions.
// CHECK-LABEL: func.func @rms_norm_quotient
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x5xf32>, %[[W:[^:]+]]: tensor<3x5xf32>
// CHECK-NEXT: %[[Y:.+]] = graph.rms_norm %[[X]], %[[W]] {axis = 1 : i64, epsilon = 1.000000e-01 : f32}
// CHECK-NEXT: return %[[Y]]
func.func @rms_norm_quotient(%x: tensor<2x3x5xf32>, %w: tensor<3x5xf32>) -> tensor<2x3x5xf32> {
  %eps = graph.constant dense<1.000000e-01> : tensor<f32>
  %0 = graph.mul %x, %x : (tensor<2x3x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %1 = graph.reduce mean %0 {axes = array<i64: 1, 2>} : (tensor<2x3x5xf32>) -> tensor<2x1x1xf32>
  %2 = graph.add %eps, %1 : (tensor<f32>, tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %3 = graph.sqrt %2 : tensor<2x1x1xf32>
  %4 = graph.div %x, %3 : (tensor<2x3x5xf32>, tensor<2x1x1xf32>) -> tensor<2x3x5xf32>
  %5 = graph.mul %w, %4 : (tensor<3x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %5 : tensor<2x3x5xf32>
}

// -----

// RMS norm with rsqrt and no weight: the scale is one.
// CHECK-LABEL: func.func @rms_norm_rsqrt_unscaled
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x16xf32>
// CHECK-NEXT: %[[ONE:.+]] = graph.constant dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[Y:.+]] = graph.rms_norm %[[X]], %[[ONE]] {axis = 1 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: return %[[Y]]
func.func @rms_norm_rsqrt_unscaled(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %eps = graph.constant dense<9.99999974E-6> : tensor<f32>
  %0 = graph.mul %x, %x : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %1 = graph.reduce mean %0 {axes = array<i64: 1>} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %2 = graph.add %1, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %3 = graph.rsqrt %2 : tensor<4x1xf32>
  %4 = graph.mul %3, %x : (tensor<4x1xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %4 : tensor<4x16xf32>
}

// -----

// Near miss: a weight per row ([4, 1]) is not a scale of the normalised
// dimension; the norm is raised without it and the product stays.
// CHECK-LABEL: func.func @rms_norm_weight_per_row
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x16xf32>, %[[W:[^:]+]]: tensor<4x1xf32>
// CHECK: %[[N:.+]] = graph.rms_norm %[[X]], %{{.+}} {axis = 1 : i64
// CHECK-NEXT: %[[Y:.+]] = graph.mul %[[N]], %[[W]]
// CHECK-NEXT: return %[[Y]]
func.func @rms_norm_weight_per_row(%x: tensor<4x16xf32>, %w: tensor<4x1xf32>) -> tensor<4x16xf32> {
  %eps = graph.constant dense<9.99999974E-6> : tensor<f32>
  %0 = graph.mul %x, %x : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %1 = graph.reduce mean %0 {axes = array<i64: 1>} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %2 = graph.add %1, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %3 = graph.rsqrt %2 : tensor<4x1xf32>
  %4 = graph.mul %x, %3 : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %5 = graph.mul %4, %w : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %5 : tensor<4x16xf32>
}

// -----

// Near miss: the mean is over the leading dimension, not the trailing ones.
// CHECK-LABEL: func.func @rms_norm_leading_axis
// CHECK-NOT: graph.rms_norm
// CHECK: graph.reduce mean
func.func @rms_norm_leading_axis(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %eps = graph.constant dense<9.99999974E-6> : tensor<f32>
  %0 = graph.mul %x, %x : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %1 = graph.reduce mean %0 {axes = array<i64: 0>} : (tensor<4x16xf32>) -> tensor<1x16xf32>
  %2 = graph.add %1, %eps : (tensor<1x16xf32>, tensor<f32>) -> tensor<1x16xf32>
  %3 = graph.rsqrt %2 : tensor<1x16xf32>
  %4 = graph.mul %x, %3 : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  return %4 : tensor<4x16xf32>
}

// -----

// Layer norm as the TorchScript exporter writes it below opset 17 (BERT test
// model shapes): mean, x - mean, pow 2, mean, + eps, sqrt, quotient, * weight,
// + bias.
// CHECK-LABEL: func.func @layer_norm_torchscript
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x64xf32>, %[[W:[^:]+]]: tensor<64xf32>, %[[B:[^:]+]]: tensor<64xf32>
// CHECK-NEXT: %[[Y:.+]], %{{.+}}, %{{.+}} = graph.layer_norm %[[X]], %[[W]], %[[B]] {axis = 2 : i64, epsilon = 9.99999996E-13 : f32}
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_torchscript(%x: tensor<?x?x64xf32>, %w: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<?x?x64xf32> {
  %two = graph.constant dense<2.000000e+00> : tensor<f32>
  %eps = graph.constant dense<9.99999996E-13> : tensor<f32>
  %0 = graph.reduce mean %x {axes = array<i64: 2>} : (tensor<?x?x64xf32>) -> tensor<?x?x1xf32>
  %1 = graph.sub %x, %0 : (tensor<?x?x64xf32>, tensor<?x?x1xf32>) -> tensor<?x?x64xf32>
  %2 = graph.pow %1, %two : (tensor<?x?x64xf32>, tensor<f32>) -> tensor<?x?x64xf32>
  %3 = graph.reduce mean %2 {axes = array<i64: 2>} : (tensor<?x?x64xf32>) -> tensor<?x?x1xf32>
  %4 = graph.add %3, %eps : (tensor<?x?x1xf32>, tensor<f32>) -> tensor<?x?x1xf32>
  %5 = graph.sqrt %4 : tensor<?x?x1xf32>
  %6 = graph.div %1, %5 : (tensor<?x?x64xf32>, tensor<?x?x1xf32>) -> tensor<?x?x64xf32>
  %7 = graph.mul %6, %w : (tensor<?x?x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  %8 = graph.add %7, %b : (tensor<?x?x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  return %8 : tensor<?x?x64xf32>
}

// -----

// Layer norm as ONNX's LayerNormalization function expands (2-D, the variance
// as mean(x^2) - mean^2, weight and bias reshaped to [1, 5]), with its Mean
// and InvStdDev outputs: they read the op's results.
// CHECK-LABEL: func.func @layer_norm_onnx_expansion
// CHECK-SAME: %[[X:[^:]+]]: tensor<6x5xf32>, %[[W:[^:]+]]: tensor<5xf32>, %[[B:[^:]+]]: tensor<5xf32>
// CHECK-NEXT: %[[Y:.+]], %[[MEAN:.+]], %[[RSTD:.+]] = graph.layer_norm %[[X]], %[[W]], %[[B]] {axis = 1 : i64, epsilon = 1.000000e-01 : f32}
// CHECK-NEXT: return %[[Y]], %[[MEAN]], %[[RSTD]]
func.func @layer_norm_onnx_expansion(%x: tensor<6x5xf32>, %w: tensor<5xf32>, %b: tensor<5xf32>)
    -> (tensor<6x5xf32>, tensor<6x1xf32>, tensor<6x1xf32>) {
  %eps = graph.constant dense<1.000000e-01> : tensor<f32>
  %0 = graph.reduce mean %x {axes = array<i64: 1>} : (tensor<6x5xf32>) -> tensor<6x1xf32>
  %1 = graph.mul %x, %x : (tensor<6x5xf32>, tensor<6x5xf32>) -> tensor<6x5xf32>
  %2 = graph.reduce mean %1 {axes = array<i64: 1>} : (tensor<6x5xf32>) -> tensor<6x1xf32>
  %3 = graph.mul %0, %0 : (tensor<6x1xf32>, tensor<6x1xf32>) -> tensor<6x1xf32>
  %4 = graph.sub %2, %3 : (tensor<6x1xf32>, tensor<6x1xf32>) -> tensor<6x1xf32>
  %5 = graph.add %4, %eps : (tensor<6x1xf32>, tensor<f32>) -> tensor<6x1xf32>
  %6 = graph.sqrt %5 : tensor<6x1xf32>
  %7 = graph.sub %x, %0 : (tensor<6x5xf32>, tensor<6x1xf32>) -> tensor<6x5xf32>
  %8 = graph.div %7, %6 : (tensor<6x5xf32>, tensor<6x1xf32>) -> tensor<6x5xf32>
  %9 = graph.reshape %w : (tensor<5xf32>) -> tensor<1x5xf32>
  %10 = graph.mul %8, %9 : (tensor<6x5xf32>, tensor<1x5xf32>) -> tensor<6x5xf32>
  %11 = graph.reshape %b : (tensor<5xf32>) -> tensor<1x5xf32>
  %12 = graph.add %10, %11 : (tensor<6x5xf32>, tensor<1x5xf32>) -> tensor<6x5xf32>
  %13 = graph.reciprocal %6 : tensor<6x1xf32>
  return %12, %0, %13 : tensor<6x5xf32>, tensor<6x1xf32>, tensor<6x1xf32>
}

// -----

// Layer norm without weight or bias, with rsqrt (the form strata-decompose
// writes): the scale is one and there is no bias.
// CHECK-LABEL: func.func @layer_norm_no_affine
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x16xf32>
// CHECK-NEXT: %[[ONE:.+]] = graph.constant dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[Y:.+]], %{{.+}}, %{{.+}} = graph.layer_norm %[[X]], %[[ONE]] {axis = 1 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_no_affine(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %eps = graph.constant dense<9.99999974E-6> : tensor<f32>
  %0 = graph.reduce mean %x {axes = array<i64: 1>} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %1 = graph.sub %x, %0 : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %2 = graph.mul %1, %1 : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %3 = graph.reduce mean %2 {axes = array<i64: 1>} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %4 = graph.add %3, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %5 = graph.rsqrt %4 : tensor<4x1xf32>
  %6 = graph.mul %1, %5 : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %6 : tensor<4x16xf32>
}

// -----

// Layer norm after a residual add, as every pre-norm block has it: x is the
// sum, which stays for the next residual.
// CHECK-LABEL: func.func @layer_norm_after_residual
// CHECK-SAME: %[[A:[^:]+]]: tensor<1x128x768xf32>, %[[R:[^:]+]]: tensor<1x128x768xf32>, %[[W:[^:]+]]: tensor<768xf32>, %[[B:[^:]+]]: tensor<768xf32>
// CHECK-NEXT: %[[X:.+]] = graph.add %[[A]], %[[R]]
// CHECK-NEXT: %[[Y:.+]], %{{.+}}, %{{.+}} = graph.layer_norm %[[X]], %[[W]], %[[B]] {axis = 2 : i64
// CHECK-NEXT: return %[[Y]], %[[X]]
func.func @layer_norm_after_residual(%a: tensor<1x128x768xf32>, %r: tensor<1x128x768xf32>, %w: tensor<768xf32>, %b: tensor<768xf32>)
    -> (tensor<1x128x768xf32>, tensor<1x128x768xf32>) {
  %eps = graph.constant dense<9.99999974E-6> : tensor<f32>
  %x = graph.add %a, %r : (tensor<1x128x768xf32>, tensor<1x128x768xf32>) -> tensor<1x128x768xf32>
  %0 = graph.reduce mean %x {axes = array<i64: 2>} : (tensor<1x128x768xf32>) -> tensor<1x128x1xf32>
  %1 = graph.sub %x, %0 : (tensor<1x128x768xf32>, tensor<1x128x1xf32>) -> tensor<1x128x768xf32>
  %2 = graph.mul %1, %1 : (tensor<1x128x768xf32>, tensor<1x128x768xf32>) -> tensor<1x128x768xf32>
  %3 = graph.reduce mean %2 {axes = array<i64: 2>} : (tensor<1x128x768xf32>) -> tensor<1x128x1xf32>
  %4 = graph.add %3, %eps : (tensor<1x128x1xf32>, tensor<f32>) -> tensor<1x128x1xf32>
  %5 = graph.sqrt %4 : tensor<1x128x1xf32>
  %6 = graph.div %1, %5 : (tensor<1x128x768xf32>, tensor<1x128x1xf32>) -> tensor<1x128x768xf32>
  %7 = graph.mul %w, %6 : (tensor<768xf32>, tensor<1x128x768xf32>) -> tensor<1x128x768xf32>
  %8 = graph.add %b, %7 : (tensor<768xf32>, tensor<1x128x768xf32>) -> tensor<1x128x768xf32>
  return %8, %x : tensor<1x128x768xf32>, tensor<1x128x768xf32>
}

// -----

// Near miss: epsilon added after the square root, not inside it.
// CHECK-LABEL: func.func @layer_norm_epsilon_outside_root
// CHECK-NOT: graph.layer_norm
// CHECK: graph.sqrt
func.func @layer_norm_epsilon_outside_root(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %eps = graph.constant dense<9.99999974E-6> : tensor<f32>
  %0 = graph.reduce mean %x {axes = array<i64: 1>} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %1 = graph.sub %x, %0 : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %2 = graph.mul %1, %1 : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %3 = graph.reduce mean %2 {axes = array<i64: 1>} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %4 = graph.sqrt %3 : tensor<4x1xf32>
  %5 = graph.add %4, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %6 = graph.div %1, %5 : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %6 : tensor<4x16xf32>
}

// -----

// Near miss: the variance is over other axes than the mean, so this is no
// layer norm; it is the RMS norm, over those axes, of x - mean.
// CHECK-LABEL: func.func @layer_norm_variance_other_axis
// CHECK-NOT: graph.layer_norm
// CHECK: %[[D:.+]] = graph.sub
// CHECK-NEXT: %[[Y:.+]] = graph.rms_norm %[[D]], %{{.+}} {axis = 1 : i64
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_variance_other_axis(%x: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  %eps = graph.constant dense<9.99999974E-6> : tensor<f32>
  %0 = graph.reduce mean %x {axes = array<i64: 2>} : (tensor<2x4x16xf32>) -> tensor<2x4x1xf32>
  %1 = graph.sub %x, %0 : (tensor<2x4x16xf32>, tensor<2x4x1xf32>) -> tensor<2x4x16xf32>
  %2 = graph.mul %1, %1 : (tensor<2x4x16xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %3 = graph.reduce mean %2 {axes = array<i64: 1, 2>} : (tensor<2x4x16xf32>) -> tensor<2x1x1xf32>
  %4 = graph.add %3, %eps : (tensor<2x1x1xf32>, tensor<f32>) -> tensor<2x1x1xf32>
  %5 = graph.sqrt %4 : tensor<2x1x1xf32>
  %6 = graph.div %1, %5 : (tensor<2x4x16xf32>, tensor<2x1x1xf32>) -> tensor<2x4x16xf32>
  return %6 : tensor<2x4x16xf32>
}

// -----

// Near miss: a bias per row ([4, 1]) is not a bias of the normalised
// dimension; the norm is raised with its weight and the sum stays.
// CHECK-LABEL: func.func @layer_norm_bias_per_row
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x16xf32>, %[[W:[^:]+]]: tensor<16xf32>, %[[B:[^:]+]]: tensor<4x1xf32>
// CHECK-NEXT: %[[N:.+]], %{{.+}}, %{{.+}} = graph.layer_norm %[[X]], %[[W]] {axis = 1 : i64
// CHECK-NEXT: %[[Y:.+]] = graph.add %[[N]], %[[B]]
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_bias_per_row(%x: tensor<4x16xf32>, %w: tensor<16xf32>, %b: tensor<4x1xf32>) -> tensor<4x16xf32> {
  %eps = graph.constant dense<9.99999974E-6> : tensor<f32>
  %0 = graph.reduce mean %x {axes = array<i64: 1>} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %1 = graph.sub %x, %0 : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %2 = graph.mul %1, %1 : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %3 = graph.reduce mean %2 {axes = array<i64: 1>} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %4 = graph.add %3, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %5 = graph.rsqrt %4 : tensor<4x1xf32>
  %6 = graph.mul %1, %5 : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %7 = graph.mul %6, %w : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %8 = graph.add %7, %b : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %8 : tensor<4x16xf32>
}

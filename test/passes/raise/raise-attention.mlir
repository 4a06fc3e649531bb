// RUN: strata-opt %s --strata-raise --split-input-file | FileCheck %s

// GPT-2 with a KV cache as the TorchScript exporter writes it (the GPT-style
// test model's shapes, static): the past concatenated in front of the new keys
// and values, q . k^T by the product's flag, a scale by a scalar product, an
// additive mask, the softmax over keys, the product with the values. The
// concatenations are also the model's present outputs: they read the op's.
// CHECK-LABEL: func.func @gpt2_kv_torchscript
// CHECK-SAME: %[[Q:[^:]+]]: tensor<2x4x16x16xf32>, %[[K:[^:]+]]: tensor<2x4x16x16xf32>, %[[V:[^:]+]]: tensor<2x4x16x16xf32>, %[[PK:[^:]+]]: tensor<2x4x32x16xf32>, %[[PV:[^:]+]]: tensor<2x4x32x16xf32>, %[[M:[^:]+]]: tensor<2x1x16x48xf32>
// CHECK-NEXT: %[[Y:[^,]+]], %[[PRESENT_K:[^,]+]], %[[PRESENT_V:[^,]+]], %{{.+}} = graph.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] past %[[PK]], %[[PV]] {scale = 2.500000e-01 : f32, zero_masked_rows = false}
// CHECK-NEXT: return %[[Y]], %[[PRESENT_K]], %[[PRESENT_V]]
func.func @gpt2_kv_torchscript(%q: tensor<2x4x16x16xf32>, %k: tensor<2x4x16x16xf32>, %v: tensor<2x4x16x16xf32>, %pk: tensor<2x4x32x16xf32>, %pv: tensor<2x4x32x16xf32>, %mask: tensor<2x1x16x48xf32>) -> (tensor<2x4x16x16xf32>, tensor<2x4x48x16xf32>, tensor<2x4x48x16xf32>) {
  %scale = graph.constant dense<2.500000e-01> : tensor<f32>
  %keys = graph.concat %pk, %k {axis = 2 : i64} : (tensor<2x4x32x16xf32>, tensor<2x4x16x16xf32>) -> tensor<2x4x48x16xf32>
  %values = graph.concat %pv, %v {axis = 2 : i64} : (tensor<2x4x32x16xf32>, tensor<2x4x16x16xf32>) -> tensor<2x4x48x16xf32>
  %0 = graph.matmul %q, %keys {transpose_rhs = true} : (tensor<2x4x16x16xf32>, tensor<2x4x48x16xf32>) -> tensor<2x4x16x48xf32>
  %1 = graph.mul %0, %scale : (tensor<2x4x16x48xf32>, tensor<f32>) -> tensor<2x4x16x48xf32>
  %2 = graph.add %1, %mask : (tensor<2x4x16x48xf32>, tensor<2x1x16x48xf32>) -> tensor<2x4x16x48xf32>
  %3 = graph.softmax %2 {axis = 3 : i64} : tensor<2x4x16x48xf32>
  %4 = graph.matmul %3, %values : (tensor<2x4x16x48xf32>, tensor<2x4x48x16xf32>) -> tensor<2x4x16x16xf32>
  return %4, %keys, %values : tensor<2x4x16x16xf32>, tensor<2x4x48x16xf32>, tensor<2x4x48x16xf32>
}

// -----

// BERT as the TorchScript exporter writes it: the keys transposed straight
// from [batch, sequence, heads, head_dim] to [batch, heads, head_dim,
// sequence], so the keys become a transpose of the same input that keeps
// the last two dimensions; the mask added before the scale's product is
// found on either side of the sum.
// CHECK-LABEL: func.func @bert_torchscript
// CHECK-SAME: %[[Q:[^:]+]]: tensor<1x4x128x16xf32>, %[[KS:[^:]+]]: tensor<1x128x4x16xf32>, %[[V:[^:]+]]: tensor<1x4x128x16xf32>, %[[M:[^:]+]]: tensor<1x1x1x128xf32>
// CHECK: %[[K:.+]] = graph.transpose %[[KS]] {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x128x4x16xf32>) -> tensor<1x4x128x16xf32>
// CHECK-NEXT: %[[Y:[^,]+]], %{{.+}} = graph.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] {scale = 2.500000e-01 : f32, zero_masked_rows = false}
// CHECK-NOT: graph.softmax
// CHECK: return %[[Y]]
func.func @bert_torchscript(%q: tensor<1x4x128x16xf32>, %ks: tensor<1x128x4x16xf32>, %v: tensor<1x4x128x16xf32>, %mask: tensor<1x1x1x128xf32>) -> tensor<1x4x128x16xf32> {
  %scale = graph.constant dense<2.500000e-01> : tensor<f32>
  %kt = graph.transpose %ks {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x128x4x16xf32>) -> tensor<1x4x16x128xf32>
  %0 = graph.matmul %q, %kt : (tensor<1x4x128x16xf32>, tensor<1x4x16x128xf32>) -> tensor<1x4x128x128xf32>
  %1 = graph.mul %scale, %0 : (tensor<f32>, tensor<1x4x128x128xf32>) -> tensor<1x4x128x128xf32>
  %2 = graph.add %mask, %1 : (tensor<1x1x1x128xf32>, tensor<1x4x128x128xf32>) -> tensor<1x4x128x128xf32>
  %3 = graph.softmax %2 {axis = 3 : i64} : tensor<1x4x128x128xf32>
  %4 = graph.matmul %3, %v : (tensor<1x4x128x128xf32>, tensor<1x4x128x16xf32>) -> tensor<1x4x128x16xf32>
  return %4 : tensor<1x4x128x16xf32>
}

// -----

// The scale as a quotient by sqrt(head_dim) (transformers' eager attention,
// the dynamo exporter), and a boolean mask that keeps the scores where true
// and puts -inf elsewhere.
// CHECK-LABEL: func.func @quotient_and_boolean_mask
// CHECK-SAME: %[[Q:[^:]+]]: tensor<1x12x1x64xf32>, %[[K:[^:]+]]: tensor<1x12x128x64xf32>, %[[V:[^:]+]]: tensor<1x12x128x64xf32>, %[[M:[^:]+]]: tensor<1x1x1x128xi1>
// CHECK-NEXT: %[[Y:[^,]+]], %{{.+}} = graph.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] {scale = 1.250000e-01 : f32, zero_masked_rows = false}
// CHECK-NEXT: return %[[Y]]
func.func @quotient_and_boolean_mask(%q: tensor<1x12x1x64xf32>, %k: tensor<1x12x128x64xf32>, %v: tensor<1x12x128x64xf32>, %mask: tensor<1x1x1x128xi1>) -> tensor<1x12x1x64xf32> {
  %root = graph.constant dense<8.000000e+00> : tensor<f32>
  %ninf = graph.constant dense<0xFF800000> : tensor<f32>
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<1x12x1x64xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x1x128xf32>
  %1 = graph.div %0, %root : (tensor<1x12x1x128xf32>, tensor<f32>) -> tensor<1x12x1x128xf32>
  %2 = graph.where %mask, %1, %ninf : (tensor<1x1x1x128xi1>, tensor<1x12x1x128xf32>, tensor<f32>) -> tensor<1x12x1x128xf32>
  %3 = graph.softmax %2 {axis = 3 : i64} : tensor<1x12x1x128xf32>
  %4 = graph.matmul %3, %v : (tensor<1x12x1x128xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x1x64xf32>
  return %4 : tensor<1x12x1x64xf32>
}

// -----

// Neither scale nor mask: the scale is 1.
// CHECK-LABEL: func.func @plain
// CHECK-NEXT: %[[Y:[^,]+]], %{{.+}} = graph.attention %{{.+}}, %{{.+}}, %{{.+}} {scale = 1.000000e+00 : f32, zero_masked_rows = false}
// CHECK-NEXT: return %[[Y]]
func.func @plain(%q: tensor<2x2x3x8xf32>, %k: tensor<2x2x5x8xf32>, %v: tensor<2x2x5x4xf32>) -> tensor<2x2x3x4xf32> {
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<2x2x3x8xf32>, tensor<2x2x5x8xf32>) -> tensor<2x2x3x5xf32>
  %1 = graph.softmax %0 {axis = 3 : i64} : tensor<2x2x3x5xf32>
  %2 = graph.matmul %1, %v : (tensor<2x2x3x5xf32>, tensor<2x2x5x4xf32>) -> tensor<2x2x3x4xf32>
  return %2 : tensor<2x2x3x4xf32>
}

// -----

// Near miss: a where that puts the most negative finite number, not -inf,
// at masked keys: a fully masked row is uniform there, NaN in the op.
// CHECK-LABEL: func.func @finite_fill
// CHECK-NOT: graph.attention
// CHECK: graph.softmax
func.func @finite_fill(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %mask: tensor<1x1x4x4xi1>) -> tensor<1x2x4x8xf32> {
  %min = graph.constant dense<-3.40282347E+38> : tensor<f32>
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %1 = graph.where %mask, %0, %min : (tensor<1x1x4x4xi1>, tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %2 = graph.softmax %1 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %3 = graph.matmul %2, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %3 : tensor<1x2x4x8xf32>
}

// -----

// Near miss: the softmax over the queries (axis 2), not the keys.
// CHECK-LABEL: func.func @softmax_over_queries
// CHECK-NOT: graph.attention
// CHECK: graph.softmax
func.func @softmax_over_queries(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %1 = graph.softmax %0 {axis = 2 : i64} : tensor<1x2x4x4xf32>
  %2 = graph.matmul %1, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %2 : tensor<1x2x4x8xf32>
}

// -----

// Near miss: the mask added before the scale, so the scale multiplies the
// mask too.
// CHECK-LABEL: func.func @mask_scaled_too
// CHECK-NOT: graph.attention
// CHECK: graph.softmax
func.func @mask_scaled_too(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %mask: tensor<1x1x4x4xf32>) -> tensor<1x2x4x8xf32> {
  %scale = graph.constant dense<3.535530e-01> : tensor<f32>
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %1 = graph.add %0, %mask : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = graph.mul %1, %scale : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %3 = graph.softmax %2 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %4 = graph.matmul %3, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %4 : tensor<1x2x4x8xf32>
}

// -----

// Near miss: a scale that differs per head (not a scalar).
// CHECK-LABEL: func.func @scale_per_head
// CHECK-NOT: graph.attention
// CHECK: graph.softmax
func.func @scale_per_head(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %scale = graph.constant dense<[[[0.5]], [[0.25]]]> : tensor<2x1x1xf32>
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %1 = graph.mul %0, %scale : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %2 = graph.softmax %1 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %3 = graph.matmul %2, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %3 : tensor<1x2x4x8xf32>
}

// -----

// Near miss: a mask that broadcasts the scores to more rows than the product
// made (the sum is larger than the scores).
// CHECK-LABEL: func.func @mask_grows_scores
// CHECK-NOT: graph.attention
// CHECK: graph.softmax
func.func @mask_grows_scores(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>, %v: tensor<1x1x4x8xf32>, %mask: tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32> {
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>) -> tensor<1x1x4x4xf32>
  %1 = graph.add %0, %mask : (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = graph.softmax %1 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %3 = graph.matmul %2, %v : (tensor<1x2x4x4xf32>, tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %3 : tensor<1x2x4x8xf32>
}

// -----

// Near miss: the probabilities are also an output of the model.
// CHECK-LABEL: func.func @probabilities_used
// CHECK-NOT: graph.attention
// CHECK: graph.softmax
func.func @probabilities_used(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> (tensor<1x2x4x8xf32>, tensor<1x2x4x4xf32>) {
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %1 = graph.softmax %0 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %2 = graph.matmul %1, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %2, %1 : tensor<1x2x4x8xf32>, tensor<1x2x4x4xf32>
}

// -----

// Near miss: the query's head count is not known (a dynamic-shape TorchScript
// export, whose head split reshapes to a computed shape): the product might
// broadcast one query head over the keys' heads.
// CHECK-LABEL: func.func @dynamic_query_heads
// CHECK-NOT: graph.attention
// CHECK: graph.softmax
func.func @dynamic_query_heads(%q: tensor<?x?x?x?xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<?x?x?x?xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x?xf32>
  %1 = graph.softmax %0 {axis = 3 : i64} : tensor<?x4x?x?xf32>
  %2 = graph.matmul %1, %v : (tensor<?x4x?x?xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  return %2 : tensor<?x4x?x16xf32>
}

// -----

// GPT-2 exported by TorchScript with dynamic axes, once the canonical phase
// has found the query's and keys' head count from their head splits; the
// values' head split copies another tensor's dimensions and stays dynamic,
// which the op allows (its decomposition's product with the values
// broadcasts as the exported one does).
// CHECK-LABEL: func.func @dynamic_value_heads
// CHECK-NEXT: %[[Y:[^,]+]], %{{.+}} = graph.attention %{{.+}}, %{{.+}}, %{{.+}} mask %{{.+}} {scale = 2.500000e-01 : f32, zero_masked_rows = false} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x?x?x16xf32>, tensor<?x?x?x?xf32>)
// CHECK-NEXT: return %[[Y]]
func.func @dynamic_value_heads(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x?x?x16xf32>, %mask: tensor<?x?x?x?xf32>) -> tensor<?x4x?x16xf32> {
  %scale = graph.constant dense<2.500000e-01> : tensor<f32>
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x?xf32>
  %1 = graph.mul %0, %scale : (tensor<?x4x?x?xf32>, tensor<f32>) -> tensor<?x4x?x?xf32>
  %2 = graph.add %1, %mask : (tensor<?x4x?x?xf32>, tensor<?x?x?x?xf32>) -> tensor<?x4x?x?xf32>
  %3 = graph.softmax %2 {axis = 3 : i64} : tensor<?x4x?x?xf32>
  %4 = graph.matmul %3, %v : (tensor<?x4x?x?xf32>, tensor<?x?x?x16xf32>) -> tensor<?x4x?x16xf32>
  return %4 : tensor<?x4x?x16xf32>
}

// -----

// ONNX's function expansion of Attention (opset 23, the attn_mask node test's
// shapes, after the canonical phase): q and k^T each multiplied by the root
// of the scale, the keys transposed by a transpose op, and rows whose mask
// has no key set to zero after the softmax: the op's zero_masked_rows (its
// default, so not printed).
// CHECK-LABEL: func.func @onnx_expansion
// CHECK-SAME: %[[Q:[^:]+]]: tensor<2x3x4x8xf32>, %[[K:[^:]+]]: tensor<2x3x6x8xf32>, %[[V:[^:]+]]: tensor<2x3x6x8xf32>, %[[M:[^:]+]]: tensor<4x6xf32>
// CHECK: %[[Y:[^,]+]], %{{.+}} = graph.attention %[[Q]], %{{.+}}, %[[V]] mask %[[M]] {scale = 0.353553{{[0-9]*}} : f32}
// CHECK-NOT: graph.softmax
// CHECK: return %[[Y]]
func.func @onnx_expansion(%q: tensor<2x3x4x8xf32>, %k: tensor<2x3x6x8xf32>, %v: tensor<2x3x6x8xf32>, %mask: tensor<4x6xf32>) -> tensor<2x3x4x8xf32> {
  %root = graph.constant dense<0.594603539> : tensor<1xf32>
  %zero = graph.constant dense<0.000000e+00> : tensor<1xf32>
  %ninf = graph.constant dense<0xFF800000> : tensor<1xf32>
  %kt = graph.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : (tensor<2x3x6x8xf32>) -> tensor<2x3x8x6xf32>
  %qs = graph.mul %q, %root : (tensor<2x3x4x8xf32>, tensor<1xf32>) -> tensor<2x3x4x8xf32>
  %ks = graph.mul %kt, %root : (tensor<2x3x8x6xf32>, tensor<1xf32>) -> tensor<2x3x8x6xf32>
  %0 = graph.matmul %qs, %ks : (tensor<2x3x4x8xf32>, tensor<2x3x8x6xf32>) -> tensor<2x3x4x6xf32>
  %1 = graph.add %0, %mask : (tensor<2x3x4x6xf32>, tensor<4x6xf32>) -> tensor<2x3x4x6xf32>
  %2 = graph.softmax %1 {axis = 3 : i64} : tensor<2x3x4x6xf32>
  %3 = graph.reduce max %mask {axes = array<i64: 1>} : (tensor<4x6xf32>) -> tensor<4x1xf32>
  %4 = graph.compare eq, %3, %ninf : (tensor<4x1xf32>, tensor<1xf32>) -> tensor<4x1xi1>
  %5 = graph.where %4, %zero, %2 : (tensor<4x1xi1>, tensor<1xf32>, tensor<2x3x4x6xf32>) -> tensor<2x3x4x6xf32>
  %6 = graph.matmul %5, %v : (tensor<2x3x4x6xf32>, tensor<2x3x6x8xf32>) -> tensor<2x3x4x8xf32>
  return %6 : tensor<2x3x4x8xf32>
}

// -----

// A softcap between the scale and the softmax: 30 * tanh(s / 30).
// CHECK-LABEL: func.func @softcap
// CHECK: graph.attention {{.+}} {scale = 1.250000e-01 : f32, softcap = 3.000000e+01 : f32, zero_masked_rows = false}
// CHECK-NOT: graph.tanh
func.func @softcap(%q: tensor<1x2x4x64xf32>, %k: tensor<1x2x4x64xf32>, %v: tensor<1x2x4x64xf32>) -> tensor<1x2x4x64xf32> {
  %scale = graph.constant dense<1.250000e-01> : tensor<f32>
  %cap = graph.constant dense<3.000000e+01> : tensor<f32>
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x64xf32>, tensor<1x2x4x64xf32>) -> tensor<1x2x4x4xf32>
  %1 = graph.mul %0, %scale : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %2 = graph.div %1, %cap : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %3 = graph.tanh %2 : tensor<1x2x4x4xf32>
  %4 = graph.mul %3, %cap : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %5 = graph.softmax %4 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %6 = graph.matmul %5, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x64xf32>) -> tensor<1x2x4x64xf32>
  return %6 : tensor<1x2x4x64xf32>
}

// -----

// Near miss: the zero rows chosen from another tensor than the mask.
// CHECK-LABEL: func.func @guard_of_other_tensor
// CHECK-NOT: graph.attention
// CHECK: graph.softmax
func.func @guard_of_other_tensor(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %mask: tensor<4x4xf32>, %other: tensor<4x4xf32>) -> tensor<1x2x4x8xf32> {
  %zero = graph.constant dense<0.000000e+00> : tensor<1xf32>
  %ninf = graph.constant dense<0xFF800000> : tensor<1xf32>
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %1 = graph.add %0, %mask : (tensor<1x2x4x4xf32>, tensor<4x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = graph.softmax %1 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %3 = graph.reduce max %other {axes = array<i64: 1>} : (tensor<4x4xf32>) -> tensor<4x1xf32>
  %4 = graph.compare eq, %3, %ninf : (tensor<4x1xf32>, tensor<1xf32>) -> tensor<4x1xi1>
  %5 = graph.where %4, %zero, %2 : (tensor<4x1xi1>, tensor<1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %6 = graph.matmul %5, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %6 : tensor<1x2x4x8xf32>
}

// -----

// Near miss: the probabilities are the function's result (an op without
// results is their one use), not multiplied with values.
// CHECK-LABEL: func.func @probabilities_returned
// CHECK-NOT: graph.attention
// CHECK: graph.softmax
func.func @probabilities_returned(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32> {
  %0 = graph.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %1 = graph.softmax %0 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// RUN: strata-opt %s --split-input-file --strata-form-fusion-groups | FileCheck %s
// RUN: strata-opt %s --split-input-file --strata-form-fusion-groups=singletons=true | FileCheck %s --check-prefix=ALONE

// A GPT-2 MLP on the test model's shapes: the bias add and the GELU are the
// epilogue of the first product, the bias and the residual add that of the
// second; the second product does not take in the first group (a library call
// reads its operands from memory).
// CHECK-LABEL: func.func @mlp
// CHECK: %[[FC:.+]] = graph.fusion_group contraction -> tensor<128x256xf32> {
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: graph.add
// CHECK-NEXT: %[[G:.+]] = graph.gelu
// CHECK-NEXT: graph.yield %[[G]]
// CHECK: %[[PROJ:.+]] = graph.fusion_group contraction -> tensor<128x64xf32> {
// CHECK-NEXT: graph.matmul %[[FC]]
// CHECK-NEXT: graph.add
// CHECK-NEXT: %[[R:.+]] = graph.add
// CHECK-NEXT: graph.yield %[[R]]
// CHECK: return %[[PROJ]]
// With singletons, each of the 6 ops is a group of its own.
// ALONE-LABEL: func.func @mlp
// ALONE-COUNT-6: graph.fusion_group {{[a-z]+}} -> tensor<128x{{[0-9]+}}xf32> {
// ALONE-NOT: graph.fusion_group
// ALONE: return
func.func @mlp(%x: tensor<128x64xf32>, %w1: tensor<64x256xf32>, %b1: tensor<256xf32>,
               %w2: tensor<256x64xf32>, %b2: tensor<64xf32>) -> tensor<128x64xf32> {
  %m1 = graph.matmul %x, %w1 : (tensor<128x64xf32>, tensor<64x256xf32>) -> tensor<128x256xf32>
  %a1 = graph.add %m1, %b1 : (tensor<128x256xf32>, tensor<256xf32>) -> tensor<128x256xf32>
  %g = graph.gelu %a1 : tensor<128x256xf32>
  %m2 = graph.matmul %g, %w2 : (tensor<128x256xf32>, tensor<256x64xf32>) -> tensor<128x64xf32>
  %a2 = graph.add %m2, %b2 : (tensor<128x64xf32>, tensor<64xf32>) -> tensor<128x64xf32>
  %r = graph.add %a2, %x : (tensor<128x64xf32>, tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

// The attention block of the GPT-style test model: the scores of two
// activations, their scale and mask, the softmax, the product with the values
// and the merge of the heads are one group. The weights are read by no
// product here, so it is not a projection.
// CHECK-LABEL: func.func @attention
// CHECK: %[[A:.+]] = graph.fusion_group attention -> tensor<1x128x4x16xf32> {
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: graph.mul
// CHECK-NEXT: graph.add
// CHECK-NEXT: graph.softmax
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: %[[T:.+]] = graph.transpose
// CHECK-NEXT: graph.yield %[[T]]
// CHECK-NOT: graph.fusion_group
// CHECK: return %[[A]]
func.func @attention(%q: tensor<1x4x128x16xf32>, %k: tensor<1x4x16x128xf32>,
                     %v: tensor<1x4x128x16xf32>, %mask: tensor<1x1x128x128xf32>)
    -> tensor<1x128x4x16xf32> {
  %scale = graph.constant dense<0.25> : tensor<f32>
  %s = graph.matmul %q, %k : (tensor<1x4x128x16xf32>, tensor<1x4x16x128xf32>) -> tensor<1x4x128x128xf32>
  %d = graph.mul %s, %scale : (tensor<1x4x128x128xf32>, tensor<f32>) -> tensor<1x4x128x128xf32>
  %m = graph.add %d, %mask : (tensor<1x4x128x128xf32>, tensor<1x1x128x128xf32>) -> tensor<1x4x128x128xf32>
  %p = graph.softmax %m {axis = 3 : i64} : tensor<1x4x128x128xf32>
  %o = graph.matmul %p, %v : (tensor<1x4x128x128xf32>, tensor<1x4x128x16xf32>) -> tensor<1x4x128x16xf32>
  %t = graph.transpose %o {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x4x128x16xf32>) -> tensor<1x128x4x16xf32>
  return %t : tensor<1x128x4x16xf32>
}

// -----

// Near miss of the attention block: a norm after a product, feeding a product
// with a weight (the next projection), is not attention: the norm is the
// first product's epilogue and the second product a group of its own.
// (Weights are globals; a function argument is an activation.)
// CHECK-LABEL: func.func @norm_then_projection
// CHECK: %[[N:.+]] = graph.fusion_group contraction
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: graph.layer_norm
// CHECK-NEXT: graph.yield
// CHECK: graph.fusion_group contraction
// CHECK-NEXT: graph.matmul %[[N]]
// CHECK-NEXT: graph.yield
ml_program.global private @w1(dense<0.5> : tensor<64x64xf32>) : tensor<64x64xf32>
ml_program.global private @w2(dense<0.25> : tensor<64x64xf32>) : tensor<64x64xf32>
func.func @norm_then_projection(%x: tensor<128x64xf32>, %g: tensor<64xf32>) -> tensor<128x64xf32> {
  %w1 = ml_program.global_load_const @w1 : tensor<64x64xf32>
  %w2 = ml_program.global_load_const @w2 : tensor<64x64xf32>
  %m = graph.matmul %x, %w1 : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %n, %mean, %rstd = graph.layer_norm %m, %g {axis = 1 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<128x64xf32>, tensor<64xf32>) -> (tensor<128x64xf32>, tensor<128x1xf32>, tensor<128x1xf32>)
  %p = graph.matmul %n, %w2 : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  return %p : tensor<128x64xf32>
}

// -----

// An elementwise chain, a norm after it and an activation after that are one
// group. The exp, read twice (by the chain and by the return), is a group
// of its own whose result the next group reads; the product reads the
// activation from memory.
// CHECK-LABEL: func.func @chain_into_norm
// CHECK: %[[E:.+]] = graph.fusion_group elementwise
// CHECK-NEXT: graph.exp
// CHECK: %[[N:.+]] = graph.fusion_group reduction
// CHECK-NEXT: graph.mul %[[E]]
// CHECK-NEXT: graph.tanh
// CHECK-NEXT: %[[R:.+]] = graph.rms_norm
// CHECK-NEXT: graph.tanh %[[R]]
// CHECK-NEXT: graph.yield
// CHECK: graph.fusion_group contraction
// CHECK-NEXT: graph.matmul %[[N]]
func.func @chain_into_norm(%x: tensor<8x64xf32>, %g: tensor<64xf32>, %w: tensor<64x64xf32>)
    -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  %e = graph.exp %x : tensor<8x64xf32>
  %m = graph.mul %e, %x : (tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<8x64xf32>
  %t = graph.tanh %m : tensor<8x64xf32>
  %n = graph.rms_norm %t, %g {axis = 1 : i64, epsilon = 1.0e-06 : f32} : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  %u = graph.tanh %n : tensor<8x64xf32>
  %p = graph.matmul %u, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  return %p, %e : tensor<8x64xf32>, tensor<8x64xf32>
}

// -----

// Two products of the same input, each with its activation as epilogue: the
// product of the two activations joins the first group (reading the second's
// result from memory), never both (two library calls in one group). The
// second group comes first: a group sits where its last op was.
// CHECK-LABEL: func.func @two_products
// CHECK: %[[B:.+]] = graph.fusion_group contraction
// CHECK-NEXT: graph.matmul %arg0, %arg2
// CHECK-NEXT: graph.sigmoid
// CHECK-NEXT: graph.yield
// CHECK: graph.fusion_group contraction
// CHECK-NEXT: graph.matmul %arg0, %arg1
// CHECK-NEXT: %[[R:.+]] = graph.relu
// CHECK-NEXT: graph.mul %[[R]], %[[B]]
// CHECK-NEXT: graph.yield
func.func @two_products(%x: tensor<8x64xf32>, %w1: tensor<64x64xf32>, %w2: tensor<64x64xf32>)
    -> tensor<8x64xf32> {
  %a = graph.matmul %x, %w1 : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %r = graph.relu %a : tensor<8x64xf32>
  %b = graph.matmul %x, %w2 : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %s = graph.sigmoid %b : tensor<8x64xf32>
  %y = graph.mul %r, %s : (tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

// -----

// Merging the exp into the add's group would let a path leave the group (exp
// -> matmul) and come back (matmul -> add): the exp stays a group of its own.
// CHECK-LABEL: func.func @not_convex
// CHECK: %[[E:.+]] = graph.fusion_group elementwise
// CHECK-NEXT: graph.exp
// CHECK-NEXT: graph.yield
// CHECK: %[[M:.+]] = graph.fusion_group contraction
// CHECK-NEXT: graph.matmul %[[E]]
// CHECK-NEXT: graph.add %[[E]]
func.func @not_convex(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %e = graph.exp %x : tensor<8x8xf32>
  %m = graph.matmul %e, %x : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %y = graph.add %e, %m : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// -----

// Shape arithmetic and constants form no group; reshapes join the group of
// the ops around them.
// CHECK-LABEL: func.func @shapes_stay_outside
// CHECK: graph.shape_of
// CHECK-NEXT: graph.gather
// CHECK: %[[G:.+]] = graph.fusion_group elementwise
// CHECK-NEXT: graph.exp
// CHECK-NEXT: graph.reshape
// CHECK-NEXT: graph.neg
// CHECK-NEXT: graph.reshape
// CHECK-NEXT: graph.yield
// CHECK-NOT: graph.fusion_group
// CHECK: return %{{.+}}, %[[G]]
func.func @shapes_stay_outside(%x: tensor<?x64xf32>) -> (tensor<i64>, tensor<?x8x8xf32>) {
  %i = graph.constant dense<0> : tensor<i64>
  %s = graph.shape_of %x : tensor<?x64xf32> -> tensor<2xi64>
  %d = graph.gather %s, %i {axis = 0 : i64} : (tensor<2xi64>, tensor<i64>) -> tensor<i64>
  %e = graph.exp %x : tensor<?x64xf32>
  %r = graph.reshape %e : (tensor<?x64xf32>) -> tensor<?x8x8xf32>
  %n = graph.neg %r : tensor<?x8x8xf32>
  %o = graph.reshape %n : (tensor<?x8x8xf32>) -> tensor<?x8x8xf32>
  return %d, %o : tensor<i64>, tensor<?x8x8xf32>
}

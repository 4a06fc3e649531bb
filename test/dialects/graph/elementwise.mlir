// RUN: strata-opt %s | strata-opt | FileCheck %s
// RUN: strata-opt %s --mlir-print-op-generic | strata-opt | FileCheck %s

// Round trip of every op in ElementwiseOps.td through the custom assembly format,
// and once through the generic form.

// CHECK-LABEL: func.func @unary_any_element
// CHECK-SAME: (%[[F:.+]]: tensor<2x8xf32>, %[[I:.+]]: tensor<?x4xi64>)
func.func @unary_any_element(%f: tensor<2x8xf32>, %i: tensor<?x4xi64>)
    -> (tensor<2x8xf32>, tensor<?x4xi64>, tensor<2x8xf32>, tensor<?x4xi64>,
        tensor<2x8xf32>, tensor<?x4xi64>) {
  // CHECK: %[[NEG:.+]] = graph.neg %[[F]] : tensor<2x8xf32>
  %neg = graph.neg %f : tensor<2x8xf32>
  // CHECK: %[[NEGI:.+]] = graph.neg %[[I]] : tensor<?x4xi64>
  %negi = graph.neg %i : tensor<?x4xi64>
  // CHECK: %[[ABS:.+]] = graph.abs %[[F]] : tensor<2x8xf32>
  %abs = graph.abs %f : tensor<2x8xf32>
  // CHECK: %[[SIGN:.+]] = graph.sign %[[I]] : tensor<?x4xi64>
  %sign = graph.sign %i : tensor<?x4xi64>
  // CHECK: %[[RELU:.+]] = graph.relu %[[F]] : tensor<2x8xf32>
  %relu = graph.relu %f : tensor<2x8xf32>
  // CHECK: %[[RELUI:.+]] = graph.relu %[[I]] : tensor<?x4xi64>
  %relui = graph.relu %i : tensor<?x4xi64>
  // CHECK: return %[[NEG]], %[[NEGI]], %[[ABS]], %[[SIGN]], %[[RELU]], %[[RELUI]]
  return %neg, %negi, %abs, %sign, %relu, %relui
      : tensor<2x8xf32>, tensor<?x4xi64>, tensor<2x8xf32>, tensor<?x4xi64>,
        tensor<2x8xf32>, tensor<?x4xi64>
}

// CHECK-LABEL: func.func @unary_float
// CHECK-SAME: (%[[X:.+]]: tensor<2x?xf32>, %[[H:.+]]: tensor<4xf16>, %[[B:.+]]: tensor<4xbf16>)
func.func @unary_float(%x: tensor<2x?xf32>, %h: tensor<4xf16>, %b: tensor<4xbf16>) {
  // CHECK: graph.exp %[[X]] : tensor<2x?xf32>
  %exp = graph.exp %x : tensor<2x?xf32>
  // CHECK: graph.log %[[X]] : tensor<2x?xf32>
  %log = graph.log %x : tensor<2x?xf32>
  // CHECK: graph.sqrt %[[H]] : tensor<4xf16>
  %sqrt = graph.sqrt %h : tensor<4xf16>
  // CHECK: graph.rsqrt %[[B]] : tensor<4xbf16>
  %rsqrt = graph.rsqrt %b : tensor<4xbf16>
  // CHECK: graph.reciprocal %[[X]] : tensor<2x?xf32>
  %reciprocal = graph.reciprocal %x : tensor<2x?xf32>
  // CHECK: graph.tanh %[[X]] : tensor<2x?xf32>
  %tanh = graph.tanh %x : tensor<2x?xf32>
  // CHECK: graph.sigmoid %[[X]] : tensor<2x?xf32>
  %sigmoid = graph.sigmoid %x : tensor<2x?xf32>
  // CHECK: graph.erf %[[X]] : tensor<2x?xf32>
  %erf = graph.erf %x : tensor<2x?xf32>
  // CHECK: graph.sin %[[X]] : tensor<2x?xf32>
  %sin = graph.sin %x : tensor<2x?xf32>
  // CHECK: graph.cos %[[X]] : tensor<2x?xf32>
  %cos = graph.cos %x : tensor<2x?xf32>
  // CHECK: graph.floor %[[X]] : tensor<2x?xf32>
  %floor = graph.floor %x : tensor<2x?xf32>
  // CHECK: graph.ceil %[[X]] : tensor<2x?xf32>
  %ceil = graph.ceil %x : tensor<2x?xf32>
  // CHECK: graph.round %[[X]] : tensor<2x?xf32>
  %round = graph.round %x : tensor<2x?xf32>
  // CHECK: graph.silu %[[X]] : tensor<2x?xf32>
  %silu = graph.silu %x : tensor<2x?xf32>
  return
}

// CHECK-LABEL: func.func @gelu
// CHECK-SAME: (%[[X:.+]]: tensor<1x128x3072xf32>)
func.func @gelu(%x: tensor<1x128x3072xf32>) {
  // The default approximation is elided when printing.
  // CHECK: graph.gelu %[[X]] : tensor<1x128x3072xf32>
  %exact = graph.gelu %x : tensor<1x128x3072xf32>
  // CHECK: graph.gelu %[[X]] : tensor<1x128x3072xf32>
  %none = graph.gelu %x approximate none : tensor<1x128x3072xf32>
  // CHECK: graph.gelu %[[X]] approximate tanh : tensor<1x128x3072xf32>
  %tanh = graph.gelu %x approximate tanh : tensor<1x128x3072xf32>
  return
}

// CHECK-LABEL: func.func @logical_unary
// CHECK-SAME: (%[[M:.+]]: tensor<4x?xi1>)
func.func @logical_unary(%m: tensor<4x?xi1>) -> tensor<4x?xi1> {
  // CHECK: %[[NOT:.+]] = graph.not %[[M]] : tensor<4x?xi1>
  %not = graph.not %m : tensor<4x?xi1>
  // CHECK: return %[[NOT]]
  return %not : tensor<4x?xi1>
}

// CHECK-LABEL: func.func @float_classification
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
func.func @float_classification(%x: tensor<4xf32>) {
  // CHECK: graph.is_nan %[[X]] : tensor<4xf32> -> tensor<4xi1>
  %nan = graph.is_nan %x : tensor<4xf32> -> tensor<4xi1>
  // CHECK: graph.is_inf %[[X]] : tensor<4xf32> -> tensor<4xi1>
  %inf = graph.is_inf %x : tensor<4xf32> -> tensor<4xi1>
  // CHECK: graph.is_inf %[[X]] {detect_negative = false} : tensor<4xf32> -> tensor<4xi1>
  %pos = graph.is_inf %x {detect_negative = false} : tensor<4xf32> -> tensor<4xi1>
  // CHECK: graph.is_inf %[[X]] {detect_positive = false} : tensor<4xf32> -> tensor<4xi1>
  %neg = graph.is_inf %x {detect_positive = false} : tensor<4xf32> -> tensor<4xi1>
  return
}

// CHECK-LABEL: func.func @cast
// CHECK-SAME: (%[[I:.+]]: tensor<2x3xi64>, %[[U:.+]]: tensor<?xui8>, %[[F:.+]]: tensor<2x3xf32>)
func.func @cast(%i: tensor<2x3xi64>, %u: tensor<?xui8>, %f: tensor<2x3xf32>) {
  // CHECK: graph.cast %[[I]] : tensor<2x3xi64> -> tensor<2x3xf32>
  %if = graph.cast %i : tensor<2x3xi64> -> tensor<2x3xf32>
  // CHECK: graph.cast %[[U]] : tensor<?xui8> -> tensor<?xi32>
  %ui = graph.cast %u : tensor<?xui8> -> tensor<?xi32>
  // CHECK: graph.cast %[[F]] : tensor<2x3xf32> -> tensor<2x3xf16>
  %ff = graph.cast %f : tensor<2x3xf32> -> tensor<2x3xf16>
  // CHECK: graph.cast %[[F]] : tensor<2x3xf32> -> tensor<2x3xi1>
  %fb = graph.cast %f : tensor<2x3xf32> -> tensor<2x3xi1>
  return
}

// CHECK-LABEL: func.func @binary_arithmetic
// CHECK-SAME: (%[[X:.+]]: tensor<2x8xf32>, %[[Y:.+]]: tensor<8xf32>)
func.func @binary_arithmetic(%x: tensor<2x8xf32>, %y: tensor<8xf32>) {
  // CHECK: graph.add %[[X]], %[[Y]] : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %add = graph.add %x, %y : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  // CHECK: graph.sub %[[Y]], %[[X]] : (tensor<8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %sub = graph.sub %y, %x : (tensor<8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: graph.mul %[[X]], %[[X]] : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %mul = graph.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: graph.div %[[X]], %[[Y]] : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %div = graph.div %x, %y : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  // CHECK: graph.pow %[[X]], %[[Y]] : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %pow = graph.pow %x, %y : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  // CHECK: graph.max %[[X]], %[[Y]] : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %max = graph.max %x, %y : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  // CHECK: graph.min %[[X]], %[[Y]] : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %min = graph.min %x, %y : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return
}

// CHECK-LABEL: func.func @binary_broadcast_dynamic
// CHECK-SAME: (%[[A:.+]]: tensor<?x1x8xi64>, %[[B:.+]]: tensor<4x1xi64>, %[[S:.+]]: tensor<i64>)
func.func @binary_broadcast_dynamic(%a: tensor<?x1x8xi64>, %b: tensor<4x1xi64>,
                                    %s: tensor<i64>) {
  // CHECK: graph.add %[[A]], %[[B]] : (tensor<?x1x8xi64>, tensor<4x1xi64>) -> tensor<?x4x8xi64>
  %add = graph.add %a, %b : (tensor<?x1x8xi64>, tensor<4x1xi64>) -> tensor<?x4x8xi64>
  // A user may write a result more static than the inferred one.
  // CHECK: graph.mul %[[A]], %[[S]] : (tensor<?x1x8xi64>, tensor<i64>) -> tensor<3x1x8xi64>
  %mul = graph.mul %a, %s : (tensor<?x1x8xi64>, tensor<i64>) -> tensor<3x1x8xi64>
  // CHECK: graph.div %[[S]], %[[S]] : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %div = graph.div %s, %s : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return
}

// CHECK-LABEL: func.func @logical_binary
// CHECK-SAME: (%[[P:.+]]: tensor<4x1xi1>, %[[Q:.+]]: tensor<5xi1>)
func.func @logical_binary(%p: tensor<4x1xi1>, %q: tensor<5xi1>) {
  // CHECK: graph.and %[[P]], %[[Q]] : (tensor<4x1xi1>, tensor<5xi1>) -> tensor<4x5xi1>
  %and = graph.and %p, %q : (tensor<4x1xi1>, tensor<5xi1>) -> tensor<4x5xi1>
  // CHECK: graph.or %[[P]], %[[Q]] : (tensor<4x1xi1>, tensor<5xi1>) -> tensor<4x5xi1>
  %or = graph.or %p, %q : (tensor<4x1xi1>, tensor<5xi1>) -> tensor<4x5xi1>
  // CHECK: graph.xor %[[P]], %[[Q]] : (tensor<4x1xi1>, tensor<5xi1>) -> tensor<4x5xi1>
  %xor = graph.xor %p, %q : (tensor<4x1xi1>, tensor<5xi1>) -> tensor<4x5xi1>
  return
}

// CHECK-LABEL: func.func @mod
// CHECK-SAME: (%[[I:.+]]: tensor<6xi32>, %[[F:.+]]: tensor<6xf32>)
func.func @mod(%i: tensor<6xi32>, %f: tensor<6xf32>) {
  // CHECK: graph.mod %[[I]], %[[I]] : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  %python = graph.mod %i, %i : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  // CHECK: graph.mod %[[I]], %[[I]] {fmod = true} : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  %c = graph.mod %i, %i {fmod = true} : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  // CHECK: graph.mod %[[F]], %[[F]] {fmod = true} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %float = graph.mod %f, %f {fmod = true} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  return
}

// CHECK-LABEL: func.func @compare
// CHECK-SAME: (%[[X:.+]]: tensor<4x1xi64>, %[[Y:.+]]: tensor<5xi64>, %[[F:.+]]: tensor<?xf32>)
func.func @compare(%x: tensor<4x1xi64>, %y: tensor<5xi64>, %f: tensor<?xf32>) {
  // CHECK: graph.compare eq, %[[X]], %[[Y]] : (tensor<4x1xi64>, tensor<5xi64>) -> tensor<4x5xi1>
  %eq = graph.compare eq, %x, %y : (tensor<4x1xi64>, tensor<5xi64>) -> tensor<4x5xi1>
  // CHECK: graph.compare ne, %[[X]], %[[Y]]
  %ne = graph.compare ne, %x, %y : (tensor<4x1xi64>, tensor<5xi64>) -> tensor<4x5xi1>
  // CHECK: graph.compare lt, %[[X]], %[[Y]]
  %lt = graph.compare lt, %x, %y : (tensor<4x1xi64>, tensor<5xi64>) -> tensor<4x5xi1>
  // CHECK: graph.compare le, %[[X]], %[[Y]]
  %le = graph.compare le, %x, %y : (tensor<4x1xi64>, tensor<5xi64>) -> tensor<4x5xi1>
  // CHECK: graph.compare gt, %[[X]], %[[Y]]
  %gt = graph.compare gt, %x, %y : (tensor<4x1xi64>, tensor<5xi64>) -> tensor<4x5xi1>
  // CHECK: graph.compare ge, %[[F]], %[[F]] : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xi1>
  %ge = graph.compare ge, %f, %f : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xi1>
  return
}

// CHECK-LABEL: func.func @where
// CHECK-SAME: (%[[M:.+]]: tensor<1x1x8x8xi1>, %[[X:.+]]: tensor<2x4x8x8xf32>, %[[N:.+]]: tensor<f32>)
func.func @where(%mask: tensor<1x1x8x8xi1>, %x: tensor<2x4x8x8xf32>,
                 %neg_inf: tensor<f32>) -> tensor<2x4x8x8xf32> {
  // CHECK: %[[Y:.+]] = graph.where %[[M]], %[[X]], %[[N]]
  // CHECK-SAME: : (tensor<1x1x8x8xi1>, tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %y = graph.where %mask, %x, %neg_inf
      : (tensor<1x1x8x8xi1>, tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<2x4x8x8xf32>
}

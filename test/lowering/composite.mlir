// RUN: strata-opt %s --strata-decompose --strata-lower-graph-to-linalg --split-input-file | FileCheck %s

// Grouped-query attention: the 4 query heads fold into [2 kv heads, 2 groups]
// and each key/value head is shared by reading its size-1 group dim at index 0;
// the causal mask (query i sees keys j <= i + Skv - Sq) is a constant.
// CHECK-DAG: #[[SHARED:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, 0, d4, d5)>
// CHECK-LABEL: func.func @gqa_causal
// CHECK-SAME: %[[Q:[^:]+]]: tensor<1x4x2x8xf32>, %[[K:[^:]+]]: tensor<1x2x3x8xf32>
// CHECK-DAG: arith.constant dense<{{\[}}[true, true, false], [true, true, true]]> : tensor<2x3xi1>
// CHECK-DAG: %[[QG:.+]] = tensor.expand_shape %[[Q]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 2, 8]
// CHECK-DAG: %[[KG:.+]] = tensor.expand_shape %[[K]] {{\[}}[0], [1], [2, 3], [4]] output_shape [1, 2, 1, 3, 8]
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[SHARED]], #{{.+}}]{{.*}} ins(%[[QG]], %[[KG]] :
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x2x2x3xf32> into tensor<1x4x2x3xf32>
// CHECK: math.exp
// CHECK-NOT: graph.
func.func @gqa_causal(%q: tensor<1x4x2x8xf32>, %k: tensor<1x2x3x8xf32>, %v: tensor<1x2x3x8xf32>) -> tensor<1x4x2x8xf32> {
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v {scale = 0.5 : f32, causal = true} : (tensor<1x4x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> (tensor<1x4x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x4x2x3xf32>)
  return %y : tensor<1x4x2x8xf32>
}

// -----

// Rotary: halves (a, b) of the rotated features become (a cos - b sin,
// b cos + a sin); the features past rotary_dim pass through.
// CHECK-LABEL: func.func @rotary_partial
// CHECK: tensor.extract_slice %{{.+}}[0, 0, 0, 0] [1, 2, 4, 2] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %{{.+}}[0, 0, 0, 2] [1, 2, 4, 2] [1, 1, 1, 1]
// CHECK: arith.subf
// CHECK: arith.addf
// CHECK: tensor.extract_slice %{{.+}}[0, 0, 0, 4] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: tensor.concat dim(3)
// CHECK-NOT: graph.
func.func @rotary_partial(%x: tensor<1x2x4x8xf32>, %c: tensor<1x4x2xf32>, %s: tensor<1x4x2xf32>) -> tensor<1x2x4x8xf32> {
  %0 = graph.rotary %x, %c, %s : (tensor<1x2x4x8xf32>, tensor<1x4x2xf32>, tensor<1x4x2xf32>) -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

// quantize: round(x / scale) + zero_point, clamped to the integer range, then
// converted; dequantize: (x - zero_point) * scale.
// CHECK-LABEL: func.func @quantize_roundtrip
// CHECK-DAG: arith.constant dense<-1.280000e+02> : tensor<f32>
// CHECK-DAG: arith.constant dense<1.270000e+02> : tensor<f32>
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.fptosi %{{.+}} : f32 to i8
// CHECK: arith.sitofp %{{.+}} : i8 to f32
// CHECK: arith.subf
// CHECK: arith.mulf
func.func @quantize_roundtrip(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4xf32> {
  %q = graph.quantize %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d = graph.dequantize %q, %s, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// layer_norm, decomposed and lowered: the mean is a sum divided by the count,
// the variance the mean of the squared deviations, and the statistics keep the
// normalised dimension.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>, %[[G:[^:]+]]: tensor<8xf32>, %[[B:[^:]+]]: tensor<8xf32>
// CHECK-DAG: %[[N:.+]] = arith.constant 8.000000e+00 : f32
// CHECK-DAG: %[[EPS:.+]] = arith.constant dense<9.99999974E-6> : tensor<f32>
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]] :
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[SUM]] :
// CHECK: arith.divf %{{.+}}, %[[N]]
// CHECK: %[[M:.+]] = tensor.expand_shape %[[MEAN]] {{\[}}[0, 1]] output_shape [2, 1]
// CHECK: %[[D:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[M]] :
// CHECK: arith.subf
// CHECK: %[[D2:.+]] = linalg.generic {{.*}} ins(%[[D]], %[[D]] :
// CHECK: %[[SQ:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[D2]] :
// CHECK: %[[VAR:.+]] = linalg.generic {{.*}} ins(%[[SQ]] :
// CHECK: arith.divf %{{.+}}, %[[N]]
// CHECK: %[[V:.+]] = tensor.expand_shape %[[VAR]]
// CHECK: %[[VE:.+]] = linalg.generic {{.*}} ins(%[[V]], %[[EPS]] :
// CHECK: %[[RSTD:.+]] = linalg.generic {{.*}} ins(%[[VE]] :
// CHECK: math.rsqrt
// CHECK: %[[NORM:.+]] = linalg.generic {{.*}} ins(%[[D]], %[[RSTD]] :
// CHECK: %[[SCALED:.+]] = linalg.generic {{.*}} ins(%[[NORM]], %[[G]] :
// CHECK: %[[Y:.+]] = linalg.generic {{.*}} ins(%[[SCALED]], %[[B]] :
// CHECK: return %[[Y]], %[[M]], %[[RSTD]]
func.func @layer_norm(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %y, %m, %r = graph.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %y, %m, %r : tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}

// -----

// rms_norm, decomposed and lowered: x * rsqrt(mean(x^2) + eps) * scale.
// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>, %[[G:[^:]+]]: tensor<8xf32>
// CHECK: %[[SQ:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[X]] :
// CHECK: arith.mulf
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[SQ]] :
// CHECK: %[[MS:.+]] = linalg.generic {{.*}} ins(%[[SUM]] :
// CHECK: arith.divf
// CHECK: %[[M:.+]] = tensor.expand_shape %[[MS]]
// CHECK: %[[V:.+]] = linalg.generic {{.*}} ins(%[[M]], %{{.+}} :
// CHECK: arith.addf
// CHECK: %[[RSTD:.+]] = linalg.generic {{.*}} ins(%[[V]] :
// CHECK: math.rsqrt
// CHECK: %[[NORM:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[RSTD]] :
// CHECK: linalg.generic {{.*}} ins(%[[NORM]], %[[G]] :
func.func @rms_norm(%x: tensor<2x8xf32>, %g: tensor<8xf32>) -> tensor<2x8xf32> {
  %0 = graph.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

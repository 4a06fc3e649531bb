// RUN: strata-opt %s --strata-decompose --split-input-file | FileCheck %s
// RUN: strata-opt %s --strata-decompose="keep=graph.attention,graph.rms_norm" --split-input-file | FileCheck %s --check-prefix=KEEP

// Grouped-query attention: the 4 query heads fold into [2 kv heads, 2 groups]
// and each key/value head, reshaped to a size-1 group, is shared through matmul
// batch broadcasting. The causal mask lets query i (of 2) see keys
// j <= i + Skv - Sq = i + 1 (of 3). A query whose keys are all masked gets zero
// probabilities instead of softmax's NaN.
// CHECK-LABEL: func.func @gqa_causal
// CHECK-SAME: %[[Q:[^:]+]]: tensor<1x4x2x8xf32>, %[[K:[^:]+]]: tensor<1x2x3x8xf32>, %[[V:[^:]+]]: tensor<1x2x3x8xf32>
// CHECK-DAG: %[[QG:.+]] = graph.reshape %[[Q]] : (tensor<1x4x2x8xf32>) -> tensor<1x2x2x2x8xf32>
// CHECK-DAG: %[[KG:.+]] = graph.reshape %[[K]] : (tensor<1x2x3x8xf32>) -> tensor<1x2x1x3x8xf32>
// CHECK-DAG: %[[VG:.+]] = graph.reshape %[[V]] : (tensor<1x2x3x8xf32>) -> tensor<1x2x1x3x8xf32>
// CHECK: %[[S:.+]] = graph.matmul %[[QG]], %[[KG]] {transpose_rhs = true} : (tensor<1x2x2x2x8xf32>, tensor<1x2x1x3x8xf32>) -> tensor<1x2x2x2x3xf32>
// CHECK: %[[S4:.+]] = graph.reshape %[[S]] : (tensor<1x2x2x2x3xf32>) -> tensor<1x4x2x3xf32>
// CHECK: %[[SCALE:.+]] = graph.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[SCALED:.+]] = graph.mul %[[S4]], %[[SCALE]]
// CHECK-DAG: %[[NEGINF:.+]] = graph.constant dense<0xFF800000> : tensor<f32>
// CHECK-DAG: %[[CAUSAL:.+]] = graph.constant dense<{{\[}}[true, true, false], [true, true, true]]> : tensor<2x3xi1>
// CHECK: %[[MASKED:.+]] = graph.where %[[CAUSAL]], %[[SCALED]], %[[NEGINF]]
// CHECK: %[[P:.+]] = graph.softmax %[[MASKED]] {axis = 3 : i64}
// CHECK: %[[ROWMAX:.+]] = graph.reduce max %[[MASKED]] {axes = array<i64: 3>} : (tensor<1x4x2x3xf32>) -> tensor<1x4x2x1xf32>
// CHECK: %[[NONE:.+]] = graph.compare eq, %[[ROWMAX]], %[[NEGINF]]
// CHECK: %[[ZERO:.+]] = graph.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[P0:.+]] = graph.where %[[NONE]], %[[ZERO]], %[[P]]
// CHECK: %[[PG:.+]] = graph.reshape %[[P0]] : (tensor<1x4x2x3xf32>) -> tensor<1x2x2x2x3xf32>
// CHECK: %[[Y:.+]] = graph.matmul %[[PG]], %[[VG]] : (tensor<1x2x2x2x3xf32>, tensor<1x2x1x3x8xf32>) -> tensor<1x2x2x2x8xf32>
// CHECK: %[[Y4:.+]] = graph.reshape %[[Y]] : (tensor<1x2x2x2x8xf32>) -> tensor<1x4x2x8xf32>
// CHECK: return %[[Y4]]
// KEEP-LABEL: func.func @gqa_causal
// KEEP: graph.attention
// KEEP-NOT: graph.matmul
func.func @gqa_causal(%q: tensor<1x4x2x8xf32>, %k: tensor<1x2x3x8xf32>, %v: tensor<1x2x3x8xf32>) -> tensor<1x4x2x8xf32> {
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v {scale = 0.5 : f32, causal = true} : (tensor<1x4x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> (tensor<1x4x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x4x2x3xf32>)
  return %y : tensor<1x4x2x8xf32>
}

// -----

// Without zero_masked_rows (attention raised from an export's primitives) the
// probabilities are the softmax's, NaN rows and all: no guard.
// CHECK-LABEL: func.func @masked_rows_kept
// CHECK: %[[MASKED:.+]] = graph.where
// CHECK: %[[P:.+]] = graph.softmax %[[MASKED]] {axis = 3 : i64}
// CHECK-NOT: graph.reduce
// CHECK: graph.matmul %[[P]]
func.func @masked_rows_kept(%q: tensor<1x2x2x8xf32>, %k: tensor<1x2x3x8xf32>, %v: tensor<1x2x3x8xf32>, %m: tensor<1x1x2x3xi1>) -> tensor<1x2x2x8xf32> {
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v mask %m {scale = 0.5 : f32, zero_masked_rows = false} : (tensor<1x2x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x1x2x3xi1>) -> (tensor<1x2x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x2x3xf32>)
  return %y : tensor<1x2x2x8xf32>
}

// -----

// With a KV cache the keys and values are the past concatenated in front of
// the new ones, and those concatenations are present_key and present_value.
// CHECK-LABEL: func.func @kv_cache
// CHECK-SAME: %[[K:[^:]+]]: tensor<1x2x1x8xf32>, %[[V:[^:]+]]: tensor<1x2x1x8xf32>, %[[PK:[^:]+]]: tensor<1x2x3x8xf32>, %[[PV:[^:]+]]: tensor<1x2x3x8xf32>
// CHECK-DAG: %[[KEYS:.+]] = graph.concat %[[PK]], %[[K]] {axis = 2 : i64} : (tensor<1x2x3x8xf32>, tensor<1x2x1x8xf32>) -> tensor<1x2x4x8xf32>
// CHECK-DAG: %[[VALUES:.+]] = graph.concat %[[PV]], %[[V]] {axis = 2 : i64} : (tensor<1x2x3x8xf32>, tensor<1x2x1x8xf32>) -> tensor<1x2x4x8xf32>
// CHECK: graph.matmul %{{.+}}, %[[KEYS]] {transpose_rhs = true}
// CHECK: %[[Y:.+]] = graph.matmul %{{.+}}, %[[VALUES]]
// CHECK: return %[[Y]], %[[KEYS]], %[[VALUES]]
func.func @kv_cache(%q: tensor<1x2x1x8xf32>, %k: tensor<1x2x1x8xf32>, %v: tensor<1x2x1x8xf32>, %pk0: tensor<1x2x3x8xf32>, %pv0: tensor<1x2x3x8xf32>) -> (tensor<1x2x1x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) {
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v past %pk0, %pv0 {scale = 0.5 : f32} : (tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> (tensor<1x2x1x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x1x4xf32>)
  return %y, %pk, %pv : tensor<1x2x1x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
}

// -----

// Rotary embedding on the first 4 of 8 features: halves (a, b) = x[0:2],
// x[2:4] become (a cos - b sin, b cos + a sin), with the [1, 4, 2] tables
// reshaped to broadcast over the heads; x[4:8] passes through.
// CHECK-LABEL: func.func @rotary_partial
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x2x4x8xf32>, %[[C:[^:]+]]: tensor<1x4x2xf32>, %[[S:[^:]+]]: tensor<1x4x2xf32>
// CHECK-DAG: %[[COS:.+]] = graph.reshape %[[C]] : (tensor<1x4x2xf32>) -> tensor<1x1x4x2xf32>
// CHECK-DAG: %[[SIN:.+]] = graph.reshape %[[S]] : (tensor<1x4x2xf32>) -> tensor<1x1x4x2xf32>
// CHECK-DAG: %[[A:.+]] = graph.slice %[[X]] {limit = array<i64: 1, 2, 4, 2>, start = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1, 1, 1>}
// CHECK-DAG: %[[B:.+]] = graph.slice %[[X]] {limit = array<i64: 1, 2, 4, 4>, start = array<i64: 0, 0, 0, 2>, stride = array<i64: 1, 1, 1, 1>}
// CHECK-DAG: %[[BSIN:.+]] = graph.mul %[[B]], %[[SIN]]
// CHECK-DAG: %[[ACOS:.+]] = graph.mul %[[A]], %[[COS]]
// CHECK-DAG: %[[RA:.+]] = graph.sub %[[ACOS]], %[[BSIN]]
// CHECK-DAG: %[[ASIN:.+]] = graph.mul %[[A]], %[[SIN]]
// CHECK-DAG: %[[BCOS:.+]] = graph.mul %[[B]], %[[COS]]
// CHECK-DAG: %[[RB:.+]] = graph.add %[[BCOS]], %[[ASIN]]
// CHECK: %[[ROT:.+]] = graph.concat %[[RA]], %[[RB]] {axis = 3 : i64}
// CHECK: %[[REST:.+]] = graph.slice %[[X]] {limit = array<i64: 1, 2, 4, 8>, start = array<i64: 0, 0, 0, 4>, stride = array<i64: 1, 1, 1, 1>}
// CHECK: %[[Y:.+]] = graph.concat %[[ROT]], %[[REST]] {axis = 3 : i64}
// CHECK: return %[[Y]]
func.func @rotary_partial(%x: tensor<1x2x4x8xf32>, %c: tensor<1x4x2xf32>, %s: tensor<1x4x2xf32>) -> tensor<1x2x4x8xf32> {
  %0 = graph.rotary %x, %c, %s : (tensor<1x2x4x8xf32>, tensor<1x4x2xf32>, tensor<1x4x2xf32>) -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

// layer_norm: the mean and the mean of squared deviations keep the normalised
// dimension as 1, rsqrt(variance + epsilon) is the third result, and
// (x - mean) * rstd * scale + bias the first.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>, %[[G:[^:]+]]: tensor<8xf32>, %[[B:[^:]+]]: tensor<8xf32>
// CHECK: %[[MEAN:.+]] = graph.reduce mean %[[X]] {axes = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
// CHECK: %[[D:.+]] = graph.sub %[[X]], %[[MEAN]] : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
// CHECK: %[[D2:.+]] = graph.mul %[[D]], %[[D]]
// CHECK: %[[VAR:.+]] = graph.reduce mean %[[D2]] {axes = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
// CHECK: %[[EPS:.+]] = graph.constant dense<9.99999974E-6> : tensor<f32>
// CHECK: %[[VE:.+]] = graph.add %[[VAR]], %[[EPS]]
// CHECK: %[[RSTD:.+]] = graph.rsqrt %[[VE]] : tensor<2x1xf32>
// CHECK: %[[N:.+]] = graph.mul %[[D]], %[[RSTD]]
// CHECK: %[[SC:.+]] = graph.mul %[[N]], %[[G]]
// CHECK: %[[Y:.+]] = graph.add %[[SC]], %[[B]]
// CHECK: return %[[Y]], %[[MEAN]], %[[RSTD]]
func.func @layer_norm(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %y, %m, %r = graph.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %y, %m, %r : tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}

// -----

// rms_norm over a dynamic leading dimension: x * rsqrt(mean(x^2) + epsilon)
// * scale.
// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x8xf32>, %[[G:[^:]+]]: tensor<8xf32>
// CHECK: %[[SQ:.+]] = graph.mul %[[X]], %[[X]] : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
// CHECK: %[[MS:.+]] = graph.reduce mean %[[SQ]] {axes = array<i64: 1>} : (tensor<?x8xf32>) -> tensor<?x1xf32>
// CHECK: %[[EPS:.+]] = graph.constant dense<9.99999997E-7> : tensor<f32>
// CHECK: %[[V:.+]] = graph.add %[[MS]], %[[EPS]]
// CHECK: %[[RSTD:.+]] = graph.rsqrt %[[V]] : tensor<?x1xf32>
// CHECK: %[[N:.+]] = graph.mul %[[X]], %[[RSTD]]
// CHECK: %[[Y:.+]] = graph.mul %[[N]], %[[G]]
// CHECK: return %[[Y]]
// KEEP-LABEL: func.func @rms_norm
// KEEP: graph.rms_norm
// KEEP-NOT: graph.reduce
func.func @rms_norm(%x: tensor<?x8xf32>, %g: tensor<8xf32>) -> tensor<?x8xf32> {
  %0 = graph.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32} : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// quantize: round(x / scale) + zero_point clamped to [0, 255] (ui8), then
// converted; dequantize: (x - zero_point) * scale. Integer types keep their
// signedness here (strata-convert-to-signless runs later).
// CHECK-LABEL: func.func @quantize_roundtrip
// CHECK-SAME: %[[X:[^:]+]]: tensor<4xf32>, %[[S:[^:]+]]: tensor<f32>, %[[Z:[^:]+]]: tensor<ui8>
// CHECK: %[[DIV:.+]] = graph.div %[[X]], %[[S]]
// CHECK: %[[R:.+]] = graph.round %[[DIV]]
// CHECK: %[[ZF:.+]] = graph.cast %[[Z]] : tensor<ui8> -> tensor<f32>
// CHECK: %[[SHIFTED:.+]] = graph.add %[[R]], %[[ZF]]
// CHECK-DAG: %[[HI:.+]] = graph.constant dense<2.550000e+02> : tensor<f32>
// CHECK-DAG: %[[LO:.+]] = graph.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[MAX:.+]] = graph.max %[[SHIFTED]], %[[LO]]
// CHECK: %[[MIN:.+]] = graph.min %[[MAX]], %[[HI]]
// CHECK: %[[QUANT:.+]] = graph.cast %[[MIN]] : tensor<4xf32> -> tensor<4xui8>
// CHECK: %[[QF:.+]] = graph.cast %[[QUANT]] : tensor<4xui8> -> tensor<4xf32>
// CHECK: %[[ZF2:.+]] = graph.cast %[[Z]] : tensor<ui8> -> tensor<f32>
// CHECK: %[[CENTRED:.+]] = graph.sub %[[QF]], %[[ZF2]]
// CHECK: %[[OUT:.+]] = graph.mul %[[CENTRED]], %[[S]]
// CHECK: return %[[OUT]]
// KEEP-LABEL: func.func @quantize_roundtrip
// KEEP-NOT: graph.quantize
// KEEP-NOT: graph.dequantize
// KEEP: return
func.func @quantize_roundtrip(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<4xf32> {
  %q = graph.quantize %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<ui8>) -> tensor<4xui8>
  %d = graph.dequantize %q, %s, %z : (tensor<4xui8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// After strata-convert-to-signless the casts take the signedness from the
// composites' attributes.
// CHECK-LABEL: func.func @quantize_signless
// CHECK: graph.cast %{{.+}} {result_unsigned} : tensor<4xf32> -> tensor<4xi8>
// CHECK: graph.cast %{{.+}} {input_unsigned} : tensor<4xi8> -> tensor<4xf32>
func.func @quantize_signless(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xf32> {
  %q = graph.quantize %x, %s {is_unsigned} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi8>
  %d = graph.dequantize %q, %s {is_unsigned} : (tensor<4xi8>, tensor<f32>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Grouped-query, causal attention over a cache with dynamic batch, sequence
// and past lengths: the group reshapes read their shape at run time and the
// causal mask compares ranges (key j <= query i + Skv - Sq).
// CHECK-LABEL: func.func @gqa_causal_dynamic
// CHECK: %[[K:.+]] = graph.concat %{{.+}}, %{{.+}} {axis = 2 : i64} : (tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32>
// CHECK: %[[QSHAPE:.+]] = graph.concat {{.+}} -> tensor<5xi64>
// CHECK: %[[QG:.+]] = graph.reshape %{{.+}}, %[[QSHAPE]] : (tensor<?x4x?x8xf32>, tensor<5xi64>) -> tensor<?x2x2x?x8xf32>
// CHECK: %[[KG:.+]] = graph.reshape %[[K]], %{{.+}} : (tensor<?x2x?x8xf32>, tensor<5xi64>) -> tensor<?x2x1x?x8xf32>
// CHECK: graph.matmul %[[QG]], %[[KG]] {transpose_rhs = true} : (tensor<?x2x2x?x8xf32>, tensor<?x2x1x?x8xf32>) -> tensor<?x2x2x?x?xf32>
// CHECK: %[[ROWS:.+]] = graph.range %{{.+}}, %{{.+}}, %{{.+}} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
// CHECK: %[[COLS:.+]] = graph.range
// CHECK: %[[OFFSET:.+]] = graph.sub
// CHECK: %[[FRONTIER:.+]] = graph.add %{{.+}}, %[[OFFSET]] : (tensor<?x1xi64>, tensor<i64>) -> tensor<?x1xi64>
// CHECK: %[[CAUSAL:.+]] = graph.compare le, %[[COLS]], %[[FRONTIER]] : (tensor<?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
// CHECK: graph.where %[[CAUSAL]]
// CHECK: graph.softmax
func.func @gqa_causal_dynamic(%q: tensor<?x4x?x8xf32>, %k: tensor<?x2x?x8xf32>, %v: tensor<?x2x?x8xf32>, %pk: tensor<?x2x?x8xf32>, %pv: tensor<?x2x?x8xf32>) -> (tensor<?x4x?x8xf32>, tensor<?x2x?x8xf32>) {
  %y, %pk1, %pv1, %qk = graph.attention %q, %k, %v past %pk, %pv {scale = 0.5 : f32, causal = true} : (tensor<?x4x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>) -> (tensor<?x4x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x4x?x?xf32>)
  return %y, %pk1 : tensor<?x4x?x8xf32>, tensor<?x2x?x8xf32>
}

// -----

// Rotary embedding over a dynamic batch and sequence: the tables are reshaped
// with a run-time shape and the slices keep the dynamic dimensions whole.
// CHECK-LABEL: func.func @rotary_dynamic
// CHECK: %[[COS:.+]] = graph.reshape %{{.+}}, %{{.+}} : (tensor<?x?x4xf32>, tensor<4xi64>) -> tensor<?x1x?x4xf32>
// CHECK: graph.slice %{{.+}} {limit = array<i64: -1, 2, -1, 4>, start = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1, 1, 1>} : (tensor<?x2x?x8xf32>) -> tensor<?x2x?x4xf32>
// CHECK: graph.concat
func.func @rotary_dynamic(%x: tensor<?x2x?x8xf32>, %c: tensor<?x?x4xf32>, %s: tensor<?x?x4xf32>) -> tensor<?x2x?x8xf32> {
  %0 = graph.rotary %x, %c, %s : (tensor<?x2x?x8xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>) -> tensor<?x2x?x8xf32>
  return %0 : tensor<?x2x?x8xf32>
}

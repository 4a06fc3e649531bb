// RUN: strata-opt %s | strata-opt | FileCheck %s
// RUN: strata-opt %s --mlir-print-op-generic | strata-opt | FileCheck %s

// Round trip of every op in StructuralOps.td through the custom assembly format,
// and once through the generic form.

// CHECK-LABEL: func.func @constant
func.func @constant() -> (tensor<4xi64>, tensor<f32>, tensor<2x2xi1>) {
  // CHECK-DAG: %[[SHAPE:.+]] = graph.constant dense<[1, 128, 12, 64]> : tensor<4xi64>
  // CHECK-DAG: %[[SCALAR:.+]] = graph.constant dense<-1.000000e+00> : tensor<f32>
  // CHECK-DAG: %[[MASK:.+]] = graph.constant dense<{{\[}}[true, false], [true, true]]> : tensor<2x2xi1>
  %shape = graph.constant dense<[1, 128, 12, 64]> : tensor<4xi64>
  %scalar = graph.constant dense<-1.0> : tensor<f32>
  %mask = graph.constant dense<[[true, false], [true, true]]> : tensor<2x2xi1>
  // CHECK: return %[[SHAPE]], %[[SCALAR]], %[[MASK]]
  return %shape, %scalar, %mask : tensor<4xi64>, tensor<f32>, tensor<2x2xi1>
}

// CHECK-LABEL: func.func @shape_of
// CHECK-SAME: (%[[X:.+]]: tensor<?x128xf32>, %[[S:.+]]: tensor<f32>)
func.func @shape_of(%x: tensor<?x128xf32>, %s: tensor<f32>) {
  // CHECK: graph.shape_of %[[X]] : tensor<?x128xf32> -> tensor<2xi64>
  %shape = graph.shape_of %x : tensor<?x128xf32> -> tensor<2xi64>
  // CHECK: graph.shape_of %[[X]] : tensor<?x128xf32> -> tensor<?xi64>
  %unknown = graph.shape_of %x : tensor<?x128xf32> -> tensor<?xi64>
  // CHECK: graph.shape_of %[[S]] : tensor<f32> -> tensor<0xi64>
  %empty = graph.shape_of %s : tensor<f32> -> tensor<0xi64>
  return
}

// CHECK-LABEL: func.func @fill
// CHECK-SAME: (%[[SHAPE:.+]]: tensor<2xi64>)
func.func @fill(%shape: tensor<2xi64>) {
  // CHECK: graph.fill %[[SHAPE]] {value = dense<0.000000e+00> : tensor<1xf32>}
  // CHECK-SAME: : (tensor<2xi64>) -> tensor<?x64xf32>
  %z = graph.fill %shape {value = dense<0.0> : tensor<1xf32>}
      : (tensor<2xi64>) -> tensor<?x64xf32>
  // CHECK: graph.fill %[[SHAPE]] {value = dense<7> : tensor<i64>}
  // CHECK-SAME: : (tensor<2xi64>) -> tensor<?x?xi64>
  %s = graph.fill %shape {value = dense<7> : tensor<i64>} : (tensor<2xi64>) -> tensor<?x?xi64>
  return
}

// CHECK-LABEL: func.func @range
// CHECK-SAME: (%[[START:.+]]: tensor<i64>, %[[LIMIT:.+]]: tensor<i64>, %[[DELTA:.+]]: tensor<i64>, %[[F:.+]]: tensor<f32>)
func.func @range(%start: tensor<i64>, %limit: tensor<i64>, %delta: tensor<i64>,
                 %f: tensor<f32>) {
  // CHECK: graph.range %[[START]], %[[LIMIT]], %[[DELTA]]
  // CHECK-SAME: : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %r = graph.range %start, %limit, %delta
      : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  // CHECK: graph.range %[[F]], %[[F]], %[[F]] : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<8xf32>
  %rf = graph.range %f, %f, %f : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<8xf32>
  return
}

// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.+]]: tensor<1x128x768xf32>, %[[D:.+]]: tensor<?x768xf32>, %[[S:.+]]: tensor<3xi64>, %[[E:.+]]: tensor<0x4xf32>, %[[S2:.+]]: tensor<2xi64>)
func.func @reshape(%x: tensor<1x128x768xf32>, %d: tensor<?x768xf32>, %s: tensor<3xi64>,
                   %e: tensor<0x4xf32>, %s2: tensor<2xi64>) {
  // CHECK: graph.reshape %[[X]] : (tensor<1x128x768xf32>) -> tensor<1x128x12x64xf32>
  %static = graph.reshape %x : (tensor<1x128x768xf32>) -> tensor<1x128x12x64xf32>
  // CHECK: graph.reshape %[[X]] : (tensor<1x128x768xf32>) -> tensor<?x64xf32>
  %inferred = graph.reshape %x : (tensor<1x128x768xf32>) -> tensor<?x64xf32>
  // CHECK: graph.reshape %[[D]] : (tensor<?x768xf32>) -> tensor<?x12x64xf32>
  %dynamic = graph.reshape %d : (tensor<?x768xf32>) -> tensor<?x12x64xf32>
  // CHECK: graph.reshape %[[D]], %[[S]] : (tensor<?x768xf32>, tensor<3xi64>) -> tensor<?x12x64xf32>
  %runtime = graph.reshape %d, %s : (tensor<?x768xf32>, tensor<3xi64>) -> tensor<?x12x64xf32>
  // CHECK: graph.reshape %[[D]], %[[S]] : (tensor<?x768xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %all = graph.reshape %d, %s : (tensor<?x768xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  // With a shape operand, a zero dimension leaves the others to the operand.
  // CHECK: graph.reshape %[[E]], %[[S2]] : (tensor<0x4xf32>, tensor<2xi64>) -> tensor<?x0xf32>
  %empty = graph.reshape %e, %s2 : (tensor<0x4xf32>, tensor<2xi64>) -> tensor<?x0xf32>
  return
}

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.+]]: tensor<1x128x12x64xf32>, %[[D:.+]]: tensor<?x4xi64>)
func.func @transpose(%x: tensor<1x128x12x64xf32>, %d: tensor<?x4xi64>) {
  // CHECK: graph.transpose %[[X]] {permutation = array<i64: 0, 2, 1, 3>}
  // CHECK-SAME: : (tensor<1x128x12x64xf32>) -> tensor<1x12x128x64xf32>
  %t = graph.transpose %x {permutation = array<i64: 0, 2, 1, 3>}
      : (tensor<1x128x12x64xf32>) -> tensor<1x12x128x64xf32>
  // CHECK: graph.transpose %[[D]] {permutation = array<i64: 1, 0>} : (tensor<?x4xi64>) -> tensor<4x?xi64>
  %dt = graph.transpose %d {permutation = array<i64: 1, 0>} : (tensor<?x4xi64>) -> tensor<4x?xi64>
  return
}

// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.+]]: tensor<2x128xf32>, %[[D:.+]]: tensor<?x10xi64>)
func.func @slice(%x: tensor<2x128xf32>, %d: tensor<?x10xi64>) {
  // CHECK: graph.slice %[[X]] {limit = array<i64: 2, 128>, start = array<i64: 0, 64>, stride = array<i64: 1, 1>}
  // CHECK-SAME: : (tensor<2x128xf32>) -> tensor<2x64xf32>
  %half = graph.slice %x {start = array<i64: 0, 64>, limit = array<i64: 2, 128>,
                          stride = array<i64: 1, 1>} : (tensor<2x128xf32>) -> tensor<2x64xf32>
  // A dynamic dimension is kept whole; a negative stride walks backwards.
  // CHECK: graph.slice %[[D]] {limit = array<i64: -1, -1>, start = array<i64: 0, 9>, stride = array<i64: 1, -3>}
  // CHECK-SAME: : (tensor<?x10xi64>) -> tensor<?x4xi64>
  %rev = graph.slice %d {start = array<i64: 0, 9>, limit = array<i64: -1, -1>,
                         stride = array<i64: 1, -3>} : (tensor<?x10xi64>) -> tensor<?x4xi64>
  return
}

// CHECK-LABEL: func.func @dynamic_slice
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x1024x1024xf32>, %[[B:.+]]: tensor<1xi64>, %[[E:.+]]: tensor<1xi64>, %[[A:.+]]: tensor<1xi64>, %[[ST:.+]]: tensor<1xi32>)
func.func @dynamic_slice(%x: tensor<1x1x1024x1024xf32>, %b: tensor<1xi64>,
                         %e: tensor<1xi64>, %a: tensor<1xi64>, %st: tensor<1xi32>) {
  // CHECK: graph.dynamic_slice %[[X]], %[[B]], %[[E]], %[[A]]
  // CHECK-SAME: : (tensor<1x1x1024x1024xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x1x?x1024xf32>
  %axes = graph.dynamic_slice %x, %b, %e, %a
      : (tensor<1x1x1024x1024xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>)
      -> tensor<1x1x?x1024xf32>
  // CHECK: graph.dynamic_slice %[[X]], %[[B]], %[[E]]
  // CHECK-SAME: : (tensor<1x1x1024x1024xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1x1024x1024xf32>
  %leading = graph.dynamic_slice %x, %b, %e
      : (tensor<1x1x1024x1024xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1x1024x1024xf32>
  // CHECK: graph.dynamic_slice %[[X]], %[[B]], %[[E]], %[[A]] steps %[[ST]]
  // CHECK-SAME: : (tensor<1x1x1024x1024xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi32>) -> tensor<?x?x?x?xf32>
  %strided = graph.dynamic_slice %x, %b, %e, %a steps %st
      : (tensor<1x1x1024x1024xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi32>)
      -> tensor<?x?x?x?xf32>
  // Steps without axes: the axes default to 0..n-1.
  // CHECK: graph.dynamic_slice %[[X]], %[[B]], %[[E]] steps %[[ST]]
  // CHECK-SAME: : (tensor<1x1x1024x1024xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi32>) -> tensor<?x1x1024x1024xf32>
  %steps_only = graph.dynamic_slice %x, %b, %e steps %st
      : (tensor<1x1x1024x1024xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi32>)
      -> tensor<?x1x1024x1024xf32>
  return
}

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[PAST:.+]]: tensor<1x12x7x64xf32>, %[[NEW:.+]]: tensor<1x12x1x64xf32>, %[[D:.+]]: tensor<1x12x?x64xf32>)
func.func @concat(%past: tensor<1x12x7x64xf32>, %new: tensor<1x12x1x64xf32>,
                  %d: tensor<1x12x?x64xf32>) {
  // CHECK: graph.concat %[[PAST]], %[[NEW]] {axis = 2 : i64}
  // CHECK-SAME: : (tensor<1x12x7x64xf32>, tensor<1x12x1x64xf32>) -> tensor<1x12x8x64xf32>
  %kv = graph.concat %past, %new {axis = 2 : i64}
      : (tensor<1x12x7x64xf32>, tensor<1x12x1x64xf32>) -> tensor<1x12x8x64xf32>
  // CHECK: graph.concat %[[D]], %[[NEW]], %[[PAST]] {axis = 2 : i64}
  // CHECK-SAME: -> tensor<1x12x?x64xf32>
  %dyn = graph.concat %d, %new, %past {axis = 2 : i64}
      : (tensor<1x12x?x64xf32>, tensor<1x12x1x64xf32>, tensor<1x12x7x64xf32>)
      -> tensor<1x12x?x64xf32>
  // CHECK: graph.concat %[[NEW]] {axis = 0 : i64} : (tensor<1x12x1x64xf32>) -> tensor<1x12x1x64xf32>
  %one = graph.concat %new {axis = 0 : i64} : (tensor<1x12x1x64xf32>) -> tensor<1x12x1x64xf32>
  return
}

// CHECK-LABEL: func.func @split
// CHECK-SAME: (%[[QKV:.+]]: tensor<1x128x2304xf32>, %[[D:.+]]: tensor<?x6xi64>)
func.func @split(%qkv: tensor<1x128x2304xf32>, %d: tensor<?x6xi64>) {
  // CHECK: %[[Q:.+]]:3 = graph.split %[[QKV]] {axis = 2 : i64, sizes = array<i64: 768, 768, 768>}
  // CHECK-SAME: : (tensor<1x128x2304xf32>) -> (tensor<1x128x768xf32>, tensor<1x128x768xf32>, tensor<1x128x768xf32>)
  %q, %k, %v = graph.split %qkv {axis = 2 : i64, sizes = array<i64: 768, 768, 768>}
      : (tensor<1x128x2304xf32>)
      -> (tensor<1x128x768xf32>, tensor<1x128x768xf32>, tensor<1x128x768xf32>)
  // CHECK: graph.split %[[D]] {axis = 1 : i64, sizes = array<i64: 2, 4>}
  // CHECK-SAME: : (tensor<?x6xi64>) -> (tensor<?x2xi64>, tensor<?x4xi64>)
  %a, %b = graph.split %d {axis = 1 : i64, sizes = array<i64: 2, 4>}
      : (tensor<?x6xi64>) -> (tensor<?x2xi64>, tensor<?x4xi64>)
  return
}

// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[WTE:.+]]: tensor<50257x768xf32>, %[[IDS:.+]]: tensor<1x128xi64>, %[[I:.+]]: tensor<i32>)
func.func @gather(%wte: tensor<50257x768xf32>, %ids: tensor<1x128xi64>, %i: tensor<i32>) {
  // CHECK: graph.gather %[[WTE]], %[[IDS]] {axis = 0 : i64}
  // CHECK-SAME: : (tensor<50257x768xf32>, tensor<1x128xi64>) -> tensor<1x128x768xf32>
  %e = graph.gather %wte, %ids {axis = 0 : i64}
      : (tensor<50257x768xf32>, tensor<1x128xi64>) -> tensor<1x128x768xf32>
  // CHECK: graph.gather %[[WTE]], %[[I]] {axis = 1 : i64} : (tensor<50257x768xf32>, tensor<i32>) -> tensor<50257xf32>
  %col = graph.gather %wte, %i {axis = 1 : i64} : (tensor<50257x768xf32>, tensor<i32>) -> tensor<50257xf32>
  return
}

// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: (%[[X:.+]]: tensor<8x50257xf32>, %[[T:.+]]: tensor<8x1xi64>, %[[D:.+]]: tensor<?x4xf32>, %[[I:.+]]: tensor<3x?xi32>)
func.func @gather_elements(%x: tensor<8x50257xf32>, %t: tensor<8x1xi64>, %d: tensor<?x4xf32>,
                           %i: tensor<3x?xi32>) {
  // CHECK: graph.gather_elements %[[X]], %[[T]] {axis = 1 : i64}
  // CHECK-SAME: : (tensor<8x50257xf32>, tensor<8x1xi64>) -> tensor<8x1xf32>
  %y = graph.gather_elements %x, %t {axis = 1 : i64}
      : (tensor<8x50257xf32>, tensor<8x1xi64>) -> tensor<8x1xf32>
  // CHECK: graph.gather_elements %[[X]], %[[T]] {axis = 0 : i64}
  // CHECK-SAME: : (tensor<8x50257xf32>, tensor<8x1xi64>) -> tensor<8x1xf32>
  %z = graph.gather_elements %x, %t {axis = 0 : i64}
      : (tensor<8x50257xf32>, tensor<8x1xi64>) -> tensor<8x1xf32>
  // CHECK: graph.gather_elements %[[D]], %[[I]] {axis = 0 : i64}
  // CHECK-SAME: : (tensor<?x4xf32>, tensor<3x?xi32>) -> tensor<3x2xf32>
  %w = graph.gather_elements %d, %i {axis = 0 : i64}
      : (tensor<?x4xf32>, tensor<3x?xi32>) -> tensor<3x2xf32>
  return
}

// CHECK-LABEL: func.func @broadcast
// CHECK-SAME: (%[[B:.+]]: tensor<768xf32>, %[[S:.+]]: tensor<3xi64>, %[[D:.+]]: tensor<?x1xi1>)
func.func @broadcast(%b: tensor<768xf32>, %s: tensor<3xi64>, %d: tensor<?x1xi1>) {
  // CHECK: graph.broadcast %[[B]] : (tensor<768xf32>) -> tensor<1x128x768xf32>
  %y = graph.broadcast %b : (tensor<768xf32>) -> tensor<1x128x768xf32>
  // CHECK: graph.broadcast %[[B]], %[[S]] : (tensor<768xf32>, tensor<3xi64>) -> tensor<?x?x768xf32>
  %r = graph.broadcast %b, %s : (tensor<768xf32>, tensor<3xi64>) -> tensor<?x?x768xf32>
  // CHECK: graph.broadcast %[[D]], %[[S]] : (tensor<?x1xi1>, tensor<3xi64>) -> tensor<2x?x?xi1>
  %m = graph.broadcast %d, %s : (tensor<?x1xi1>, tensor<3xi64>) -> tensor<2x?x?xi1>
  return
}

// CHECK-LABEL: func.func @tile
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[R:.+]]: tensor<2xi64>)
func.func @tile(%x: tensor<2x3xf32>, %reps: tensor<2xi64>) {
  // CHECK: graph.tile %[[X]], %[[R]] : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
  %y = graph.tile %x, %reps : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
  // CHECK: graph.tile %[[X]], %[[R]] : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %z = graph.tile %x, %reps : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// CHECK-LABEL: func.func @trilu
// CHECK-SAME: (%[[X:.+]]: tensor<128x128xf32>, %[[K:.+]]: tensor<i64>, %[[B:.+]]: tensor<2x?x?xi1>)
func.func @trilu(%x: tensor<128x128xf32>, %k: tensor<i64>, %b: tensor<2x?x?xi1>) {
  // CHECK: graph.trilu %[[X]] {upper = false} : tensor<128x128xf32>
  %lower = graph.trilu %x {upper = false, k = 0 : i64} : tensor<128x128xf32>
  // CHECK: graph.trilu %[[X]] {k = -1 : i64} : tensor<128x128xf32>
  %upper = graph.trilu %x {k = -1 : i64} : tensor<128x128xf32>
  // CHECK: graph.trilu %[[B]], %[[K]] : tensor<i64> : tensor<2x?x?xi1>
  %runtime = graph.trilu %b, %k : tensor<i64> : tensor<2x?x?xi1>
  return
}

// CHECK-LABEL: func.func @cumsum
// CHECK-SAME: (%[[X:.+]]: tensor<2x8xf32>, %[[A:.+]]: tensor<1xi32>, %[[I:.+]]: tensor<?xi64>)
func.func @cumsum(%x: tensor<2x8xf32>, %a: tensor<1xi32>, %i: tensor<?xi64>) {
  // CHECK: graph.cumsum %[[X]] {axis = 1 : i64} : tensor<2x8xf32>
  %y = graph.cumsum %x {axis = 1 : i64} : tensor<2x8xf32>
  // CHECK: graph.cumsum %[[X]] {exclusive = true, reverse = true} : tensor<2x8xf32>
  %z = graph.cumsum %x {exclusive = true, reverse = true} : tensor<2x8xf32>
  // CHECK: graph.cumsum %[[I]], %[[A]] : tensor<1xi32> : tensor<?xi64>
  %w = graph.cumsum %i, %a : tensor<1xi32> : tensor<?xi64>
  return
}

// CHECK-LABEL: func.func @scatter_add
// CHECK-SAME: (%[[U:.+]]: tensor<3x4xf32>, %[[I:.+]]: tensor<3xi64>, %[[D:.+]]: tensor<?x4xf32>, %[[J:.+]]: tensor<?xi32>)
func.func @scatter_add(%u: tensor<3x4xf32>, %i: tensor<3xi64>, %d: tensor<?x4xf32>, %j: tensor<?xi32>) {
  // CHECK: graph.scatter_add %[[U]], %[[I]] {rows = 5 : i64} : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<5x4xf32>
  %y = graph.scatter_add %u, %i {rows = 5 : i64} : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<5x4xf32>
  // CHECK: graph.scatter_add %[[D]], %[[J]] {rows = 2 : i64} : (tensor<?x4xf32>, tensor<?xi32>) -> tensor<2x4xf32>
  %z = graph.scatter_add %d, %j {rows = 2 : i64} : (tensor<?x4xf32>, tensor<?xi32>) -> tensor<2x4xf32>
  return
}

// CHECK-LABEL: func.func @cache_write
// CHECK-SAME: (%[[C:.+]]: tensor<?x2x?x16xf32>, %[[N:.+]]: tensor<?x2x1x16xf32>, %[[L:.+]]: tensor<?xi64>, %[[S:.+]]: tensor<2x5x8xf16>, %[[M:.+]]: tensor<2x2x8xf16>, %[[K:.+]]: tensor<2xi32>)
func.func @cache_write(%c: tensor<?x2x?x16xf32>, %n: tensor<?x2x1x16xf32>, %l: tensor<?xi64>,
                       %s: tensor<2x5x8xf16>, %m: tensor<2x2x8xf16>, %k: tensor<2xi32>) {
  // CHECK: graph.cache_write %[[C]], %[[N]], %[[L]] {axis = 2 : i64} : (tensor<?x2x?x16xf32>, tensor<?x2x1x16xf32>, tensor<?xi64>) -> tensor<?x2x?x16xf32>
  %y = graph.cache_write %c, %n, %l {axis = 2 : i64} : (tensor<?x2x?x16xf32>, tensor<?x2x1x16xf32>, tensor<?xi64>) -> tensor<?x2x?x16xf32>
  // CHECK: graph.cache_write %[[S]], %[[M]], %[[K]] {axis = 1 : i64} : (tensor<2x5x8xf16>, tensor<2x2x8xf16>, tensor<2xi32>) -> tensor<2x5x8xf16>
  %z = graph.cache_write %s, %m, %k {axis = 1 : i64} : (tensor<2x5x8xf16>, tensor<2x2x8xf16>, tensor<2xi32>) -> tensor<2x5x8xf16>
  return
}

// CHECK-LABEL: func.func @check_range
// CHECK-SAME: (%[[V:.+]]: tensor<?xi32>, %[[L:.+]]: tensor<i64>, %[[W:.+]]: tensor<4xi64>, %[[M:.+]]: tensor<1xi32>)
func.func @check_range(%v: tensor<?xi32>, %l: tensor<i64>, %w: tensor<4xi64>, %m: tensor<1xi32>) {
  // CHECK: graph.check_range %[[V]], %[[L]] {message = "seqlens_k holds a value outside [0, total_sequence_length)"} : (tensor<?xi32>, tensor<i64>) -> tensor<?xi32>
  %a = graph.check_range %v, %l {message = "seqlens_k holds a value outside [0, total_sequence_length)"} : (tensor<?xi32>, tensor<i64>) -> tensor<?xi32>
  // CHECK: graph.check_range %[[W]], %[[M]] {message = "x"} : (tensor<4xi64>, tensor<1xi32>) -> tensor<4xi64>
  %b = graph.check_range %w, %m {message = "x"} : (tensor<4xi64>, tensor<1xi32>) -> tensor<4xi64>
  return
}

// CHECK-LABEL: func.func @dropout
// CHECK-SAME: (%[[X:.+]]: tensor<2x8xf32>, %[[R:.+]]: tensor<f32>, %[[T:.+]]: tensor<i1>)
func.func @dropout(%x: tensor<2x8xf32>, %ratio: tensor<f32>, %training: tensor<i1>) {
  // CHECK: graph.dropout %[[X]] {ratio = 1.000000e-01 : f32}
  // CHECK-SAME: : (tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
  %y, %mask = graph.dropout %x {ratio = 1.000000e-01 : f32}
      : (tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
  // CHECK: graph.dropout %[[X]] ratio %[[R]] training %[[T]] {seed = 42 : i64}
  // CHECK-SAME: : (tensor<2x8xf32>, tensor<f32>, tensor<i1>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
  %y2, %mask2 = graph.dropout %x ratio %ratio training %training {seed = 42 : i64}
      : (tensor<2x8xf32>, tensor<f32>, tensor<i1>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
  // CHECK: graph.dropout %[[X]] training %[[T]] {training = true}
  // CHECK-SAME: : (tensor<2x8xf32>, tensor<i1>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
  %y3, %mask3 = graph.dropout %x training %training {training = true}
      : (tensor<2x8xf32>, tensor<i1>) -> (tensor<2x8xf32>, tensor<2x8xi1>)
  return
}


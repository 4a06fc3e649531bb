// RUN: strata-opt %s --split-input-file --strata-output-destinations | FileCheck %s
// RUN: strata-opt %s --split-input-file --strata-output-destinations --strata-bufferize --canonicalize | FileCheck %s --check-prefix=BUF

// A static result gets the caller's memory as a new last argument, marked
// with the result's index, and is materialised there; a dynamic one (its
// size unknown before the run) and an empty one do not. Bufferised, the op
// computing the result writes into the argument: no buffer of its own, no
// copy.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^ ]+]]: tensor<4xf32>, %[[N:[^ ]+]]: tensor<?xf32>, %[[OUT:[^ ]+]]: tensor<4xf32> {program.destination = 0 : i64})
// CHECK: %[[Y:.+]] = linalg.exp
// CHECK: %[[R:.+]] = bufferization.materialize_in_destination %[[Y]] in %[[OUT]]
// CHECK: return %[[R]], %[[N]], %{{.+}} : tensor<4xf32>, tensor<?xf32>, tensor<0xf32>
// BUF-LABEL: func.func @main
// BUF-SAME: %[[OUT:[^ ]+]]: memref<4xf32> {program.destination = 0 : i64}
// BUF-NOT: memref.alloc() {{.*}} : memref<4xf32>
// BUF-NOT: memref.copy
// BUF: linalg.exp ins(%{{.+}} : memref<4xf32>) outs(%[[OUT]] : memref<4xf32>)
// BUF-NOT: memref.copy
// BUF: return %[[OUT]], %{{.+}}, %{{.+}} : memref<4xf32>, memref<?xf32>, memref<0xf32>
func.func @main(%x: tensor<4xf32>, %n: tensor<?xf32>) -> (tensor<4xf32>, tensor<?xf32>, tensor<0xf32>)
    attributes {program.entry} {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.exp ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %z = tensor.empty() : tensor<0xf32>
  return %y, %n, %z : tensor<4xf32>, tensor<?xf32>, tensor<0xf32>
}

// -----

// A present KV cache, the concatenation of past and new positions: both are
// copied straight into the caller's memory, in its two parts.
// CHECK-LABEL: func.func @main
// CHECK: bufferization.materialize_in_destination
// BUF-LABEL: func.func @main
// BUF-SAME: (%[[PAST:[^ ]+]]: memref<1x2x3x4xf32>, %[[NEW:[^ ]+]]: memref<1x2x1x4xf32>, %[[OUT:[^ ]+]]: memref<1x2x4x4xf32> {program.destination = 0 : i64})
// BUF-NOT: memref.alloc
// BUF: %[[OLD:.+]] = memref.subview %[[OUT]][0, 0, 0, 0] [1, 2, 3, 4]
// BUF: memref.copy %[[PAST]], %[[OLD]]
// BUF: %[[ADDED:.+]] = memref.subview %[[OUT]][0, 0, 3, 0] [1, 2, 1, 4]
// BUF: memref.copy %[[NEW]], %[[ADDED]]
// BUF-NOT: memref.copy
// BUF: return %[[OUT]]
func.func @main(%past: tensor<1x2x3x4xf32>, %new: tensor<1x2x1x4xf32>) -> tensor<1x2x4x4xf32>
    attributes {program.entry} {
  %present = tensor.concat dim(2) %past, %new
      : (tensor<1x2x3x4xf32>, tensor<1x2x1x4xf32>) -> tensor<1x2x4x4xf32>
  return %present : tensor<1x2x4x4xf32>
}

// -----

// One value returned twice: the first result's destination receives it as
// it is computed; the second result is that memory, which the executor
// copies out.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%{{.+}}: tensor<4xf32>, %{{.+}}: tensor<4xf32> {program.destination = 0 : i64}) ->
// BUF-LABEL: func.func @main
// BUF-SAME: %[[FIRST:[^ ]+]]: memref<4xf32> {program.destination = 0 : i64})
// BUF: linalg.exp ins(%{{.+}} : memref<4xf32>) outs(%[[FIRST]] : memref<4xf32>)
// BUF-NEXT: return %[[FIRST]], %[[FIRST]]
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) attributes {program.entry} {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.exp ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %y, %y : tensor<4xf32>, tensor<4xf32>
}

// -----

// A result a loop carries is computed in a buffer of its own and copied into
// the caller's memory once: only chains of linalg ops and insertions write
// there directly (TopK's loop, which carries two results, could otherwise
// not bufferise).
// CHECK-LABEL: func.func @main
// CHECK: bufferization.materialize_in_destination
// BUF-LABEL: func.func @main
// BUF-SAME: %[[OUT:[^ ]+]]: memref<4xf32> {program.destination = 0 : i64}
// BUF: %[[ACC:.+]] = memref.alloc() {{.*}} : memref<4xf32>
// BUF: scf.for
// BUF: memref.copy %[[ACC]], %[[OUT]]
// BUF: return %[[OUT]]
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> attributes {program.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %init) -> tensor<4xf32> {
    %v = tensor.extract %x[%i] : tensor<4xf32>
    %n = tensor.insert %v into %acc[%i] : tensor<4xf32>
    scf.yield %n : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// An insertion at a checked offset keeps its own buffer: the op computing
// the new positions must not write into the cache before the check that
// they fit.
// BUF-LABEL: func.func @append
// BUF: %[[FRESH:.+]] = memref.alloc() {{.*}} : memref<1x4xf32>
// BUF: linalg.exp ins(%{{.+}} : memref<1x4xf32>) outs(%[[FRESH]] : memref<1x4xf32>)
// BUF: cf.assert
// BUF: memref.copy %[[FRESH]]
func.func @append(%cache: tensor<8x4xf32>, %x: tensor<1x4xf32>, %at: index) -> tensor<8x4xf32> {
  %e = tensor.empty() : tensor<1x4xf32>
  %y = linalg.exp ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
  %c8 = arith.constant 8 : index
  %fits = arith.cmpi ult, %at, %c8 : index
  cf.assert %fits, "the position is past the cache"
  %r = tensor.insert_slice %y into %cache[%at, 0] [1, 4] [1, 1] : tensor<1x4xf32> into tensor<8x4xf32>
  return %r : tensor<8x4xf32>
}

// -----

// A KV cache's present output (`program.kv_caches`) is a view of the cache
// the executor holds: it keeps its result. An input or a constant returned
// as it is becomes one copy into the caller's memory.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[CACHE:[^ ]+]]: tensor<1x8x4xf32>, %[[X:[^ ]+]]: tensor<4xf32>, %[[OUT1:[^ ]+]]: tensor<4xf32> {program.destination = 1 : i64}, %[[OUT2:[^ ]+]]: tensor<2xf32> {program.destination = 2 : i64})
// CHECK: %[[R1:.+]] = bufferization.materialize_in_destination %[[X]] in %[[OUT1]]
// CHECK: %[[R2:.+]] = bufferization.materialize_in_destination %{{.+}} in %[[OUT2]]
// CHECK: return %[[CACHE]], %[[R1]], %[[R2]]
// BUF-LABEL: func.func @main
// BUF-SAME: (%[[CACHE:[^ ]+]]: memref<1x8x4xf32>, %[[X:[^ ]+]]: memref<4xf32>, %[[OUT1:[^ ]+]]: memref<4xf32> {program.destination = 1 : i64}, %[[OUT2:[^ ]+]]: memref<2xf32> {program.destination = 2 : i64})
// BUF: memref.copy %[[X]], %[[OUT1]]
// BUF: memref.copy %{{.+}}, %[[OUT2]]
// BUF: return %[[CACHE]], %[[OUT1]], %[[OUT2]]
func.func @main(%cache: tensor<1x8x4xf32>, %x: tensor<4xf32>)
    -> (tensor<1x8x4xf32>, tensor<4xf32>, tensor<2xf32>)
    attributes {program.entry,
                program.kv_caches = [#program.kv_cache<input = 0, output = 0, axis = 1, capacity = 8>]} {
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %cache, %x, %c : tensor<1x8x4xf32>, tensor<4xf32>, tensor<2xf32>
}

// -----

// Functions other than the entry keep their results.
// CHECK-LABEL: func.func @helper
// CHECK-SAME: (%{{.+}}: tensor<4xf32>) -> tensor<4xf32>
// CHECK-NOT: materialize_in_destination
func.func @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

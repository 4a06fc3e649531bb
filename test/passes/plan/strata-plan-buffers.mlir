// RUN: strata-opt %s --split-input-file --strata-plan-buffers | FileCheck %s

// A buffer whose last use has passed gives its slot to a later one; one that
// is still live does not. %a (512 bytes) dies at the second generic, so %c
// (512 bytes) reuses offset 0 while %b (256 bytes, live with %a) sits after it.
// Lower bound: %a and %b live together, 768 bytes.
// CHECK-LABEL: func.func @reuse_after_last_use
// CHECK-SAME: (%[[X:.+]]: memref<128xf32>, %[[ARENA:.+]]: memref<?xi8>) -> memref<128xf32>
// CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 768, lower_bound = 768, alignment = 64>]
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C512:.+]] = arith.constant 512 : index
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[C0]]][] : memref<?xi8> to memref<128xf32>
// CHECK: %[[B:.+]] = memref.view %[[ARENA]][%[[C512]]][] : memref<?xi8> to memref<64xf32>
// CHECK: %[[C:.+]] = memref.view %[[ARENA]][%[[C0]]][] : memref<?xi8> to memref<128xf32>
// CHECK-NOT: memref.alloc
// CHECK: return %[[C]]
#id = affine_map<(d0) -> (d0)>
#double = affine_map<(d0) -> (d0 * 2)>
#half = affine_map<(d0) -> (d0 floordiv 2)>
func.func @reuse_after_last_use(%x: memref<128xf32>) -> memref<128xf32> {
  %a = memref.alloc() {alignment = 64 : i64} : memref<128xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<128xf32>) outs(%a : memref<128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  %b = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  linalg.generic {indexing_maps = [#double, #id], iterator_types = ["parallel"]}
      ins(%x : memref<128xf32>) outs(%b : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#double, #id], iterator_types = ["parallel"]}
      ins(%a : memref<128xf32>) outs(%b : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  %c = memref.alloc() {alignment = 64 : i64} : memref<128xf32>
  linalg.generic {indexing_maps = [#half, #id], iterator_types = ["parallel"]}
      ins(%b : memref<64xf32>) outs(%c : memref<128xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return %c : memref<128xf32>
}

// -----

// An elementwise op writes over the input it reads for the last time: both
// buffers share offset 0 and the arena holds one of them.
// CHECK-LABEL: func.func @in_place
// CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 4096, lower_bound = 4096, alignment = 64>]
// CHECK: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[A:.+]] = memref.view %{{.+}}[%[[C0]]][] : memref<?xi8> to memref<32x32xf32>
// CHECK: %[[B:.+]] = memref.view %{{.+}}[%[[C0]]][] : memref<?xi8> to memref<32x32xf32>
// CHECK: linalg.generic {{.+}} ins(%[[A]] : memref<32x32xf32>) outs(%[[B]] : memref<32x32xf32>)
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @in_place(%x: memref<32x32xf32>) -> memref<32x32xf32> {
  %a = memref.alloc() {alignment = 64 : i64} : memref<32x32xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<32x32xf32>) outs(%a : memref<32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  %b = memref.alloc() {alignment = 64 : i64} : memref<32x32xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<32x32xf32>) outs(%b : memref<32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  }
  return %b : memref<32x32xf32>
}

// -----

// Not in place: the op reads its input transposed, so writing element (i, j)
// would clobber (j, i) before it is read. Both buffers need their own slot.
// CHECK-LABEL: func.func @not_in_place_transposed
// CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 8192, lower_bound = 8192, alignment = 64>]
#id3 = affine_map<(d0, d1) -> (d0, d1)>
#tr3 = affine_map<(d0, d1) -> (d1, d0)>
func.func @not_in_place_transposed(%x: memref<32x32xf32>) -> memref<32x32xf32> {
  %a = memref.alloc() {alignment = 64 : i64} : memref<32x32xf32>
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<32x32xf32>) outs(%a : memref<32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %b = memref.alloc() {alignment = 64 : i64} : memref<32x32xf32>
  linalg.generic {indexing_maps = [#tr3, #id3], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<32x32xf32>) outs(%b : memref<32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return %b : memref<32x32xf32>
}

// -----

// A dynamic dimension takes its bound: n <= 8 rows of 64 floats, 2048 bytes.
// The view keeps the run-time size.
// CHECK-LABEL: func.func @bounded_dynamic
// CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 2048, lower_bound = 2048, alignment = 64>]
// CHECK: %[[N:.+]] = memref.dim %{{.+}}, %{{.+}} : memref<?x64xf32>
// CHECK: cf.assert %{{.+}}, "an op at {{.+}}: a buffer outgrows the 2048 bytes the memory plan reserved for it
// CHECK: memref.view %{{.+}}[%{{.+}}][%[[N]]] : memref<?xi8> to memref<?x64xf32>
func.func @bounded_dynamic(%x: memref<?x64xf32> {program.value = #program.value<"x", dims = ["n", ""]>})
    -> memref<?x64xf32> attributes {program.bounds = #program.bounds<"n" = 8>} {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x64xf32>
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x64xf32>
  memref.copy %x, %a : memref<?x64xf32> to memref<?x64xf32>
  return %a : memref<?x64xf32>
}

// -----

// Sizes are exact polynomials of the input dimensions while they can be: the
// element count b * s divided by s is b (<= 4), not b * s, so the buffer of
// b x 16 floats needs 4 * 16 * 4 = 256 bytes. Inputs that share the name "s"
// share its bound.
// CHECK-LABEL: func.func @polynomial_bound
// CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 256, lower_bound = 256, alignment = 64>]
func.func @polynomial_bound(%x: memref<?x?xf32> {program.value = #program.value<"x", dims = ["b", "s"]>},
                            %y: memref<?xf32> {program.value = #program.value<"y", dims = ["s"]>})
    -> memref<?x16xf32> attributes {program.bounds = #program.bounds<"b" = 4, "s" = 100>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = memref.dim %x, %c0 : memref<?x?xf32>
  %s = memref.dim %x, %c1 : memref<?x?xf32>
  %t = memref.dim %y, %c0 : memref<?xf32>
  %count = arith.muli %b, %s : index
  %rows = arith.divui %count, %t : index
  %a = memref.alloc(%rows) {alignment = 64 : i64} : memref<?x16xf32>
  return %a : memref<?x16xf32>
}

// -----

// Reshape's -1 where the dimensions are only known as intervals: r is the
// broadcast of two differently named dimensions (max(a, b) <= 8, no
// polynomial), and the element count r * 48 divided by max(r * 3, 1) is 16
// whatever r is: the factors cancel, so the buffer of r x 16 floats needs
// 8 * 16 * 4 = 512 bytes, not (8 * 48) * 16 * 4.
// CHECK-LABEL: func.func @cancelled_factors
// CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 512, lower_bound = 512, alignment = 64>]
func.func @cancelled_factors(%x: memref<?xf32> {program.value = #program.value<"x", dims = ["a"]>},
                             %y: memref<?xf32> {program.value = #program.value<"y", dims = ["b"]>})
    -> memref<?x?xf32> attributes {program.bounds = #program.bounds<"a" = 8, "b" = 6>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3_i64 = arith.constant 3 : i64
  %c48_i64 = arith.constant 48 : i64
  %a = memref.dim %x, %c0 : memref<?xf32>
  %b = memref.dim %y, %c0 : memref<?xf32>
  %r = arith.maxui %a, %b : index
  %r64 = arith.index_cast %r : index to i64
  %count = arith.muli %r64, %c48_i64 : i64
  %known = arith.muli %r64, %c3_i64 : i64
  %c1_i64 = arith.constant 1 : i64
  %divisor = arith.maxui %known, %c1_i64 : i64
  %inferred = arith.divui %count, %divisor : i64
  %cols = arith.index_cast %inferred : i64 to index
  %alloc = memref.alloc(%r, %cols) {alignment = 64 : i64} : memref<?x?xf32>
  return %alloc : memref<?x?xf32>
}

// -----

// A buffer read inside a loop is live for the whole loop: the buffer the loop
// body allocates cannot share its slot, but one allocated after the loop can.
// CHECK-LABEL: func.func @live_across_loop
// CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 128, lower_bound = 128, alignment = 64>]
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C64:.+]] = arith.constant 64 : index
// CHECK: %[[A:.+]] = memref.view %{{.+}}[%[[C0]]][] : memref<?xi8> to memref<16xf32>
// CHECK: scf.for
// CHECK: memref.view %{{.+}}[%[[C64]]][] : memref<?xi8> to memref<16xf32>
// CHECK: }
// CHECK: memref.view %{{.+}}[%[[C0]]][] : memref<?xi8> to memref<16xf32>
func.func @live_across_loop(%x: memref<16xf32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  memref.copy %x, %a : memref<16xf32> to memref<16xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %t = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
    memref.copy %a, %t : memref<16xf32> to memref<16xf32>
    memref.copy %t, %out : memref<16xf32> to memref<16xf32>
  }
  %c = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  memref.copy %out, %c : memref<16xf32> to memref<16xf32>
  memref.copy %c, %out : memref<16xf32> to memref<16xf32>
  return
}

// -----

// A returned buffer lives to the end of the function: a buffer allocated after
// its last use in the body still cannot take its slot.
// CHECK-LABEL: func.func @returned_lives_to_end
// CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 128, lower_bound = 128, alignment = 64>]
func.func @returned_lives_to_end(%x: memref<16xf32>, %out: memref<16xf32>) -> memref<16xf32> {
  %a = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  memref.copy %x, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  memref.copy %x, %b : memref<16xf32> to memref<16xf32>
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  return %a : memref<16xf32>
}

// -----

// Without a bound on "n", the buffer stays on the heap and is freed after its
// last use; the function gets no arena.
// CHECK-LABEL: func.func @unbounded_stays_on_heap
// CHECK-NOT: program.arenas
// CHECK: %[[A:.+]] = memref.alloc(%{{.+}}) {alignment = 64 : i64} : memref<?xf32>
// CHECK-NEXT: memref.copy %{{.+}}, %[[A]]
// CHECK-NEXT: memref.copy %[[A]], %{{.+}}
// CHECK-NEXT: memref.dealloc %[[A]] : memref<?xf32>
// CHECK-NEXT: return
func.func @unbounded_stays_on_heap(%x: memref<?xf32> {program.value = #program.value<"x", dims = ["n"]>},
                                   %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?xf32>
  memref.copy %x, %a : memref<?xf32> to memref<?xf32>
  memref.copy %a, %out : memref<?xf32> to memref<?xf32>
  return
}

// RUN: strata-opt %s --strata-cpu-share-kernels --split-input-file | FileCheck %s

// A row sum over a dynamic number of rows: its first dimension is parallel
// and indexes the output, so it is tiled by one and the rows shared. With
// parts = 0 the kernel returns rows x 64 (the work); otherwise it loops over
// rows [n * part / parts, min(n, n * (part + 1) / parts)).
// CHECK-LABEL: func.func private @rows(
// CHECK-SAME: %[[X:[^:]+]]: memref<?x64xf32>, %{{[^:]+}}: memref<?xf32>, %[[PART:[^:]+]]: index, %[[PARTS:[^:]+]]: index) -> index
// CHECK-SAME: attributes {strata.cpu.shared}
// CHECK: %[[N:.+]] = memref.dim %[[X]], %c0
// CHECK: %[[TRIPS:.+]] = arith.ceildivsi
// CHECK: %[[QUERY:.+]] = arith.cmpi eq, %[[PARTS]], %{{.+}}
// CHECK: %[[WORK:.+]] = scf.if %[[QUERY]] -> (index) {
// CHECK: %[[ELEMENTS:.+]] = arith.muli %[[TRIPS]], %c64
// CHECK: scf.yield %[[ELEMENTS]]
// CHECK: } else {
// CHECK: arith.muli %[[TRIPS]], %[[PART]]
// CHECK: %[[END:.+]] = arith.minsi %{{.+}},
// CHECK: scf.for %{{.+}} = %{{.+}} to %[[END]] step %c1 {
// CHECK: memref.subview %[[X]][%{{.+}}, 0] [1, 64] [1, 1]
// CHECK: linalg.generic
// CHECK-NOT: strata.cpu.shareable
// CHECK: return %[[WORK]] : index
// CHECK-LABEL: func.func @caller
// CHECK: call @rows(%{{.+}}, %{{.+}}, %c0, %c1) : (memref<?x64xf32>, memref<?xf32>, index, index) -> index
func.func private @rows(%x: memref<?x64xf32>, %y: memref<?xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<?x64xf32>) outs(%y : memref<?xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  }
  return
}
func.func @caller(%x: memref<?x64xf32>, %y: memref<?xf32>) {
  call @rows(%x, %y) : (memref<?x64xf32>, memref<?xf32>) -> ()
  return
}

// -----

// A loop the vectoriser marked (8 rows of 64 elements a tile row): its work
// is 8 x 64 and its bounds become the part's.
// CHECK-LABEL: func.func private @tiled(
// CHECK-SAME: -> index attributes {strata.cpu.shared}
// CHECK: scf.if
// CHECK: arith.muli %{{.+}}, %c64
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c1 {
// CHECK: vector.transfer_read
// CHECK: call @tiled(%{{.+}}, %{{.+}}, %c0, %c1)
func.func private @tiled(%x: memref<8x64xf32>, %y: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %f0 = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %v = vector.transfer_read %x[%i, %c0], %f0 : memref<8x64xf32>, vector<64xf32>
    %e = math.exp %v : vector<64xf32>
    vector.transfer_write %e, %y[%i, %c0] : vector<64xf32>, memref<8x64xf32>
  } {strata.cpu.shareable = 64 : i64}
  return
}
func.func @caller(%x: memref<8x64xf32>, %y: memref<8x64xf32>) {
  call @tiled(%x, %y) : (memref<8x64xf32>, memref<8x64xf32>) -> ()
  return
}

// -----

// A leading dimension of one is skipped: the rows (the second) are shared.
// CHECK-LABEL: func.func private @unit_batch(
// CHECK-SAME: -> index
// CHECK: memref.subview %{{.+}}[0, %{{.+}}, 0] [1, 1, 64] [1, 1, 1]
func.func private @unit_batch(%x: memref<1x16x64xf32>, %y: memref<1x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>,
                                   affine_map<(d0, d1, d2) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : memref<1x16x64xf32>) outs(%y : memref<1x16xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.maximumf %a, %acc : f32
    linalg.yield %s : f32
  }
  return
}
func.func @caller(%x: memref<1x16x64xf32>, %y: memref<1x16xf32>) {
  call @unit_batch(%x, %y) : (memref<1x16x64xf32>, memref<1x16xf32>) -> ()
  return
}

// -----

// Near misses, left alone: a column sum (the first dimension is a
// reduction); a kernel with a run-time check, which reports through the
// executor; a loop the vectoriser did not mark; a function that is not
// private (its callers are not all known).
// CHECK-LABEL: func.func private @columns(%{{[^:]+}}: memref<16x64xf32>, %{{[^:]+}}: memref<64xf32>) {
// CHECK-NOT: scf.for
// CHECK-LABEL: func.func private @checked(%{{[^:]+}}: memref<16xf32>, %{{[^:]+}}: memref<16xf32>, %{{[^:]+}}: i1) {
// CHECK-LABEL: func.func private @unmarked(%{{[^:]+}}: memref<8x64xf32>) {
// CHECK-LABEL: func.func @public(%{{[^:]+}}: memref<16xf32>) {
// CHECK-NOT: strata.cpu.shared
func.func private @columns(%x: memref<16x64xf32>, %y: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<16x64xf32>) outs(%y : memref<64xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  }
  return
}
func.func private @checked(%x: memref<16xf32>, %y: memref<16xf32>, %ok: i1) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%x : memref<16xf32>) outs(%y : memref<16xf32>) {
  ^bb0(%a: f32, %b: f32):
    cf.assert %ok, "an index lies outside its range"
    linalg.yield %a : f32
  }
  return
}
func.func private @unmarked(%x: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %f0 = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %f0, %x[%i, %c0] : memref<8x64xf32>
  }
  return
}
func.func @public(%x: memref<16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      outs(%x : memref<16xf32>) {
  ^bb0(%b: f32):
    %f1 = arith.constant 1.0 : f32
    linalg.yield %f1 : f32
  }
  return
}
func.func @caller(%x: memref<16x64xf32>, %y: memref<64xf32>, %z: memref<16xf32>, %ok: i1,
                  %w: memref<8x64xf32>) {
  call @columns(%x, %y) : (memref<16x64xf32>, memref<64xf32>) -> ()
  call @checked(%z, %z, %ok) : (memref<16xf32>, memref<16xf32>, i1) -> ()
  call @unmarked(%w) : (memref<8x64xf32>) -> ()
  call @public(%z) : (memref<16xf32>) -> ()
  return
}

// -----

// A softmax-like kernel over a dynamic batch (often one at run time) and 12
// heads: both leading dimensions write apart, so both are tiled by one and
// their loops coalesced into one of batch x 12 trips, which the threads
// share; each trip computes the rows x columns of the dynamic sizes.
// CHECK-LABEL: func.func private @heads(
// CHECK-SAME: %[[X:[^:]+]]: memref<?x12x?xf32>, %{{[^:]+}}: memref<?x12x?xf32>, %[[PART:[^:]+]]: index, %[[PARTS:[^:]+]]: index) -> index
// CHECK: %[[COLUMNS:.+]] = memref.dim %[[X]], %c2
// CHECK: %[[BATCH:.+]] = memref.dim %[[X]], %c0_
// CHECK: %[[COALESCED:.+]] = affine.apply #{{.+}}()[%[[BATCH]]]
// CHECK: arith.subi %[[COALESCED]],
// CHECK: %[[TRIPS:.+]] = arith.ceildivsi
// CHECK: scf.if %{{.+}} -> (index) {
// CHECK: %[[WORK:.+]] = arith.muli %[[TRIPS]], %[[COLUMNS]]
// CHECK: scf.yield %[[WORK]]
// CHECK: } else {
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %c1{{.*}} {
// CHECK: %[[INDICES:.+]]:2 = affine.delinearize_index %[[I]] into (%{{.+}}, 12)
// CHECK: memref.subview %[[X]][%[[INDICES]]#0, %[[INDICES]]#1, 0] [1, 1, %{{.+}}] [1, 1, 1]
// CHECK: linalg.generic
func.func private @heads(%x: memref<?x12x?xf32>, %y: memref<?x12x?xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>,
                                   affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : memref<?x12x?xf32>) outs(%y : memref<?x12x?xf32>) {
  ^bb0(%a: f32, %b: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  }
  return
}
func.func @caller(%x: memref<?x12x?xf32>, %y: memref<?x12x?xf32>) {
  call @heads(%x, %y) : (memref<?x12x?xf32>, memref<?x12x?xf32>) -> ()
  return
}

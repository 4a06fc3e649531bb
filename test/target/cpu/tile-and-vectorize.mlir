// RUN: strata-opt %s --strata-cpu-tile-and-vectorize --canonicalize --split-input-file | FileCheck %s

// A bias add: tiles of 1x16 in two loops, the bias read as a broadcast. The
// outer loop may be shared among threads (strata-cpu-share-kernels); each of
// its iterations computes a row of 32 elements.
// CHECK-LABEL: func.func @bias_add
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.transfer_read {{.*}} : memref<1x16xf32, strided<[32, 1], offset: ?>>, vector<1x16xf32>
// CHECK: vector.transfer_read {{.*}} : memref<16xf32, strided<[1], offset: ?>>, vector<1x16xf32>
// CHECK: arith.addf {{.*}} : vector<1x16xf32>
// CHECK: vector.transfer_write
// CHECK: } {strata.cpu.shareable = 32 : i64}
// CHECK-NOT: linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @bias_add(%x: memref<4x32xf32>, %b: memref<32xf32>, %y: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : memref<4x32xf32>, memref<32xf32>) outs(%y : memref<4x32xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An innermost extent of 24 takes tiles of 8; a tile is the work of an
// iteration of the loop over them.
// CHECK-LABEL: func.func @width_eight
// CHECK: vector<8xf32>
// CHECK: } {strata.cpu.shareable = 8 : i64}
func.func @width_eight(%y: memref<24xf32>) {
  %c = arith.constant 1.0 : f32
  linalg.fill ins(%c : f32) outs(%y : memref<24xf32>)
  return
}

// -----

// A leading dimension of one has no loop: the loop over the rows is marked.
// CHECK-LABEL: func.func @unit_batch
// CHECK: scf.for %{{.+}} = %c0 to %c4 step %c1 {
// CHECK: } {strata.cpu.shareable = 32 : i64}
func.func @unit_batch(%y: memref<1x4x32xf32>) {
  %c = arith.constant 1.0 : f32
  linalg.fill ins(%c : f32) outs(%y : memref<1x4x32xf32>)
  return
}

// -----

// Inputs that index a unit dimension by 0: an attention mask broadcast over
// the heads, and a row's statistic broadcast along it (a layer norm's mean).
// CHECK-LABEL: func.func @unit_broadcasts
// CHECK: vector.transfer_read {{.*}} : memref<1x1x1x16xf32, strided<[1024, 256, 16, 1], offset: ?>>, vector<1x1x1x16xf32>
// CHECK: vector.transfer_read {{.*}} : memref<1x1x1x16xf32, strided<[256, 256, 16, 1], offset: ?>>, vector<1x1x1x16xf32>
// CHECK: arith.addf {{.*}} : vector<1x1x1x16xf32>
// CHECK: vector.transfer_read {{.*}} {in_bounds = [true, true, true], permutation_map = #{{.*}}} : memref<1x1x1xf32, strided<[16, 1, 1], offset: ?>>, vector<1x1x16xf32>
// CHECK: arith.subf {{.*}} : vector<1x1x16xf32>
// CHECK-NOT: linalg.generic
#scores = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#mask = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
#x = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#mean = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
func.func @unit_broadcasts(%s: memref<1x4x16x16xf32>, %m: memref<1x1x16x16xf32>,
                           %o: memref<1x4x16x16xf32>, %x: memref<1x16x64xf32>,
                           %mu: memref<1x16x1xf32>, %y: memref<1x16x64xf32>) {
  linalg.generic {indexing_maps = [#scores, #mask, #scores],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s, %m : memref<1x4x16x16xf32>, memref<1x1x16x16xf32>)
      outs(%o : memref<1x4x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#x, #mean, #x],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %mu : memref<1x16x64xf32>, memref<1x16x1xf32>) outs(%y : memref<1x16x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %r = arith.subf %a, %b : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Left to the loop lowering: a reduction, a read across the innermost loop
// (transpose), booleans, an innermost extent of 6, a dynamic shape, and an
// output that indexes a dimension by 0.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: vector.
// CHECK-NOT: scf.for
// CHECK: return
#t = affine_map<(d0, d1) -> (d1, d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d0)>
func.func @left_alone(%x: memref<16x16xf32>, %s: memref<16xf32>, %t: memref<16x16xf32>,
                      %p: memref<16x16xi1>, %q: memref<16x16xi1>, %u: memref<4x6xf32>,
                      %d: memref<?x16xf32>, %w: memref<1x16xf32>) {
  linalg.generic {indexing_maps = [#id2, #col], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<16x16xf32>) outs(%s : memref<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#t, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<16x16xf32>) outs(%t : memref<16x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%p : memref<16x16xi1>) outs(%q : memref<16x16xi1>) {
  ^bb0(%a: i1, %o: i1):
    linalg.yield %a : i1
  }
  %c = arith.constant 0.0 : f32
  linalg.fill ins(%c : f32) outs(%u : memref<4x6xf32>)
  linalg.fill ins(%c : f32) outs(%d : memref<?x16xf32>)
  linalg.generic {indexing_maps = [#id2, affine_map<(d0, d1) -> (0, d1)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<16x16xf32>) outs(%w : memref<1x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

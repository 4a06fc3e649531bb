// RUN: strata-opt %s --strata-cpu-outline-kernels --split-input-file | FileCheck %s

// Two buffers of the arena at different offsets: both aligned pointers are
// noalias (a rank-1 memref is 5 LLVM arguments, its aligned pointer the
// second).
// Kernels go before the function they come from.
// CHECK: func.func private @strata_kernel(%{{.+}}: memref<128xf32>, %{{.+}}: memref<128xf32>)
// CHECK-SAME: strata.cpu.noalias = array<i64: 1, 6>
// CHECK: math.exp
// CHECK-LABEL: func.func @apart
// CHECK-NOT: linalg.generic
// CHECK: call @strata_kernel(%{{.+}}, %{{.+}}) : (memref<128xf32>, memref<128xf32>) -> ()
#id = affine_map<(d0) -> (d0)>
func.func @apart(%arena: memref<1024xi8>) {
  %c0 = arith.constant 0 : index
  %c512 = arith.constant 512 : index
  %a = memref.view %arena[%c0][] : memref<1024xi8> to memref<128xf32>
  %b = memref.view %arena[%c512][] : memref<1024xi8> to memref<128xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<128xf32>) outs(%b : memref<128xf32>) {
  ^bb0(%x: f32, %y: f32):
    %e = math.exp %x : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// Written in place, the one buffer is passed once and is noalias; next to a
// view at an offset known only at run time, it may alias and nothing is.
// CHECK: func.func private @strata_kernel(%{{.+}}: memref<128xf32>)
// CHECK-SAME: strata.cpu.noalias = array<i64: 1>
// CHECK: func.func private @strata_kernel_0(
// CHECK-SAME: strata.cpu.noalias = array<i64>}
// CHECK-LABEL: func.func @in_place
// CHECK: call @strata_kernel(%{{.+}}) : (memref<128xf32>) -> ()
// CHECK: call @strata_kernel_0(%{{.+}}, %{{.+}}) : (memref<128xf32>, memref<128xf32>) -> ()
#id = affine_map<(d0) -> (d0)>
func.func @in_place(%arena: memref<1024xi8>, %offset: index) {
  %c0 = arith.constant 0 : index
  %a = memref.view %arena[%c0][] : memref<1024xi8> to memref<128xf32>
  %b = memref.view %arena[%offset][] : memref<1024xi8> to memref<128xf32>
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]}
      outs(%a : memref<128xf32>) {
  ^bb0(%y: f32):
    %e = math.exp %y : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<128xf32>) outs(%b : memref<128xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  return
}

// -----

// What the body uses from outside: constants are cloned into the kernel,
// other values become arguments (after the op's operands). Distinct function
// arguments are distinct allocations; a rank-2 memref is 7 LLVM arguments.
// CHECK: func.func private @strata_kernel(%[[X:.+]]: memref<4x8xf32>, %[[Y:.+]]: memref<4x8xf32>, %[[S:.+]]: f32)
// CHECK-SAME: strata.cpu.noalias = array<i64: 1, 8>
// CHECK: %[[C:.+]] = arith.constant 2.0
// CHECK: linalg.generic
// CHECK: arith.mulf %{{.+}}, %[[C]]
// CHECK: arith.addf %{{.+}}, %[[S]]
// CHECK-LABEL: func.func @captures
// CHECK: call @strata_kernel(%arg0, %arg1, %arg2) : (memref<4x8xf32>, memref<4x8xf32>, f32) -> ()
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @captures(%x: memref<4x8xf32>, %y: memref<4x8xf32>, %s: f32) {
  %two = arith.constant 2.0 : f32
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x8xf32>) outs(%y : memref<4x8xf32>) {
  ^bb0(%a: f32, %b: f32):
    %m = arith.mulf %a, %two : f32
    %r = arith.addf %m, %s : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Ops on tensors are not kernels yet.
// CHECK-LABEL: func.func @tensors
// CHECK-NOT: call
// CHECK: linalg.fill
func.func @tensors(%t: tensor<8xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %r = linalg.fill ins(%zero : f32) outs(%t : tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

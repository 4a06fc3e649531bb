// RUN: strata-opt %s --strata-cpu-outline-kernels --duplicate-function-elimination | FileCheck %s

// The same op on the same types at two places of the arena (a repeated
// layer) outlines to two identical kernels; the codegen pipeline keeps one and
// calls it twice. A different op keeps its own kernel.
// CHECK: func.func private @strata_kernel(
// CHECK: math.exp
// CHECK-NOT: func.func private @strata_kernel_0(
// CHECK: func.func private @strata_kernel_1(
// CHECK: math.tanh
// CHECK-LABEL: func.func @layers
// CHECK: call @strata_kernel(
// CHECK: call @strata_kernel(
// CHECK: call @strata_kernel_1(
#id = affine_map<(d0) -> (d0)>
func.func @layers(%arena: memref<2048xi8>) {
  %c0 = arith.constant 0 : index
  %c512 = arith.constant 512 : index
  %c1024 = arith.constant 1024 : index
  %a = memref.view %arena[%c0][] : memref<2048xi8> to memref<128xf32>
  %b = memref.view %arena[%c512][] : memref<2048xi8> to memref<128xf32>
  %c = memref.view %arena[%c1024][] : memref<2048xi8> to memref<128xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<128xf32>) outs(%b : memref<128xf32>) {
  ^bb0(%x: f32, %y: f32):
    %e = math.exp %x : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%b : memref<128xf32>) outs(%c : memref<128xf32>) {
  ^bb0(%x: f32, %y: f32):
    %e = math.exp %x : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%c : memref<128xf32>) outs(%a : memref<128xf32>) {
  ^bb0(%x: f32, %y: f32):
    %t = math.tanh %x : f32
    linalg.yield %t : f32
  }
  return
}

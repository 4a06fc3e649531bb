// RUN: strata-opt %s --strata-plan-weights | FileCheck %s

// Constants of at least min-bytes leave the program for the weights file
// (under their symbol's name); the default of each input of a public function
// follows, under the input's name, whatever its size: the executor passes it
// when the caller leaves the input out. Booleans take one byte each, as the
// runtime holds them.

// CHECK: program.weights = [
// CHECK-SAME: #program.weight<"w", offset = 0, value = dense<1.000000e+00> : tensor<256xf32>>,
// CHECK-SAME: #program.weight<"b", offset = 4096, value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>>,
// CHECK-SAME: #program.weight<"m", offset = 8192, value = dense<[1, 0, 1]> : tensor<3xi8>>]
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %arg1: memref<2xf32> {program.value = #program.value<"b", dims = [""], default = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>>}
// CHECK-SAME: %arg3: memref<?xi8> {program.weights_region})
// CHECK: memref.view %arg3[%{{.+}}][] : memref<?xi8> to memref<256xf32>
module {
  memref.global "private" constant @w : memref<256xf32> = dense<1.0>
  func.func @main(%x: memref<2xf32> {program.value = #program.value<"x", dims = [""]>},
                  %b: memref<2xf32> {program.value = #program.value<"b", dims = [""], default = dense<[1.0, 2.0]> : tensor<2xf32>>},
                  %m: memref<3xi1> {program.value = #program.value<"m", dims = [""], default = dense<[true, false, true]> : tensor<3xi1>>})
      -> memref<256xf32> attributes {program.entry} {
    %w = memref.get_global @w : memref<256xf32>
    return %w : memref<256xf32>
  }
}

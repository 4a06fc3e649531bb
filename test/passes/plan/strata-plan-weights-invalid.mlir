// RUN: strata-opt %s --strata-plan-weights --verify-diagnostics

// An input's default and a weight would share one entry of the weights file.

module {
  memref.global "private" constant @b : memref<256xf32> = dense<1.0>
  // expected-error @+1 {{the default of input 'b' would share its weights file entry with the weight of that name}}
  func.func @main(%b: memref<256xf32> {program.value = #program.value<"b", dims = [""], default = dense<2.0> : tensor<256xf32>>})
      -> memref<256xf32> attributes {program.entry} {
    %w = memref.get_global @b : memref<256xf32>
    return %w : memref<256xf32>
  }
}

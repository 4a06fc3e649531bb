// RUN: strata-opt %s --strata-plan-tiers="gpu-mem=55000" | FileCheck %s

// A weight the model returns stays resident (with the constants) wherever
// else it is read; a weight nothing reads gets no placement.
// Streaming w1 to w3 through two slots (51200 bytes with the activations
// and w0) beats keeping them (67584), and w0, read by the first product and
// returned, stays.
// CHECK-LABEL: tier.plan = #tier.plan<slots = 2, slot_bytes = 16384,
// CHECK-SAME: #tier.placement<"w0", home = gpu, bytes = 16384
// CHECK-SAME: #tier.placement<"w1", home = host, bytes = 16384
// CHECK-SAME: #tier.placement<"w2", home = host, bytes = 16384
// CHECK-SAME: #tier.placement<"w3", home = host, bytes = 16384
// CHECK-NOT: "unread"
module {
  ml_program.global private @w0(dense<1.0> : tensor<64x64xf32>) : tensor<64x64xf32>
  ml_program.global private @w1(dense<1.0> : tensor<64x64xf32>) : tensor<64x64xf32>
  ml_program.global private @w2(dense<1.0> : tensor<64x64xf32>) : tensor<64x64xf32>
  ml_program.global private @w3(dense<1.0> : tensor<64x64xf32>) : tensor<64x64xf32>
  ml_program.global private @unread(dense<1.0> : tensor<64x64xf32>) : tensor<64x64xf32>
  func.func @main(%x: tensor<4x64xf32> {program.value = #program.value<"x", dims = ["", ""]>})
      -> (tensor<4x64xf32> {program.value = #program.value<"y", dims = ["", ""]>},
          tensor<64x64xf32> {program.value = #program.value<"w", dims = ["", ""]>})
      attributes {program.entry} {
    %w0 = ml_program.global_load_const @w0 : tensor<64x64xf32>
    %w1 = ml_program.global_load_const @w1 : tensor<64x64xf32>
    %w2 = ml_program.global_load_const @w2 : tensor<64x64xf32>
    %w3 = ml_program.global_load_const @w3 : tensor<64x64xf32>
    %unread = ml_program.global_load_const @unread : tensor<64x64xf32>
    %a = graph.matmul %x, %w0 : (tensor<4x64xf32>, tensor<64x64xf32>) -> tensor<4x64xf32>
    %b = graph.matmul %a, %w1 : (tensor<4x64xf32>, tensor<64x64xf32>) -> tensor<4x64xf32>
    %c = graph.matmul %b, %w2 : (tensor<4x64xf32>, tensor<64x64xf32>) -> tensor<4x64xf32>
    %d = graph.matmul %c, %w3 : (tensor<4x64xf32>, tensor<64x64xf32>) -> tensor<4x64xf32>
    return %d, %w0 : tensor<4x64xf32>, tensor<64x64xf32>
  }
}

// RUN: strata-opt %s --strata-plan-tiers="gpu-mem=4194304" | FileCheck %s

// Twenty stages of 256 KiB under 4 MiB: two slots (512 KiB) and the
// activations leave room for thirteen resident weights, not fourteen. Each
// weight is 9.14 units of the knapsack's table, which rounds it to 9: the
// table accepts fourteen, their bytes overflow, and the stage that gains
// least per byte moves to the host, leaving the thirteen that fit.
// CHECK: tier.plan = #tier.plan<slots = 2, slot_bytes = 262144, {{.*}} gpu_bytes = 3934208,
// CHECK-COUNT-13: home = gpu
// CHECK-NOT: home = gpu
module {
  ml_program.global private @w0(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w1(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w2(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w3(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w4(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w5(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w6(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w7(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w8(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w9(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w10(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w11(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w12(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w13(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w14(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w15(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w16(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w17(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w18(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  ml_program.global private @w19(dense<1.0> : tensor<256x256xf32>) : tensor<256x256xf32>
  func.func @main(%x: tensor<1x256xf32> {program.value = #program.value<"x", dims = ["", ""]>})
      -> (tensor<1x256xf32> {program.value = #program.value<"y", dims = ["", ""]>})
      attributes {program.entry} {
    %w0 = ml_program.global_load_const @w0 : tensor<256x256xf32>
    %w1 = ml_program.global_load_const @w1 : tensor<256x256xf32>
    %w2 = ml_program.global_load_const @w2 : tensor<256x256xf32>
    %w3 = ml_program.global_load_const @w3 : tensor<256x256xf32>
    %w4 = ml_program.global_load_const @w4 : tensor<256x256xf32>
    %w5 = ml_program.global_load_const @w5 : tensor<256x256xf32>
    %w6 = ml_program.global_load_const @w6 : tensor<256x256xf32>
    %w7 = ml_program.global_load_const @w7 : tensor<256x256xf32>
    %w8 = ml_program.global_load_const @w8 : tensor<256x256xf32>
    %w9 = ml_program.global_load_const @w9 : tensor<256x256xf32>
    %w10 = ml_program.global_load_const @w10 : tensor<256x256xf32>
    %w11 = ml_program.global_load_const @w11 : tensor<256x256xf32>
    %w12 = ml_program.global_load_const @w12 : tensor<256x256xf32>
    %w13 = ml_program.global_load_const @w13 : tensor<256x256xf32>
    %w14 = ml_program.global_load_const @w14 : tensor<256x256xf32>
    %w15 = ml_program.global_load_const @w15 : tensor<256x256xf32>
    %w16 = ml_program.global_load_const @w16 : tensor<256x256xf32>
    %w17 = ml_program.global_load_const @w17 : tensor<256x256xf32>
    %w18 = ml_program.global_load_const @w18 : tensor<256x256xf32>
    %w19 = ml_program.global_load_const @w19 : tensor<256x256xf32>
    %h0 = graph.matmul %x, %w0 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h1 = graph.matmul %h0, %w1 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h2 = graph.matmul %h1, %w2 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h3 = graph.matmul %h2, %w3 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h4 = graph.matmul %h3, %w4 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h5 = graph.matmul %h4, %w5 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h6 = graph.matmul %h5, %w6 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h7 = graph.matmul %h6, %w7 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h8 = graph.matmul %h7, %w8 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h9 = graph.matmul %h8, %w9 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h10 = graph.matmul %h9, %w10 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h11 = graph.matmul %h10, %w11 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h12 = graph.matmul %h11, %w12 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h13 = graph.matmul %h12, %w13 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h14 = graph.matmul %h13, %w14 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h15 = graph.matmul %h14, %w15 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h16 = graph.matmul %h15, %w16 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h17 = graph.matmul %h16, %w17 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h18 = graph.matmul %h17, %w18 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    %h19 = graph.matmul %h18, %w19 : (tensor<1x256xf32>, tensor<256x256xf32>) -> tensor<1x256xf32>
    return %h19 : tensor<1x256xf32>
  }
}

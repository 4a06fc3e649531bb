// RUN: strata-opt %s --strata-plan-tiers="gpu-mem=29380" | FileCheck %s --check-prefix=EXACT

// A budget at the edge of the knapsack's rounding.

// 29380 bytes are exactly what this graph needs (its two larger weights
// resident, the four small ones streamed through two 1 KiB slots): rounded
// to the nearest unit the two resident weights overflow the table, rounded
// down they fit, and the plan is found.
// EXACT-LABEL: tier.plan = #tier.plan<slots = 2, slot_bytes = 1024,
// EXACT-SAME: #tier.placement<"a", home = gpu
// EXACT-SAME: #tier.placement<"b", home = gpu
module {
  ml_program.global private @a(dense<1.0> : tensor<2736xf32>) : tensor<2736xf32>
  ml_program.global private @b(dense<1.0> : tensor<1360xf32>) : tensor<1360xf32>
  ml_program.global private @s0(dense<1.0> : tensor<256xf32>) : tensor<256xf32>
  ml_program.global private @s1(dense<1.0> : tensor<256xf32>) : tensor<256xf32>
  ml_program.global private @s2(dense<1.0> : tensor<256xf32>) : tensor<256xf32>
  ml_program.global private @s3(dense<1.0> : tensor<256xf32>) : tensor<256xf32>
  func.func @main(%x: tensor<1xf32> {program.value = #program.value<"x", dims = [""]>})
      -> (tensor<1xf32> {program.value = #program.value<"y", dims = [""]>})
      attributes {program.entry} {
    %a = ml_program.global_load_const @a : tensor<2736xf32>
    %b = ml_program.global_load_const @b : tensor<1360xf32>
    %s0 = ml_program.global_load_const @s0 : tensor<256xf32>
    %s1 = ml_program.global_load_const @s1 : tensor<256xf32>
    %s2 = ml_program.global_load_const @s2 : tensor<256xf32>
    %s3 = ml_program.global_load_const @s3 : tensor<256xf32>
    %ra = graph.add %a, %x : (tensor<2736xf32>, tensor<1xf32>) -> tensor<2736xf32>
    %rb = graph.add %b, %x : (tensor<1360xf32>, tensor<1xf32>) -> tensor<1360xf32>
    %r0 = graph.add %s0, %x : (tensor<256xf32>, tensor<1xf32>) -> tensor<256xf32>
    %r1 = graph.add %s1, %x : (tensor<256xf32>, tensor<1xf32>) -> tensor<256xf32>
    %r2 = graph.add %s2, %x : (tensor<256xf32>, tensor<1xf32>) -> tensor<256xf32>
    %r3 = graph.add %s3, %x : (tensor<256xf32>, tensor<1xf32>) -> tensor<256xf32>
    return %x : tensor<1xf32>
  }
}

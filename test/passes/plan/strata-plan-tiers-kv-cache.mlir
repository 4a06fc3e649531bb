// RUN: strata-opt %s --strata-plan-tiers="gpu-mem=1000000" | FileCheck %s --check-prefix=RESIDENT
// RUN: strata-opt %s --strata-plan-tiers="gpu-mem=140000" | FileCheck %s --check-prefix=ONE
// RUN: strata-opt %s --strata-plan-tiers="gpu-mem=140000 flops=1e6" | FileCheck %s --check-prefix=STREAMED
// RUN: strata-opt %s --strata-plan-tiers="gpu-mem=60000" | FileCheck %s --check-prefix=HOST
// RUN: not strata-opt %s --strata-plan-tiers="gpu-mem=60000 host-mem=90000" 2>&1 | FileCheck %s --check-prefix=NO-HOST
// RUN: strata-opt %s --strata-plan-tiers="gpu-mem=40000" | FileCheck %s --check-prefix=ALL-MOVED
// RUN: not strata-opt %s --strata-plan-tiers="gpu-mem=30000" 2>&1 | FileCheck %s --check-prefix=NO-DEVICE

// A decoder step with two KV caches appended to in place
// (program.kv_caches, as strata-kv-cache-in-place records them): a key cache
// of 512 positions (64 KiB) and a value cache of 256 (32 KiB), beside three
// 16 KiB weights. The caches are placed with the weights: each stays in
// device memory or lives in host memory, read across the host link every
// step (its bytes at 25 GB/s). Neither the past inputs nor the presents
// that return the caches count as activations (544 bytes at their peak with
// the constants).

// Everything fits: 98304 bytes of caches, 49152 of weights.
// RESIDENT: tier.kv_caches = [#tier.kv_cache<input = 1, home = gpu, bytes = 65536>, #tier.kv_cache<input = 2, home = gpu, bytes = 32768>]
// RESIDENT-SAME: tier.plan = #tier.plan<slots = 0, slot_bytes = 0, step_ns = 149, copy_ns = 0, stall_ns = 0, gpu_bytes = 148000, host_bytes = 0,

// 8000 bytes short: streaming the weights saves 16 KiB (two 16 KiB slots
// for three weights) but its copies stand in the open, about 2 us a step at
// this flop rate; the value cache in host memory costs 1311 ns a step (the
// key cache would cost twice that). The planner moves the value cache.
// ONE: tier.kv_caches = [#tier.kv_cache<input = 1, home = gpu, bytes = 65536>, #tier.kv_cache<input = 2, home = host, bytes = 32768>]
// ONE-SAME: tier.plan = #tier.plan<slots = 0, slot_bytes = 0, step_ns = 1460, copy_ns = 0, stall_ns = 0, gpu_bytes = 115232, host_bytes = 32768,

// The same budget at a million flops per second: each product computes for
// 8 ms, which hides the weights' copies, so streaming them costs only the
// first stage's copy (655 ns) and both caches stay in device memory.
// STREAMED: tier.kv_caches = [#tier.kv_cache<input = 1, home = gpu, bytes = 65536>, #tier.kv_cache<input = 2, home = gpu, bytes = 32768>]
// STREAMED-SAME: tier.plan = #tier.plan<slots = 2, slot_bytes = 16384, step_ns = 24576754, copy_ns = 1966, stall_ns = 655, gpu_bytes = 131616, host_bytes = 49152,

// Room for the weights only: both caches live in host memory.
// HOST: tier.kv_caches = [#tier.kv_cache<input = 1, home = host, bytes = 65536>, #tier.kv_cache<input = 2, home = host, bytes = 32768>]
// HOST-SAME: tier.plan = #tier.plan<slots = 0, slot_bytes = 0, step_ns = 4081, copy_ns = 0, stall_ns = 0, gpu_bytes = 49696, host_bytes = 98304,

// Room for the slots only: the weights stream and the caches live in host
// memory.
// ALL-MOVED: tier.kv_caches = [#tier.kv_cache<input = 1, home = host, bytes = 65536>, #tier.kv_cache<input = 2, home = host, bytes = 32768>]
// ALL-MOVED-SAME: tier.plan = #tier.plan<slots = 2, slot_bytes = 16384, step_ns = 5915, copy_ns = 1966, stall_ns = 1834, gpu_bytes = 33312, host_bytes = 147456,

// A host budget smaller than the caches the device cannot hold.
// NO-HOST: error: the host memory budget (host-mem) of 87.89 KiB (90000 bytes) cannot hold this model's KV caches: of 96.00 KiB (98304 bytes), the device memory budget holds at most 0 bytes beside the least the rest needs, so at least 96.00 KiB (98304 bytes) must live in host memory; raise host-mem or gpu-mem

// Below the least the device needs with every cache in host memory.
// NO-DEVICE: error: the device memory budget (gpu-mem) of 29.30 KiB (30000 bytes) cannot hold this model: it needs at least
// NO-DEVICE-SAME: (beside which the KV caches, 96.00 KiB (98304 bytes), can live in host memory)

module {
  ml_program.global private @w0(dense<1.0> : tensor<64x64xf32>) : tensor<64x64xf32>
  ml_program.global private @w1(dense<1.0> : tensor<64x64xf32>) : tensor<64x64xf32>
  ml_program.global private @w2(dense<1.0> : tensor<64x64xf32>) : tensor<64x64xf32>
  func.func @main(%x: tensor<1x64xf32> {program.value = #program.value<"x", dims = ["", ""]>},
                  %k: tensor<1x2x254x16xf32> {program.value = #program.value<"past.key", dims = ["", "", "", ""]>},
                  %v: tensor<1x2x126x16xf32> {program.value = #program.value<"past.value", dims = ["", "", "", ""]>})
      -> (tensor<1x64xf32> {program.value = #program.value<"y", dims = ["", ""]>},
          tensor<1x2x256x16xf32> {program.value = #program.value<"present.key", dims = ["", "", "", ""]>},
          tensor<1x2x128x16xf32> {program.value = #program.value<"present.value", dims = ["", "", "", ""]>})
      attributes {program.entry, program.kv_caches = [#program.kv_cache<input = 1, output = 1, axis = 2, capacity = 512>, #program.kv_cache<input = 2, output = 2, axis = 2, capacity = 256>]} {
    %w0 = ml_program.global_load_const @w0 : tensor<64x64xf32>
    %w1 = ml_program.global_load_const @w1 : tensor<64x64xf32>
    %w2 = ml_program.global_load_const @w2 : tensor<64x64xf32>
    %a = graph.matmul %x, %w0 : (tensor<1x64xf32>, tensor<64x64xf32>) -> tensor<1x64xf32>
    %target = graph.constant dense<[1, 2, 2, 16]> : tensor<4xi64>
    %new = graph.reshape %a, %target : (tensor<1x64xf32>, tensor<4xi64>) -> tensor<1x2x2x16xf32>
    %pk = graph.concat %k, %new {axis = 2 : i64} : (tensor<1x2x254x16xf32>, tensor<1x2x2x16xf32>) -> tensor<1x2x256x16xf32>
    %pv = graph.concat %v, %new {axis = 2 : i64} : (tensor<1x2x126x16xf32>, tensor<1x2x2x16xf32>) -> tensor<1x2x128x16xf32>
    %b = graph.matmul %a, %w1 : (tensor<1x64xf32>, tensor<64x64xf32>) -> tensor<1x64xf32>
    %c = graph.matmul %b, %w2 : (tensor<1x64xf32>, tensor<64x64xf32>) -> tensor<1x64xf32>
    return %c, %pk, %pv : tensor<1x64xf32>, tensor<1x2x256x16xf32>, tensor<1x2x128x16xf32>
  }
}

// RUN: strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=1000000" | FileCheck %s --check-prefix=RESIDENT
// RUN: strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=70000" | FileCheck %s --check-prefix=HOST
// RUN: strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=90000" | FileCheck %s --check-prefix=MIXED
// RUN: strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=70000 host-mem=65536" | FileCheck %s --check-prefix=NVME
// RUN: strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=70000 host-mem=81920" | FileCheck %s --check-prefix=STAGED
// RUN: strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=70000 host-mem=81920 nvme-mem=65536" | FileCheck %s --check-prefix=STAGED
// RUN: strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=70000 flops=1e6" | FileCheck %s --check-prefix=COMPUTE

// Three weights of the weights file (64 KiB at most on the device with
// these budgets) read by four stages: w0 by the first and the last (a tied
// embedding's pattern), w1 and w2 by one each; @small (256 bytes) stays in
// the program. The activations peak at 4 KiB. Streaming needs two slots of
// the largest stage's 32 KiB, so 69632 bytes is the least the device needs.

// Everything fits: nothing moves.
// RESIDENT: tier.plan = #tier.plan<slots = 0, slot_bytes = 0, step_ns = {{[0-9]+}}, copy_ns = {{[0-9]+}}, stall_ns = {{[0-9]+}}, gpu_bytes = 86272, host_bytes = 0, nvme_bytes = 0, h2d_bytes = 0, nvme_read_bytes = 0, placements = [
// RESIDENT-SAME: #tier.placement<"w0", home = gpu, bytes = 16384, first = 0, last = 3>,
// RESIDENT-SAME: #tier.placement<"w1", home = gpu, bytes = 32768, first = 1, last = 1>,
// RESIDENT-SAME: #tier.placement<"w2", home = gpu, bytes = 32768, first = 2, last = 2>]>

// Room for the slots only: every weight streams from the host, and w0 moves
// twice a step, once for each stage that reads it. Transfer-bound at the
// default 25 GB/s: 16384 + 32768 + 32768 + 16384 bytes take 3932 ns, plus the
// last stage's compute.
// HOST: tier.plan = #tier.plan<slots = 2, slot_bytes = 32768, step_ns = 39{{[0-9][0-9]}}, copy_ns = {{[0-9]+}}, stall_ns = {{[0-9]+}}, gpu_bytes = 69888, host_bytes = 81920, nvme_bytes = 0, h2d_bytes = 98304, nvme_read_bytes = 0, placements = [
// HOST-SAME: #tier.placement<"w0", home = host
// HOST-SAME: #tier.placement<"w1", home = host
// HOST-SAME: #tier.placement<"w2", home = host

// 20 KiB beside the slots: w0, the only weight that fits, stays.
// MIXED: tier.plan = #tier.plan<slots = 2, slot_bytes = 32768, step_ns = {{[0-9]+}}, copy_ns = {{[0-9]+}}, stall_ns = {{[0-9]+}}, gpu_bytes = 86272, host_bytes = 65536, nvme_bytes = 0, h2d_bytes = 65536, nvme_read_bytes = 0, placements = [
// MIXED-SAME: #tier.placement<"w0", home = gpu
// MIXED-SAME: #tier.placement<"w1", home = host
// MIXED-SAME: #tier.placement<"w2", home = host

// The host holds only the two staging slots: everything comes from NVMe.
// NVME: tier.plan = #tier.plan<slots = 2, slot_bytes = 32768, step_ns = {{[0-9]+}}, copy_ns = {{[0-9]+}}, stall_ns = {{[0-9]+}}, gpu_bytes = 69888, host_bytes = 65536, nvme_bytes = 81920, h2d_bytes = 98304, nvme_read_bytes = 98304, placements = [
// NVME-SAME: #tier.placement<"w0", home = nvme
// NVME-SAME: #tier.placement<"w1", home = nvme
// NVME-SAME: #tier.placement<"w2", home = nvme

// 16 KiB of host memory beside the staging slots: w0, read twice, is worth
// the most there. An NVMe budget of exactly what is left (64 KiB) holds.
// STAGED: tier.plan = #tier.plan<slots = 2, slot_bytes = 32768, step_ns = {{[0-9]+}}, copy_ns = {{[0-9]+}}, stall_ns = {{[0-9]+}}, gpu_bytes = 69888, host_bytes = 81920, nvme_bytes = 65536, h2d_bytes = 98304, nvme_read_bytes = 65536, placements = [
// STAGED-SAME: #tier.placement<"w0", home = host
// STAGED-SAME: #tier.placement<"w1", home = nvme
// STAGED-SAME: #tier.placement<"w2", home = nvme

// At a million flops per second each stage computes for tens of ms: the
// copies hide behind compute, and the step is the first stage's transfer
// (16384 bytes at 25 GB/s: 655 ns) then the compute of 197376 flops.
// COMPUTE: tier.plan = #tier.plan<slots = 2, slot_bytes = 32768, step_ns = 197376655, copy_ns = {{[0-9]+}}, stall_ns = {{[0-9]+}}, gpu_bytes = 69888,

module {
  ml_program.global private @w0(dense<1.0> : tensor<64x64xf32>) : tensor<64x64xf32>
  ml_program.global private @w1(dense<1.0> : tensor<64x128xf32>) : tensor<64x128xf32>
  ml_program.global private @w2(dense<1.0> : tensor<128x64xf32>) : tensor<128x64xf32>
  ml_program.global private @small(dense<1.0> : tensor<64xf32>) : tensor<64xf32>
  func.func @main(%x: tensor<4x64xf32> {program.value = #program.value<"x", dims = ["", ""]>})
      -> (tensor<4x64xf32> {program.value = #program.value<"y", dims = ["", ""]>})
      attributes {program.entry} {
    %w0 = ml_program.global_load_const @w0 : tensor<64x64xf32>
    %w1 = ml_program.global_load_const @w1 : tensor<64x128xf32>
    %w2 = ml_program.global_load_const @w2 : tensor<128x64xf32>
    %s = ml_program.global_load_const @small : tensor<64xf32>
    %a = graph.matmul %x, %w0 : (tensor<4x64xf32>, tensor<64x64xf32>) -> tensor<4x64xf32>
    %b = graph.add %a, %s : (tensor<4x64xf32>, tensor<64xf32>) -> tensor<4x64xf32>
    %c = graph.matmul %b, %w1 : (tensor<4x64xf32>, tensor<64x128xf32>) -> tensor<4x128xf32>
    %d = graph.relu %c : tensor<4x128xf32>
    %e = graph.matmul %d, %w2 : (tensor<4x128xf32>, tensor<128x64xf32>) -> tensor<4x64xf32>
    %f = graph.matmul %e, %w0 : (tensor<4x64xf32>, tensor<64x64xf32>) -> tensor<4x64xf32>
    return %f : tensor<4x64xf32>
  }
}

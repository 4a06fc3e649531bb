// RUN: strata-opt %s --split-input-file --strata-plan-tier-arenas --verify-diagnostics | FileCheck %s

// The slots get arenas after the buffer plan's, each as large as the bytes
// its tier's buffers span (rounded up to 64): device memory for gpu, host
// memory for the staging slots.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %{{.+}}: memref<?xi8>, %{{.+}}: memref<?xi8> {tier.arena = "gpu"}, %{{.+}}: memref<?xi8> {tier.arena = "host"})
// CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 512, lower_bound = 512, alignment = 64>, #program.arena<space = 0, bytes = 32832, lower_bound = 32832, alignment = 64>, #program.arena<space = 1, bytes = 16512, lower_bound = 16512, alignment = 4096>]
func.func @main(%x: memref<4x4xf32>, %arena: memref<?xi8>)
    attributes {program.entry, program.arenas = [#program.arena<space = 0, bytes = 512, lower_bound = 512, alignment = 64>]} {
  %a = tier.alloc gpu offset 0 : memref<64x64xf32>
  %b = tier.alloc gpu offset 16448 : memref<64x64xf32>
  %c = tier.alloc host offset 16448 : memref<3xf32>
  tier.free %a : memref<64x64xf32>
  tier.free %b : memref<64x64xf32>
  tier.free %c : memref<3xf32>
  return
}

// -----

// Without tier buffers nothing changes.
// CHECK-LABEL: func.func @untiered(%{{.+}}: memref<4xf32>)
// CHECK-NOT: tier.arena
func.func @untiered(%x: memref<4xf32>) {
  return
}

// -----

func.func @on_nvme() {
  // expected-error @+1 {{the runtime has no NVMe arena; buffers on NVMe are files}}
  %a = tier.alloc nvme offset 0 : memref<4xf32>
  return
}

// -----

// The arenas hold the plan's two slots even where the buffers span less.
// CHECK-LABEL: func.func @reserved
// CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 65536, lower_bound = 65536, alignment = 64>]
module attributes {tier.plan = #tier.plan<slots = 2, slot_bytes = 32768, step_ns = 0, copy_ns = 0, stall_ns = 0,
    gpu_bytes = 0, host_bytes = 0, nvme_bytes = 0, h2d_bytes = 0, nvme_read_bytes = 0,
    placements = []>} {
  func.func @reserved() attributes {program.entry} {
    %a = tier.alloc gpu offset 0 : memref<64xf32>
    tier.free %a : memref<64xf32>
    return
  }
}

// -----

// The buffer plan has the last word on the activations: a program whose
// device arenas and resident weights exceed the budget the plan was made for
// is an error saying by how much.
module attributes {tier.device_budget = 40000 : i64,
    tier.plan = #tier.plan<slots = 2, slot_bytes = 8192, step_ns = 0, copy_ns = 0, stall_ns = 0,
    gpu_bytes = 0, host_bytes = 0, nvme_bytes = 0, h2d_bytes = 0, nvme_read_bytes = 0,
    placements = [#tier.placement<"r", home = gpu, bytes = 16384, first = 0, last = 0>]>} {
  // expected-error @+1 {{the program needs 41024 bytes of device memory, more than the budget (gpu-mem) of 40000: its arenas (activations and tier slots) take 24640 bytes and the weights the plan keeps resident 16384; the tier planner's estimate of the activations, made on the graph, fell short. Raise gpu-mem by 1024 bytes or more}}
  func.func @over(%arena: memref<?xi8>) attributes {program.entry, program.arenas = [#program.arena<space = 0, bytes = 8256, lower_bound = 8256, alignment = 64>]} {
    %a = tier.alloc gpu offset 0 : memref<64xf32>
    tier.free %a : memref<64xf32>
    return
  }
}

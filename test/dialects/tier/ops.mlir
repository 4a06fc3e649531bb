// RUN: strata-opt %s | strata-opt | FileCheck %s

// Round trip of every op, type and attribute of the tier dialect.

// CHECK: module attributes {tier.kv_caches = [#tier.kv_cache<input = 1, home = gpu, bytes = 4096>, #tier.kv_cache<input = 2, home = host, bytes = 4096>], tier.plan = #tier.plan<slots = 2, slot_bytes = 16384, step_ns = 1500, copy_ns = 1200, stall_ns = 300, gpu_bytes = 40960, host_bytes = 16384, nvme_bytes = 16384, h2d_bytes = 32768, nvme_read_bytes = 16384, placements = [#tier.placement<"w0", home = gpu, bytes = 8192, first = 0, last = 3>, #tier.placement<"w1", home = host, bytes = 16384, first = 1, last = 1>, #tier.placement<"w2", home = nvme, bytes = 16384, first = 2, last = 2>]>}
module attributes {tier.kv_caches = [#tier.kv_cache<input = 1, home = gpu, bytes = 4096>,
                                     #tier.kv_cache<input = 2, home = host, bytes = 4096>],
    tier.plan = #tier.plan<slots = 2, slot_bytes = 16384, step_ns = 1500, copy_ns = 1200, stall_ns = 300,
    gpu_bytes = 40960, host_bytes = 16384, nvme_bytes = 16384, h2d_bytes = 32768,
    nvme_read_bytes = 16384,
    placements = [#tier.placement<"w0", home = gpu, bytes = 8192, first = 0, last = 3>,
                  #tier.placement<"w1", home = host, bytes = 16384, first = 1, last = 1>,
                  #tier.placement<"w2", home = nvme, bytes = 16384, first = 2, last = 2>]>} {

  // CHECK-LABEL: func.func @stream_from_nvme
  // CHECK-SAME: (%[[FILE:.+]]: memref<64x64xf32>)
  func.func @stream_from_nvme(%file: memref<64x64xf32>) -> f32 {
    // CHECK: %[[PINNED:.+]] = tier.alloc host offset 0 : memref<64x64xf32>
    // CHECK: %[[SLOT:.+]] = tier.alloc gpu offset 16384 : memref<64x64xf32>
    // CHECK: %[[STAGED:.+]] = tier.copy %[[FILE]] to %[[PINNED]] on "nvme" : memref<64x64xf32> to memref<64x64xf32>
    // CHECK: %[[READY:.+]] = tier.copy %[[PINNED]] to %[[SLOT]] on "h2d" after %[[STAGED]] : memref<64x64xf32> to memref<64x64xf32>
    // CHECK: tier.wait %[[READY]]
    // CHECK: memref.load %[[SLOT]]
    // CHECK: tier.free %[[SLOT]] : memref<64x64xf32>
    // CHECK: tier.free %[[PINNED]] : memref<64x64xf32>
    %pinned = tier.alloc host offset 0 : memref<64x64xf32>
    %slot = tier.alloc gpu offset 16384 : memref<64x64xf32>
    %staged = tier.copy %file to %pinned on "nvme" : memref<64x64xf32> to memref<64x64xf32>
    %ready = tier.copy %pinned to %slot on "h2d" after %staged : memref<64x64xf32> to memref<64x64xf32>
    tier.wait %ready
    %c0 = arith.constant 0 : index
    %x = memref.load %slot[%c0, %c0] : memref<64x64xf32>
    tier.free %slot : memref<64x64xf32>
    tier.free %pinned : memref<64x64xf32>
    return %x : f32
  }

  // CHECK-LABEL: func.func @events_as_values
  // CHECK-SAME: -> !tier.event
  func.func @events_as_values(%a: memref<4xi8>, %b: memref<4xi8>, %e0: !tier.event,
                              %e1: !tier.event) -> !tier.event {
    // CHECK: tier.copy %{{.+}} to %{{.+}} on "h2d" after %{{.+}}, %{{.+}} : memref<4xi8> to memref<4xi8>
    %e = tier.copy %a to %b on "h2d" after %e0, %e1 : memref<4xi8> to memref<4xi8>
    return %e : !tier.event
  }
}

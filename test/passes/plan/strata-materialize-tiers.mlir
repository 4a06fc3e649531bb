// RUN: strata-opt %s --split-input-file --strata-materialize-tiers --verify-diagnostics | FileCheck %s

// w0 stays resident; w1 streams from the host, w2 from NVMe through a pinned
// staging slot. Each stage's copies are queued before the stage ahead of it
// (the first two stages' at the first reader), the stage waits for them
// before its reader and frees its slot after it; stages alternate between
// the two slots of 32 KiB. w2 is read through views made at the top of the
// function: the reader gets its own views of the slot, and the weights'
// unused names are gone.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: memref<4x64xf32>, %[[A:.+]]: memref<4x64xf32>, %[[B:.+]]: memref<4x128xf32>, %[[C:.+]]: memref<4x64xf32>)
// CHECK-NEXT: %[[W0:.+]] = memref.get_global @w0 : memref<64x64xf32>
// CHECK-NEXT: linalg.matmul ins(%[[X]], %[[W0]] : memref<4x64xf32>, memref<64x64xf32>) outs(%[[A]] : memref<4x64xf32>)
// CHECK-NEXT: %[[W1HOME:.+]] = memref.get_global @w1 : memref<64x128xf32>
// CHECK-NEXT: %[[W1SLOT:.+]] = tier.alloc gpu offset 0 : memref<64x128xf32>
// CHECK-NEXT: %[[W1READY:.+]] = tier.copy %[[W1HOME]] to %[[W1SLOT]] on "h2d" : memref<64x128xf32> to memref<64x128xf32>
// CHECK-NEXT: %[[W2HOME:.+]] = memref.get_global @w2 : memref<128x64xf32>
// CHECK-NEXT: %[[W2SLOT:.+]] = tier.alloc gpu offset 32768 : memref<128x64xf32>
// CHECK-NEXT: %[[W2PINNED:.+]] = tier.alloc host offset 32768 : memref<128x64xf32>
// CHECK-NEXT: %[[W2STAGED:.+]] = tier.copy %[[W2HOME]] to %[[W2PINNED]] on "nvme" : memref<128x64xf32> to memref<128x64xf32>
// CHECK-NEXT: %[[W2READY:.+]] = tier.copy %[[W2PINNED]] to %[[W2SLOT]] on "h2d" after %[[W2STAGED]] : memref<128x64xf32> to memref<128x64xf32>
// CHECK-NEXT: tier.wait %[[W1READY]]
// CHECK-NEXT: linalg.matmul ins(%[[A]], %[[W1SLOT]] : memref<4x64xf32>, memref<64x128xf32>) outs(%[[B]] : memref<4x128xf32>)
// CHECK-NEXT: tier.free %[[W1SLOT]] : memref<64x128xf32>
// CHECK-NEXT: %[[VIEW:.+]] = memref.collapse_shape %[[W2SLOT]]
// CHECK-NEXT: %[[EXPANDED:.+]] = memref.expand_shape %[[VIEW]]
// CHECK-NEXT: tier.wait %[[W2READY]]
// CHECK-NEXT: tier.free %[[W2PINNED]] : memref<128x64xf32>
// CHECK-NEXT: linalg.matmul ins(%[[B]], %[[EXPANDED]] : memref<4x128xf32>, memref<128x64xf32>) outs(%[[C]] : memref<4x64xf32>)
// CHECK-NEXT: tier.free %[[W2SLOT]] : memref<128x64xf32>
// CHECK-NEXT: return
// CHECK-NOT: memref.get_global
module attributes {tier.plan = #tier.plan<slots = 2, slot_bytes = 32768, step_ns = 0, copy_ns = 0, stall_ns = 0,
    gpu_bytes = 0, host_bytes = 0, nvme_bytes = 0, h2d_bytes = 0, nvme_read_bytes = 0,
    placements = [#tier.placement<"w0", home = gpu, bytes = 16384, first = 0, last = 0>,
                  #tier.placement<"w1", home = host, bytes = 32768, first = 1, last = 1>,
                  #tier.placement<"w2", home = nvme, bytes = 32768, first = 2, last = 2>]>} {
  memref.global "private" constant @w0 : memref<64x64xf32> = dense<1.0>
  memref.global "private" constant @w1 : memref<64x128xf32> = dense<1.0>
  memref.global "private" constant @w2 : memref<128x64xf32> = dense<1.0>
  func.func @main(%x: memref<4x64xf32>, %a: memref<4x64xf32>, %b: memref<4x128xf32>,
                  %c: memref<4x64xf32>) attributes {program.entry} {
    %w0 = memref.get_global @w0 : memref<64x64xf32>
    %w1 = memref.get_global @w1 : memref<64x128xf32>
    %w2 = memref.get_global @w2 : memref<128x64xf32>
    %flat = memref.collapse_shape %w2 [[0, 1]] : memref<128x64xf32> into memref<8192xf32>
    %w2v = memref.expand_shape %flat [[0, 1]] output_shape [128, 64] : memref<8192xf32> into memref<128x64xf32>
    linalg.matmul ins(%x, %w0 : memref<4x64xf32>, memref<64x64xf32>) outs(%a : memref<4x64xf32>)
    linalg.matmul ins(%a, %w1 : memref<4x64xf32>, memref<64x128xf32>) outs(%b : memref<4x128xf32>)
    linalg.matmul ins(%b, %w2v : memref<4x128xf32>, memref<128x64xf32>) outs(%c : memref<4x64xf32>)
    return
  }
}

// -----

// A weight read by two stages is copied for each; an op reading only weights
// its stage already holds stays in that stage.
// CHECK-LABEL: func.func @twice
// CHECK: %[[FIRST:.+]] = tier.alloc gpu offset 0 : memref<64x64xf32>
// CHECK: %[[OTHER:.+]] = tier.alloc gpu offset 16384 : memref<64x64xf32>
// CHECK: linalg.matmul ins(%{{.+}}, %[[FIRST]]
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %[[FIRST]]
// CHECK-NEXT: tier.free %[[FIRST]]
// CHECK: %[[AGAIN:.+]] = tier.alloc gpu offset 0 : memref<64x64xf32>
// CHECK: linalg.matmul ins(%{{.+}}, %[[OTHER]]
// CHECK: linalg.matmul ins(%{{.+}}, %[[AGAIN]]
module attributes {tier.plan = #tier.plan<slots = 2, slot_bytes = 16384, step_ns = 0, copy_ns = 0, stall_ns = 0,
    gpu_bytes = 0, host_bytes = 0, nvme_bytes = 0, h2d_bytes = 0, nvme_read_bytes = 0,
    placements = [#tier.placement<"e", home = host, bytes = 16384, first = 0, last = 2>,
                  #tier.placement<"f", home = host, bytes = 16384, first = 1, last = 1>]>} {
  memref.global "private" constant @e : memref<64x64xf32> = dense<1.0>
  memref.global "private" constant @f : memref<64x64xf32> = dense<1.0>
  func.func @twice(%x: memref<4x64xf32>, %a: memref<4x64xf32>, %b: memref<4x64xf32>)
      attributes {program.entry} {
    %e = memref.get_global @e : memref<64x64xf32>
    %f = memref.get_global @f : memref<64x64xf32>
    linalg.matmul ins(%x, %e : memref<4x64xf32>, memref<64x64xf32>) outs(%a : memref<4x64xf32>)
    linalg.matmul ins(%a, %e : memref<4x64xf32>, memref<64x64xf32>) outs(%b : memref<4x64xf32>)
    linalg.matmul ins(%b, %f : memref<4x64xf32>, memref<64x64xf32>) outs(%a : memref<4x64xf32>)
    linalg.matmul ins(%a, %e : memref<4x64xf32>, memref<64x64xf32>) outs(%b : memref<4x64xf32>)
    return
  }
}

// -----

// One op reading two streamed weights needs both in its slot.
module attributes {tier.plan = #tier.plan<slots = 2, slot_bytes = 16384, step_ns = 0, copy_ns = 0, stall_ns = 0,
    gpu_bytes = 0, host_bytes = 0, nvme_bytes = 0, h2d_bytes = 0, nvme_read_bytes = 0,
    placements = [#tier.placement<"e", home = host, bytes = 16384, first = 0, last = 0>,
                  #tier.placement<"f", home = host, bytes = 16384, first = 0, last = 0>]>} {
  memref.global "private" constant @e : memref<64x64xf32> = dense<1.0>
  memref.global "private" constant @f : memref<64x64xf32> = dense<1.0>
  func.func @both(%a: memref<64x64xf32>) attributes {program.entry} {
    %e = memref.get_global @e : memref<64x64xf32>
    %f = memref.get_global @f : memref<64x64xf32>
    // expected-error @+1 {{the weights this op's stage reads need more than the tier plan's slot of 16384 bytes}}
    linalg.matmul ins(%e, %f : memref<64x64xf32>, memref<64x64xf32>) outs(%a : memref<64x64xf32>)
    return
  }
}

// -----

// Without a plan nothing changes.
// CHECK-LABEL: func.func @unplanned
// CHECK-NEXT: memref.get_global @e
// CHECK-NEXT: linalg.matmul
module {
  memref.global "private" constant @e : memref<64x64xf32> = dense<1.0>
  func.func @unplanned(%a: memref<64x64xf32>, %b: memref<64x64xf32>) attributes {program.entry} {
    %e = memref.get_global @e : memref<64x64xf32>
    linalg.matmul ins(%a, %e : memref<64x64xf32>, memref<64x64xf32>) outs(%b : memref<64x64xf32>)
    return
  }
}

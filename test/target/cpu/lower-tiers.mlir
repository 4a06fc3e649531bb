// RUN: strata-opt %s --split-input-file --strata-cpu-lower-tiers --verify-diagnostics | FileCheck %s

// Buffers become views of their tier's arena; copies run where they were
// queued; waits and frees go. The arena markers leave the arguments.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[W:.+]]: memref<64xf32>, %[[GPU:[^:]+]]: memref<?xi8>, %[[HOST:[^:]+]]: memref<?xi8>) -> f32
// CHECK-NOT: tier.
// CHECK: %[[C256:.+]] = arith.constant 256 : index
// CHECK-NEXT: %[[SLOT:.+]] = memref.view %[[GPU]][%[[C256]]][] : memref<?xi8> to memref<64xf32>
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[PINNED:.+]] = memref.view %[[HOST]][%[[C0]]][] : memref<?xi8> to memref<64xf32>
// CHECK: memref.copy %[[W]], %[[PINNED]] : memref<64xf32> to memref<64xf32>
// CHECK-NEXT: memref.copy %[[PINNED]], %[[SLOT]] : memref<64xf32> to memref<64xf32>
// CHECK-NEXT: arith.constant
// CHECK-NEXT: memref.load %[[SLOT]]
// CHECK-NOT: tier.
func.func @main(%w: memref<64xf32>, %gpu: memref<?xi8> {tier.arena = "gpu"},
                %host: memref<?xi8> {tier.arena = "host"}) -> f32 {
  %slot = tier.alloc gpu offset 256 : memref<64xf32>
  %pinned = tier.alloc host offset 0 : memref<64xf32>
  %staged = tier.copy %w to %pinned on "nvme" : memref<64xf32> to memref<64xf32>
  %ready = tier.copy %pinned to %slot on "h2d" after %staged : memref<64xf32> to memref<64xf32>
  tier.wait %ready
  tier.free %pinned : memref<64xf32>
  %c0 = arith.constant 0 : index
  %x = memref.load %slot[%c0] : memref<64xf32>
  tier.free %slot : memref<64xf32>
  return %x : f32
}

// -----

func.func @no_arena() {
  // expected-error @+1 {{no arena argument for tier 'gpu'; run strata-plan-tier-arenas first}}
  %slot = tier.alloc gpu offset 0 : memref<64xf32>
  return
}

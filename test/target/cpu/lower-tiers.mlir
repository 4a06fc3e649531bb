// RUN: strata-opt %s --split-input-file --strata-cpu-lower-tiers --verify-diagnostics | FileCheck %s

// Buffers become views of their tier's arena; copies run where they were
// queued, as calls of the runtime's counted copy on the buffers' addresses
// and sizes; waits and frees go. The arena markers leave the arguments.
// CHECK-LABEL: func.func private @strata_cpu_tier_copy(i64, i64, i64)
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[W:.+]]: memref<64xf32>, %[[GPU:[^:]+]]: memref<?xi8>, %[[HOST:[^:]+]]: memref<?xi8>) -> f32
// CHECK-NOT: tier.
// CHECK: %[[C256:.+]] = arith.constant 256 : index
// CHECK-NEXT: %[[SLOT:.+]] = memref.view %[[GPU]][%[[C256]]][] : memref<?xi8> to memref<64xf32>
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[PINNED:.+]] = memref.view %[[HOST]][%[[C0]]][] : memref<?xi8> to memref<64xf32>
// CHECK: %[[BYTES:.+]] = arith.constant 256 : i64
// CHECK: %[[PINNEDPTR:.+]] = memref.extract_aligned_pointer_as_index %[[PINNED]]
// CHECK: %[[WPTR:.+]] = memref.extract_aligned_pointer_as_index %[[W]]
// CHECK: call @strata_cpu_tier_copy({{.+}}, {{.+}}, %[[BYTES]]) : (i64, i64, i64) -> ()
// CHECK: memref.extract_aligned_pointer_as_index %[[SLOT]]
// CHECK: memref.extract_aligned_pointer_as_index %[[PINNED]]
// CHECK: call @strata_cpu_tier_copy
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

// A copy from NVMe of a weight (a view of the weights file's region at a
// constant offset) reads the file: the region's address, the offset, the
// target's address, the size.
// CHECK-LABEL: func.func private @strata_cpu_read_weights(i64, i64, i64, i64)
// CHECK-LABEL: func.func @from_file
// CHECK-SAME: (%[[REGION:.+]]: memref<?xi8> {program.weights_region}, %[[HOST:[^:]+]]: memref<?xi8>)
// CHECK: %[[BYTES:.+]] = arith.constant 16384 : i64
// CHECK: %[[BASE:.+]] = memref.extract_aligned_pointer_as_index %[[REGION]]
// CHECK: %[[BASE64:.+]] = arith.index_cast %[[BASE]] : index to i64
// CHECK: %[[OFFSET:.+]] = arith.constant 4096 : i64
// CHECK: call @strata_cpu_read_weights(%[[BASE64]], %[[OFFSET]], %{{.+}}, %[[BYTES]])
func.func @from_file(%weights: memref<?xi8> {program.weights_region},
                     %host: memref<?xi8> {tier.arena = "host"}) {
  %c4096 = arith.constant 4096 : index
  %w = memref.view %weights[%c4096][] : memref<?xi8> to memref<64x64xf32>
  %pinned = tier.alloc host offset 0 : memref<64x64xf32>
  %staged = tier.copy %w to %pinned on "nvme" : memref<64x64xf32> to memref<64x64xf32>
  tier.wait %staged
  tier.free %pinned : memref<64x64xf32>
  return
}

// -----

func.func @no_arena() {
  // expected-error @+1 {{no arena argument for tier 'gpu'; run strata-plan-tier-arenas first}}
  %slot = tier.alloc gpu offset 0 : memref<64xf32>
  return
}

// -----

func.func @strided(%w: memref<4x4xf32, strided<[8, 1]>>, %gpu: memref<?xi8> {tier.arena = "gpu"}) {
  %slot = tier.alloc gpu offset 0 : memref<4x4xf32>
  // expected-error @+1 {{tier copies move contiguous buffers; this one has a strided operand}}
  %e = tier.copy %w to %slot on "h2d" : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
  return
}

// RUN: strata-opt %s --split-input-file --strata-cpu-lower-tiers --verify-diagnostics | FileCheck %s

// Buffers become views of their tier's arena; each stream is a copy stream of
// the runtime, numbered in the order the module names them ("disk" 0, "h2d"
// 1); a copy queues a call on its stream that returns a ticket; an event of
// another stream becomes a wait queued on the copy's stream; a wait blocks on
// the ticket before the first reader; frees go. The arena markers leave the
// arguments.
// CHECK-DAG: func.func private @strata_cpu_tier_copy(i64, i64, i64, i64) -> i64
// CHECK-DAG: func.func private @strata_cpu_tier_stream_wait(i64, i64, i64)
// CHECK-DAG: func.func private @strata_cpu_tier_wait(i64, i64)
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[W:.+]]: memref<64xf32>, %[[GPU:[^:]+]]: memref<?xi8>, %[[HOST:[^:]+]]: memref<?xi8>) -> f32
// CHECK-NOT: tier.
// CHECK: %[[C256:.+]] = arith.constant 256 : index
// CHECK-NEXT: %[[SLOT:.+]] = memref.view %[[GPU]][%[[C256]]][] : memref<?xi8> to memref<64xf32>
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[PINNED:.+]] = memref.view %[[HOST]][%[[C0]]][] : memref<?xi8> to memref<64xf32>
// CHECK-NEXT: %[[NVME:.+]] = arith.constant 0 : i64
// CHECK-NEXT: %[[BYTES:.+]] = arith.constant 256 : i64
// CHECK: memref.extract_aligned_pointer_as_index %[[PINNED]]
// CHECK: memref.extract_aligned_pointer_as_index %[[W]]
// CHECK: %[[STAGED:.+]] = call @strata_cpu_tier_copy(%[[NVME]], {{.+}}, {{.+}}, %[[BYTES]]) : (i64, i64, i64, i64) -> i64
// CHECK-NEXT: %[[H2D:.+]] = arith.constant 1 : i64
// CHECK-NEXT: %[[NVME2:.+]] = arith.constant 0 : i64
// CHECK-NEXT: call @strata_cpu_tier_stream_wait(%[[H2D]], %[[NVME2]], %[[STAGED]])
// CHECK: memref.extract_aligned_pointer_as_index %[[SLOT]]
// CHECK: memref.extract_aligned_pointer_as_index %[[PINNED]]
// CHECK: %[[READY:.+]] = call @strata_cpu_tier_copy(%[[H2D]],
// CHECK-NEXT: %[[H2D3:.+]] = arith.constant 1 : i64
// CHECK-NEXT: call @strata_cpu_tier_wait(%[[H2D3]], %[[READY]]) : (i64, i64) -> ()
// CHECK-NEXT: arith.constant
// CHECK-NEXT: memref.load %[[SLOT]]
// CHECK-NOT: tier.
func.func @main(%w: memref<64xf32>, %gpu: memref<?xi8> {tier.arena = "gpu"},
                %host: memref<?xi8> {tier.arena = "host"}) -> f32 {
  %slot = tier.alloc gpu offset 256 : memref<64xf32>
  %pinned = tier.alloc host offset 0 : memref<64xf32>
  %staged = tier.copy %w to %pinned on "disk" : memref<64xf32> to memref<64xf32>
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
// CHECK-LABEL: func.func private @strata_cpu_tier_read_weights(i64, i64, i64, i64, i64) -> i64
// CHECK-LABEL: func.func @from_file
// CHECK-SAME: (%[[REGION:.+]]: memref<?xi8> {program.weights_region}, %[[HOST:[^:]+]]: memref<?xi8>)
// CHECK: %[[STREAM:.+]] = arith.constant 0 : i64
// CHECK: %[[BYTES:.+]] = arith.constant 16384 : i64
// CHECK: %[[BASE:.+]] = memref.extract_aligned_pointer_as_index %[[REGION]]
// CHECK: %[[BASE64:.+]] = arith.index_cast %[[BASE]] : index to i64
// CHECK: %[[OFFSET:.+]] = arith.constant 4096 : i64
// CHECK: %[[T:.+]] = call @strata_cpu_tier_read_weights(%[[STREAM]], %[[BASE64]], %[[OFFSET]], %{{.+}}, %[[BYTES]])
// CHECK: call @strata_cpu_tier_wait(%{{.+}}, %[[T]])
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

// -----

func.func @foreign_event(%e: !tier.event) {
  // expected-error @+1 {{waits for an event no earlier tier.copy of this function made}}
  tier.wait %e
  return
}

// -----

// Two copies on one stream need no wait between them: the stream runs them
// in order.
// CHECK-LABEL: func.func @same_stream
// CHECK: %[[FIRST:.+]] = call @strata_cpu_tier_copy
// CHECK-NOT: strata_cpu_tier_stream_wait
// CHECK: call @strata_cpu_tier_copy
func.func @same_stream(%w: memref<4xf32>, %gpu: memref<?xi8> {tier.arena = "gpu"}) {
  %a = tier.alloc gpu offset 0 : memref<4xf32>
  %b = tier.alloc gpu offset 64 : memref<4xf32>
  %e = tier.copy %w to %a on "h2d" : memref<4xf32> to memref<4xf32>
  %f = tier.copy %w to %b on "h2d" after %e : memref<4xf32> to memref<4xf32>
  tier.wait %f
  return
}

// -----

func.func @nine_streams(%w: memref<4xf32>, %gpu: memref<?xi8> {tier.arena = "gpu"}) {
  %a = tier.alloc gpu offset 0 : memref<4xf32>
  %e0 = tier.copy %w to %a on "s0" : memref<4xf32> to memref<4xf32>
  %e1 = tier.copy %w to %a on "s1" : memref<4xf32> to memref<4xf32>
  %e2 = tier.copy %w to %a on "s2" : memref<4xf32> to memref<4xf32>
  %e3 = tier.copy %w to %a on "s3" : memref<4xf32> to memref<4xf32>
  %e4 = tier.copy %w to %a on "s4" : memref<4xf32> to memref<4xf32>
  %e5 = tier.copy %w to %a on "s5" : memref<4xf32> to memref<4xf32>
  %e6 = tier.copy %w to %a on "s6" : memref<4xf32> to memref<4xf32>
  %e7 = tier.copy %w to %a on "s7" : memref<4xf32> to memref<4xf32>
  // expected-error @+1 {{the CPU device has 8 copy streams; this copy names another}}
  %e8 = tier.copy %w to %a on "s8" : memref<4xf32> to memref<4xf32>
  return
}

// -----

func.func @nvme_not_from_file(%w: memref<4xf32>, %host: memref<?xi8> {tier.arena = "host"}) {
  %a = tier.alloc host offset 0 : memref<4xf32>
  // expected-error @+1 {{a copy on stream "nvme" reads the weights file; this one's source is not a view of the weights region at a constant offset}}
  %e = tier.copy %w to %a on "nvme" : memref<4xf32> to memref<4xf32>
  return
}

// -----

func.func @index_elements(%w: memref<4xindex>, %a: memref<4xindex>) {
  // expected-error @+1 {{tier copies move buffers of static shape and integer or float elements; this one's is 'memref<4xindex>'}}
  %e = tier.copy %w to %a on "h2d" : memref<4xindex> to memref<4xindex>
  return
}

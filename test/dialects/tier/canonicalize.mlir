// RUN: strata-opt %s --split-input-file --canonicalize | FileCheck %s

// A second wait for an event is removed; the first stays.
// CHECK-LABEL: func.func @repeated_wait
// CHECK: %[[E:.+]] = tier.copy
// CHECK-NEXT: tier.wait %[[E]]
// CHECK-NEXT: memref.load
// CHECK-NOT: tier.wait
func.func @repeated_wait(%a: memref<4xf32>) -> f32 {
  %slot = tier.alloc gpu offset 0 : memref<4xf32>
  %e = tier.copy %a to %slot on "h2d" : memref<4xf32> to memref<4xf32>
  tier.wait %e
  %c0 = arith.constant 0 : index
  %x = memref.load %slot[%c0] : memref<4xf32>
  tier.wait %e
  %y = memref.load %slot[%c0] : memref<4xf32>
  %s = arith.addf %x, %y : f32
  tier.free %slot : memref<4xf32>
  return %s : f32
}

// -----

// Waits in sibling branches do not dominate each other: both stay.
// CHECK-LABEL: func.func @waits_in_branches
// CHECK-COUNT-2: tier.wait
func.func @waits_in_branches(%c: i1, %e: !tier.event) {
  scf.if %c {
    tier.wait %e
  } else {
    tier.wait %e
  }
  return
}

// -----

// A buffer only freed is not allocated.
// CHECK-LABEL: func.func @unused_alloc
// CHECK-NEXT: return
func.func @unused_alloc() {
  %slot = tier.alloc gpu offset 0 : memref<4xf32>
  tier.free %slot : memref<4xf32>
  return
}

// -----

// A buffer a copy writes stays, and so does the copy.
// CHECK-LABEL: func.func @written_alloc
// CHECK: tier.alloc
// CHECK: tier.copy
// CHECK: tier.free
func.func @written_alloc(%a: memref<4xf32>) -> !tier.event {
  %slot = tier.alloc gpu offset 0 : memref<4xf32>
  %e = tier.copy %a to %slot on "h2d" : memref<4xf32> to memref<4xf32>
  tier.free %slot : memref<4xf32>
  return %e : !tier.event
}

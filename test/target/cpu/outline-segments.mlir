// RUN: strata-opt %s --split-input-file --strata-cpu-outline-segments="ops-per-segment=4" | FileCheck %s

// Six kernel calls on views of the arena become two segments of four and two
// calls (the views and constants, recomputed where used, are not counted);
// the second recomputes the views it uses from the arena argument. Segments
// cannot be inlined.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[ARENA:.+]]: memref<?xi8>
// CHECK-NEXT: call @main_segment(%[[ARENA]]) : (memref<?xi8>) -> ()
// CHECK-NEXT: call @main_segment_0(%[[ARENA]]) : (memref<?xi8>) -> ()
// CHECK-NEXT: return
// CHECK: func.func private @main_segment(%{{.+}}: memref<?xi8>) attributes {passthrough = ["noinline", "optnone"]}
// CHECK-COUNT-2: memref.view
// CHECK-COUNT-4: call @k(
// CHECK-NEXT: return
// CHECK: func.func private @main_segment_0(%[[A1:.+]]: memref<?xi8>) attributes {passthrough = ["noinline", "optnone"]}
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C64:.+]] = arith.constant 64 : index
// CHECK-DAG: %[[X:.+]] = memref.view %[[A1]][%[[C0]]][]
// CHECK-DAG: %[[Y:.+]] = memref.view %[[A1]][%[[C64]]][]
// CHECK: call @k(%[[X]], %[[Y]])
// CHECK-NEXT: call @k(%[[Y]], %[[X]])
// CHECK-NEXT: return
func.func private @k(memref<16xf32>, memref<16xf32>)
func.func @main(%arena: memref<?xi8>) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %x = memref.view %arena[%c0][] : memref<?xi8> to memref<16xf32>
  %y = memref.view %arena[%c64][] : memref<?xi8> to memref<16xf32>
  call @k(%x, %y) : (memref<16xf32>, memref<16xf32>) -> ()
  call @k(%y, %x) : (memref<16xf32>, memref<16xf32>) -> ()
  call @k(%x, %y) : (memref<16xf32>, memref<16xf32>) -> ()
  call @k(%y, %x) : (memref<16xf32>, memref<16xf32>) -> ()
  call @k(%x, %y) : (memref<16xf32>, memref<16xf32>) -> ()
  call @k(%y, %x) : (memref<16xf32>, memref<16xf32>) -> ()
  return
}

// -----

// A body no longer than a segment stays whole.
// CHECK-LABEL: func.func @short(
// CHECK-NOT: call @short_segment
// CHECK: call @k(
// CHECK-NEXT: call @k(
// CHECK-NEXT: return
// CHECK-NOT: func.func private @short_segment
func.func private @k(memref<16xf32>, memref<16xf32>)
func.func @short(%x: memref<16xf32>, %y: memref<16xf32>) {
  call @k(%x, %y) : (memref<16xf32>, memref<16xf32>) -> ()
  call @k(%y, %x) : (memref<16xf32>, memref<16xf32>) -> ()
  return
}

// -----

// What a segment computes and a later one uses (an allocation, a call's
// result) is returned by the first and passed to the second; what the
// function returns comes back from the last segment.
// CHECK-LABEL: func.func @carried(
// CHECK-NEXT: %[[R0:.+]]:2 = call @carried_segment(%{{.+}}) : (index) -> (memref<?xf32>, index)
// CHECK-NEXT: %[[R1:.+]] = call @carried_segment_0(%[[R0]]#0, %[[R0]]#1) : (memref<?xf32>, index) -> index
// CHECK-NEXT: return %[[R1]]
func.func private @size(index) -> index
func.func private @use(memref<?xf32>, index) -> index
func.func @carried(%n: index) -> index {
  %m = call @size(%n) : (index) -> index
  %buffer = memref.alloc(%m) : memref<?xf32>
  %a = call @use(%buffer, %m) : (memref<?xf32>, index) -> index
  %b = call @use(%buffer, %a) : (memref<?xf32>, index) -> index
  %c = call @use(%buffer, %b) : (memref<?xf32>, index) -> index
  memref.dealloc %buffer : memref<?xf32>
  return %c : index
}

// -----

// A stack buffer and its uses stay in one segment, however long.
// CHECK-LABEL: func.func @stack(
// CHECK-NEXT: call @stack_segment(
// CHECK-NEXT: call @stack_segment_0(
// CHECK-NEXT: return
// CHECK: func.func private @stack_segment(
// CHECK: memref.alloca
// CHECK-COUNT-5: call @fill(%alloca)
// CHECK-NEXT: return
// CHECK: func.func private @stack_segment_0(
// CHECK-NOT: memref.alloca
// CHECK-COUNT-4: call @fill(%arg0)
// CHECK-NEXT: return
func.func private @fill(memref<4xi64>)
func.func @stack(%x: memref<4xi64>) {
  %slot = memref.alloca() : memref<4xi64>
  call @fill(%slot) : (memref<4xi64>) -> ()
  call @fill(%slot) : (memref<4xi64>) -> ()
  call @fill(%slot) : (memref<4xi64>) -> ()
  call @fill(%slot) : (memref<4xi64>) -> ()
  call @fill(%slot) : (memref<4xi64>) -> ()
  call @fill(%x) : (memref<4xi64>) -> ()
  call @fill(%x) : (memref<4xi64>) -> ()
  call @fill(%x) : (memref<4xi64>) -> ()
  call @fill(%x) : (memref<4xi64>) -> ()
  return
}

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

// -----

// So do the uses of a value made from a stack buffer (a cast, as a dynamic
// product's descriptor is passed): no segment reads another's dead frame.
// CHECK-LABEL: func.func @stack_cast(
// CHECK-NEXT: call @stack_cast_segment(
// CHECK-NEXT: call @stack_cast_segment_0(
// CHECK-NEXT: return
// CHECK: func.func private @stack_cast_segment(
// CHECK: memref.alloca
// CHECK: memref.cast
// CHECK-COUNT-5: call @fill_any(%cast)
// CHECK-NEXT: return
// CHECK: func.func private @stack_cast_segment_0(
// CHECK-NOT: memref.alloca
// CHECK-COUNT-4: call @fill(%arg0)
// CHECK-NEXT: return
func.func private @fill(memref<4xi64>)
func.func private @fill_any(memref<?xi64>)
func.func @stack_cast(%x: memref<4xi64>) {
  %slot = memref.alloca() : memref<4xi64>
  %any = memref.cast %slot : memref<4xi64> to memref<?xi64>
  call @fill_any(%any) : (memref<?xi64>) -> ()
  call @fill_any(%any) : (memref<?xi64>) -> ()
  call @fill_any(%any) : (memref<?xi64>) -> ()
  call @fill_any(%any) : (memref<?xi64>) -> ()
  call @fill_any(%any) : (memref<?xi64>) -> ()
  call @fill(%x) : (memref<4xi64>) -> ()
  call @fill(%x) : (memref<4xi64>) -> ()
  call @fill(%x) : (memref<4xi64>) -> ()
  call @fill(%x) : (memref<4xi64>) -> ()
  return
}

// -----

// A view whose offset is index arithmetic in which each value feeds the next
// twice (2^49 paths from the view to the argument): the second segment
// recomputes each op of it once, and the pass ends.
// CHECK-LABEL: func.func @shared_arithmetic(
// CHECK: call @shared_arithmetic_segment(
// CHECK-NEXT: call @shared_arithmetic_segment_0(
// CHECK: func.func private @shared_arithmetic_segment_0(
// CHECK-COUNT-49: arith.addi
// CHECK-NOT: arith.addi
// CHECK: memref.view
func.func private @k(memref<16xf32>, memref<16xf32>)
func.func @shared_arithmetic(%arena: memref<?xi8>, %n: index) {
  %v0 = arith.addi %n, %n : index
  %v1 = arith.addi %v0, %v0 : index
  %v2 = arith.addi %v1, %v1 : index
  %v3 = arith.addi %v2, %v2 : index
  %v4 = arith.addi %v3, %v3 : index
  %v5 = arith.addi %v4, %v4 : index
  %v6 = arith.addi %v5, %v5 : index
  %v7 = arith.addi %v6, %v6 : index
  %v8 = arith.addi %v7, %v7 : index
  %v9 = arith.addi %v8, %v8 : index
  %v10 = arith.addi %v9, %v9 : index
  %v11 = arith.addi %v10, %v10 : index
  %v12 = arith.addi %v11, %v11 : index
  %v13 = arith.addi %v12, %v12 : index
  %v14 = arith.addi %v13, %v13 : index
  %v15 = arith.addi %v14, %v14 : index
  %v16 = arith.addi %v15, %v15 : index
  %v17 = arith.addi %v16, %v16 : index
  %v18 = arith.addi %v17, %v17 : index
  %v19 = arith.addi %v18, %v18 : index
  %v20 = arith.addi %v19, %v19 : index
  %v21 = arith.addi %v20, %v20 : index
  %v22 = arith.addi %v21, %v21 : index
  %v23 = arith.addi %v22, %v22 : index
  %v24 = arith.addi %v23, %v23 : index
  %v25 = arith.addi %v24, %v24 : index
  %v26 = arith.addi %v25, %v25 : index
  %v27 = arith.addi %v26, %v26 : index
  %v28 = arith.addi %v27, %v27 : index
  %v29 = arith.addi %v28, %v28 : index
  %v30 = arith.addi %v29, %v29 : index
  %v31 = arith.addi %v30, %v30 : index
  %v32 = arith.addi %v31, %v31 : index
  %v33 = arith.addi %v32, %v32 : index
  %v34 = arith.addi %v33, %v33 : index
  %v35 = arith.addi %v34, %v34 : index
  %v36 = arith.addi %v35, %v35 : index
  %v37 = arith.addi %v36, %v36 : index
  %v38 = arith.addi %v37, %v37 : index
  %v39 = arith.addi %v38, %v38 : index
  %v40 = arith.addi %v39, %v39 : index
  %v41 = arith.addi %v40, %v40 : index
  %v42 = arith.addi %v41, %v41 : index
  %v43 = arith.addi %v42, %v42 : index
  %v44 = arith.addi %v43, %v43 : index
  %v45 = arith.addi %v44, %v44 : index
  %v46 = arith.addi %v45, %v45 : index
  %v47 = arith.addi %v46, %v46 : index
  %v48 = arith.addi %v47, %v47 : index
  %x = memref.view %arena[%v48][] : memref<?xi8> to memref<16xf32>
  call @k(%x, %x) : (memref<16xf32>, memref<16xf32>) -> ()
  call @k(%x, %x) : (memref<16xf32>, memref<16xf32>) -> ()
  call @k(%x, %x) : (memref<16xf32>, memref<16xf32>) -> ()
  call @k(%x, %x) : (memref<16xf32>, memref<16xf32>) -> ()
  call @k(%x, %x) : (memref<16xf32>, memref<16xf32>) -> ()
  return
}

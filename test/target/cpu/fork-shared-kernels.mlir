// RUN: strata-opt %s --strata-cpu-fork-shared-kernels | FileCheck %s

// The shared kernel's calls pack its arguments (all but part and parts) into
// a stack struct allocated at the caller's entry and call the runtime with
// a task that unpacks them and calls the kernel with the part it is given.
// CHECK: llvm.func @strata_cpu_share(!llvm.ptr, !llvm.ptr)
// CHECK-LABEL: llvm.func @kernel(
// CHECK-NOT: strata.cpu.shared
// CHECK-LABEL: llvm.func internal @kernel_task(
// CHECK-SAME: %[[CONTEXT:[^:]+]]: !llvm.ptr, %[[PART:[^:]+]]: i64, %[[PARTS:[^:]+]]: i64) -> i64
// CHECK: %[[P0:.+]] = llvm.getelementptr %[[CONTEXT]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, i64, f32)>
// CHECK: %[[A:.+]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[P1:.+]] = llvm.getelementptr %[[CONTEXT]][0, 1]
// CHECK: %[[B:.+]] = llvm.load %[[P1]] : !llvm.ptr -> i64
// CHECK: %[[P2:.+]] = llvm.getelementptr %[[CONTEXT]][0, 2]
// CHECK: %[[C:.+]] = llvm.load %[[P2]] : !llvm.ptr -> f32
// CHECK: %[[WORK:.+]] = llvm.call @kernel(%[[A]], %[[B]], %[[C]], %[[PART]], %[[PARTS]])
// CHECK: llvm.return %[[WORK]] : i64
// CHECK-LABEL: llvm.func @caller(
// CHECK-SAME: %[[X:[^:]+]]: !llvm.ptr, %[[N:[^:]+]]: i64, %[[S:[^:]+]]: f32)
// CHECK: %[[SLOT:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(ptr, i64, f32)>
// CHECK: llvm.store %[[X]], %{{.+}} : !llvm.ptr, !llvm.ptr
// CHECK: llvm.store %[[N]], %{{.+}} : i64, !llvm.ptr
// CHECK: llvm.store %[[S]], %{{.+}} : f32, !llvm.ptr
// CHECK: %[[TASK:.+]] = llvm.mlir.addressof @kernel_task
// CHECK: llvm.call @strata_cpu_share(%[[TASK]], %[[SLOT]])
// CHECK-NOT: llvm.call @kernel(
// CHECK: llvm.call @other(
llvm.func @kernel(%a: !llvm.ptr, %b: i64, %c: f32, %part: i64, %parts: i64) -> i64
    attributes {strata.cpu.shared} {
  %0 = llvm.mlir.constant(0 : i64) : i64
  llvm.return %0 : i64
}
llvm.func @other(%a: !llvm.ptr)
llvm.func @caller(%x: !llvm.ptr, %n: i64, %s: f32) {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c1 = llvm.mlir.constant(1 : i64) : i64
  %0 = llvm.call @kernel(%x, %n, %s, %c0, %c1) : (!llvm.ptr, i64, f32, i64, i64) -> i64
  llvm.call @other(%x) : (!llvm.ptr) -> ()
  llvm.return
}

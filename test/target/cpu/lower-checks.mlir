// RUN: strata-opt %s --strata-cpu-lower-checks | FileCheck %s

// Each run-time check becomes a branch to a block that calls the CPU device
// with the check's message and never returns; two checks with the same
// message share one constant.
// CHECK-DAG: llvm.func @strata_cpu_check_failed(!llvm.ptr) attributes {passthrough = ["noreturn", "nounwind", "cold"]}
// CHECK-DAG: llvm.mlir.global internal constant @[[LOW:strata_check_message[_0-9]*]]("node 'g (Gather)': an index lies outside [-4, 3]\00")
// CHECK-DAG: llvm.mlir.global internal constant @[[HIGH:strata_check_message[_0-9]*]]("node 'g (Gather)': too large\00")
// CHECK-LABEL: func.func @checks
// CHECK-SAME: (%[[A:.+]]: i1, %[[B:.+]]: i1)
// CHECK: cf.cond_br %[[A]], ^[[NEXT1:.+]], ^[[FAIL1:[^ ]+]]
// CHECK: ^[[NEXT1]]:
// CHECK: cf.cond_br %[[B]], ^[[NEXT2:.+]], ^[[FAIL2:[^ ]+]]
// CHECK: ^[[NEXT2]]:
// CHECK: cf.cond_br %[[A]], ^[[NEXT3:.+]], ^[[FAIL3:[^ ]+]]
// CHECK: ^[[NEXT3]]:
// CHECK-NEXT: return
// CHECK: ^[[FAIL3]]:
// CHECK-NEXT: %[[M3:.+]] = llvm.mlir.addressof @[[HIGH]] : !llvm.ptr
// CHECK-NEXT: llvm.call @strata_cpu_check_failed(%[[M3]]) : (!llvm.ptr) -> ()
// CHECK-NEXT: llvm.unreachable
// CHECK: ^[[FAIL2]]:
// CHECK-NEXT: %[[M2:.+]] = llvm.mlir.addressof @[[LOW]] : !llvm.ptr
// CHECK-NEXT: llvm.call @strata_cpu_check_failed(%[[M2]]) : (!llvm.ptr) -> ()
// CHECK-NEXT: llvm.unreachable
// CHECK: ^[[FAIL1]]:
// CHECK-NEXT: %[[M1:.+]] = llvm.mlir.addressof @[[HIGH]] : !llvm.ptr
// CHECK-NOT: cf.assert
func.func @checks(%a: i1, %b: i1) {
  cf.assert %a, "node 'g (Gather)': too large"
  cf.assert %b, "node 'g (Gather)': an index lies outside [-4, 3]"
  cf.assert %a, "node 'g (Gather)': too large"
  return
}

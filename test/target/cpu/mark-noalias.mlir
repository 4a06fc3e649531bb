// RUN: strata-opt %s --strata-cpu-mark-noalias | FileCheck %s

// The recorded positions become llvm.noalias and the record goes.
// CHECK-LABEL: llvm.func @strata_kernel(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr {llvm.noalias}, %{{.+}}: i64, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr {llvm.noalias}, %{{.+}}: i64)
// CHECK-NOT: strata.cpu.noalias
llvm.func @strata_kernel(%a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64,
                         %b0: !llvm.ptr, %b1: !llvm.ptr, %b2: i64)
    attributes {strata.cpu.noalias = array<i64: 1, 4>} {
  llvm.return
}

// A function without a record is left alone.
// CHECK-LABEL: llvm.func @other(%{{.+}}: !llvm.ptr)
llvm.func @other(%a: !llvm.ptr) {
  llvm.return
}

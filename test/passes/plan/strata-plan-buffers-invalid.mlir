// RUN: strata-opt %s --split-input-file --strata-plan-buffers --verify-diagnostics

// A loop that allocates a buffer and hands it to its next iteration would need
// a new slot per iteration.
func.func @carried_by_loop(%x: memref<16xf32>) -> memref<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %x) -> (memref<16xf32>) {
    // expected-error @+1 {{the buffer plan cannot place a buffer that a loop allocates and carries into its next iteration}}
    %t = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
    memref.copy %acc, %t : memref<16xf32> to memref<16xf32>
    scf.yield %t : memref<16xf32>
  }
  return %r : memref<16xf32>
}

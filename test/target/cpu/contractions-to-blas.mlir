// RUN: strata-opt %s --strata-cpu-contractions-to-blas --canonicalize --split-input-file | FileCheck %s

// A matmul with broadcast weights becomes one runtime call: per loop dimension
// size, stride in A, B and C, and role (0 batch, 1 m, 2 n, 3 k). All static,
// the descriptor is a constant global:
// d0: size 2, strides 128 / - / 32, role m; d1: size 8, strides 16 / - / 4,
// role m; d2: size 4, strides - / 1 / 1, role n; d3: size 16, strides 1 / 4 / -,
// role k.
// CHECK: memref.global "private" constant @[[DESC:strata_contract_descriptor.*]] : memref<20xi64> = dense<[2, 128, 0, 32, 1, 8, 16, 0, 4, 1, 4, 0, 1, 1, 2, 16, 1, 4, 0, 3]>
// CHECK-LABEL: func.func private @strata_cpu_contract_f32(i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func.func @affine
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : i64
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : i64
// CHECK-NOT: memref.alloca
// CHECK-NOT: memref.store
// CHECK: memref.get_global @[[DESC]] : memref<20xi64>
// Accumulates: nothing filled the output.
// CHECK: call @strata_cpu_contract_f32(%[[C4]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[C1]], %{{.+}})
// CHECK-NOT: linalg.generic
#x = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#w = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
#y = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
func.func @affine(%x: memref<2x8x16xf32>, %w: memref<16x4xf32>, %y: memref<2x8x4xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<2x8x16xf32>, memref<16x4xf32>) outs(%y : memref<2x8x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Named ops and strided views are covered too: A's strides 12 and 2.
// CHECK: memref.global "private" constant @{{.+}} : memref<15xi64> = dense<[4, 12, 0, 5, 1, 5, 0, 1, 1, 2, 6, 2, 5, 0, 3]>
// CHECK-LABEL: func.func @named_on_view
// CHECK: call @strata_cpu_contract_f32
// CHECK-NOT: linalg.matmul
func.func @named_on_view(%a: memref<4x6xf32, strided<[12, 2]>>, %b: memref<6x5xf32>,
                         %c: memref<4x5xf32>) {
  linalg.matmul ins(%a, %b : memref<4x6xf32, strided<[12, 2]>>, memref<6x5xf32>)
                outs(%c : memref<4x5xf32>)
  return
}

// -----

// A size known only at run time: the descriptor is filled on the stack.
// d0: size ?, strides 6 / - / 5, role m; d1: size 5, strides - / 1 / 1, role n;
// d2: size 6, strides 1 / 5 / -, role k.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @dynamic
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : i64
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : i64
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : i64
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : i64
// CHECK-DAG: %[[C5:.+]] = arith.constant 5 : i64
// CHECK-DAG: %[[C6:.+]] = arith.constant 6 : i64
// CHECK: %[[DESC:.+]] = memref.alloca() : memref<15xi64>
// CHECK: %[[M:.+]] = arith.index_cast %{{.+}} : index to i64
// CHECK-NEXT: memref.store %[[M]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C6]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C0]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C5]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C1]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C5]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C0]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C1]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C1]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C2]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C6]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C1]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C5]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C0]], %[[DESC]]
// CHECK-NEXT: memref.store %[[C3]], %[[DESC]]
// CHECK: call @strata_cpu_contract_f32
func.func @dynamic(%a: memref<?x6xf32>, %b: memref<6x5xf32>, %c: memref<?x5xf32>) {
  linalg.matmul ins(%a, %b : memref<?x6xf32>, memref<6x5xf32>) outs(%c : memref<?x5xf32>)
  return
}

// -----

// A zero fill right before the product is dropped: the call overwrites.
// CHECK-LABEL: func.func @overwrite
// CHECK-NOT: linalg.fill
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK-NOT: linalg.fill
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[ZERO]], %{{.+}})
func.func @overwrite(%a: memref<4x6xf32>, %b: memref<6x5xf32>, %c: memref<4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x5xf32>)
  linalg.matmul ins(%a, %b : memref<4x6xf32>, memref<6x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// -----

// A fill further up stays droppable when what lies between does not touch
// the output; one read through a view in between keeps its fill.
// CHECK-LABEL: func.func @fill_further_up
// CHECK-NOT: linalg.fill
// CHECK: linalg.generic
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c0_i64, %{{.+}})
#id = affine_map<(d0) -> (d0)>
func.func @fill_further_up(%a: memref<4x6xf32>, %b: memref<6x5xf32>, %c: memref<4x5xf32>,
                           %x: memref<8xf32>, %y: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x5xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<8xf32>) outs(%y : memref<8xf32>) {
  ^bb0(%a0: f32, %b0: f32):
    linalg.yield %a0 : f32
  }
  linalg.matmul ins(%a, %b : memref<4x6xf32>, memref<6x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// -----

// Views taken between the fill and the product (a weight's view, placed
// before its use) read and write nothing: the fill is still dropped.
// CHECK-LABEL: func.func @views_in_between
// CHECK-NOT: linalg.fill
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c0_i64, %{{.+}})
func.func @views_in_between(%weights: memref<?xi8>, %arena: memref<?xi8>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c96 = arith.constant 96 : index
  %c256 = arith.constant 256 : index
  %c = memref.view %arena[%c0][] : memref<?xi8> to memref<4x5xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x5xf32>)
  %a = memref.view %arena[%c96][] : memref<?xi8> to memref<4x6xf32>
  %b = memref.view %weights[%c256][] : memref<?xi8> to memref<6x5xf32>
  linalg.matmul ins(%a, %b : memref<4x6xf32>, memref<6x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @fill_read_through_view
// CHECK: linalg.fill
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c1_i64, %{{.+}})
func.func @fill_read_through_view(%a: memref<4x6xf32>, %b: memref<6x5xf32>,
                                  %c: memref<4x5xf32>, %d: memref<20xf32>) {
  %zero = arith.constant 0.0 : f32
  %flat = memref.collapse_shape %c [[0, 1]] : memref<4x5xf32> into memref<20xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x5xf32>)
  memref.copy %flat, %d : memref<20xf32> to memref<20xf32>
  linalg.matmul ins(%a, %b : memref<4x6xf32>, memref<6x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// -----

// The output is a view of a buffer read whole in between: the fill stays.
// CHECK-LABEL: func.func @fill_of_view_read_through_parent
// CHECK: linalg.fill
// CHECK: memref.copy
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c1_i64, %{{.+}})
func.func @fill_of_view_read_through_parent(%a: memref<4x6xf32>, %b: memref<6x5xf32>,
                                            %d: memref<8x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %buf = memref.alloc() : memref<8x5xf32>
  %c = memref.subview %buf[0, 0] [4, 5] [1, 1] : memref<8x5xf32> to memref<4x5xf32, strided<[5, 1]>>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x5xf32, strided<[5, 1]>>)
  memref.copy %buf, %d : memref<8x5xf32> to memref<8x5xf32>
  linalg.matmul ins(%a, %b : memref<4x6xf32>, memref<6x5xf32>)
                outs(%c : memref<4x5xf32, strided<[5, 1]>>)
  memref.dealloc %buf : memref<8x5xf32>
  return
}

// -----

// The product reads its own output as an input: the fill stays.
// CHECK-LABEL: func.func @output_is_input
// CHECK: linalg.fill
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c1_i64, %{{.+}})
func.func @output_is_input(%b: memref<5x5xf32>, %c: memref<5x5xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<5x5xf32>)
  linalg.matmul ins(%c, %b : memref<5x5xf32>, memref<5x5xf32>) outs(%c : memref<5x5xf32>)
  return
}

// -----

// A fill that something reads in between stays.
// CHECK-LABEL: func.func @fill_read_between
// CHECK: linalg.fill
// CHECK: memref.copy
// CHECK: call @strata_cpu_contract_f32
func.func @fill_read_between(%a: memref<4x6xf32>, %b: memref<6x5xf32>, %c: memref<4x5xf32>,
                             %d: memref<4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x5xf32>)
  memref.copy %c, %d : memref<4x5xf32> to memref<4x5xf32>
  linalg.matmul ins(%a, %b : memref<4x6xf32>, memref<6x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// -----

// Not f32, or not a contraction: left alone.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: call
// CHECK: linalg.matmul
// CHECK: linalg.generic
#id = affine_map<(d0) -> (d0)>
func.func @left_alone(%a: memref<4x6xf64>, %b: memref<6x5xf64>, %c: memref<4x5xf64>,
                      %x: memref<8xf32>, %y: memref<8xf32>) {
  linalg.matmul ins(%a, %b : memref<4x6xf64>, memref<6x5xf64>) outs(%c : memref<4x5xf64>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<8xf32>) outs(%y : memref<8xf32>) {
  ^bb0(%a0: f32, %b0: f32):
    %e = math.exp %a0 : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// Two fills, then two products: the first product's call does not keep the
// second product's fill.
// CHECK-LABEL: func.func @two_products
// CHECK-NOT: linalg.fill
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c0_i64, %{{.+}})
// CHECK-NOT: linalg.fill
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c0_i64, %{{.+}})
func.func @two_products(%a: memref<4x6xf32>, %b: memref<6x5xf32>, %c: memref<4x5xf32>,
                        %d: memref<4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x5xf32>)
  linalg.fill ins(%zero : f32) outs(%d : memref<4x5xf32>)
  linalg.matmul ins(%a, %b : memref<4x6xf32>, memref<6x5xf32>) outs(%c : memref<4x5xf32>)
  linalg.matmul ins(%a, %b : memref<4x6xf32>, memref<6x5xf32>) outs(%d : memref<4x5xf32>)
  return
}

// -----

// Operands read from memory that never changes are flagged (bit 0: A, bit 1:
// B): views of the weights region and constant globals; not a mutable global
// or another argument.
// CHECK-LABEL: func.func @constants
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c2_i64)
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c3_i64)
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c0_i64)
memref.global "private" constant @table : memref<4x6xf32> = dense<1.0>
memref.global "private" @scratch : memref<4x6xf32> = dense<1.0>
func.func @constants(%x: memref<4x6xf32>, %b: memref<6x5xf32>,
                     %weights: memref<?xi8> {program.weights_region}, %y: memref<4x5xf32>) {
  %c64 = arith.constant 64 : index
  %w = memref.view %weights[%c64][] : memref<?xi8> to memref<6x5xf32>
  linalg.matmul ins(%x, %w : memref<4x6xf32>, memref<6x5xf32>) outs(%y : memref<4x5xf32>)
  %t = memref.get_global @table : memref<4x6xf32>
  linalg.matmul ins(%t, %w : memref<4x6xf32>, memref<6x5xf32>) outs(%y : memref<4x5xf32>)
  %s = memref.get_global @scratch : memref<4x6xf32>
  linalg.matmul ins(%s, %b : memref<4x6xf32>, memref<6x5xf32>) outs(%y : memref<4x5xf32>)
  return
}

// -----

// In a module compiled with --matmul-precision=bf16, every call's flags also
// have bit 2 (the products may read their operands rounded to bf16): 4 for
// a product of activations, 6 with a constant B.
// CHECK-LABEL: func.func @bf16
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c4_i64)
// CHECK: call @strata_cpu_contract_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c6_i64)
module attributes {program.matmul_precision = "bf16"} {
  memref.global "private" constant @table : memref<6x5xf32> = dense<1.0>
  func.func @bf16(%x: memref<4x6xf32>, %b: memref<6x5xf32>, %y: memref<4x5xf32>) {
    linalg.matmul ins(%x, %b : memref<4x6xf32>, memref<6x5xf32>) outs(%y : memref<4x5xf32>)
    %t = memref.get_global @table : memref<6x5xf32>
    linalg.matmul ins(%x, %t : memref<4x6xf32>, memref<6x5xf32>) outs(%y : memref<4x5xf32>)
    return
  }
}

// RUN: strata-opt %s --strata-cpu-fuse-elementwise | FileCheck %s --check-prefix=FUSE
// RUN: strata-opt %s --strata-cpu-approximate-math | FileCheck %s --check-prefix=MATH

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d2, d1)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>

// The bias add fuses into the exp; the exp's result feeds a matmul, which
// is never a fusion consumer.
// FUSE-LABEL: func.func @chain
// FUSE: linalg.generic
// FUSE: arith.addf
// FUSE-NEXT: math.exp
// FUSE: linalg.generic
// FUSE: arith.mulf
// FUSE-NEXT: arith.addf
// FUSE-NOT: linalg.generic
// MATH-LABEL: func.func @chain
// MATH-NOT: math.exp
func.func @chain(%x: tensor<4x8xf32>, %b: tensor<8xf32>, %w: tensor<8x3xf32>,
                 %acc: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %e0 = tensor.empty() : tensor<4x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e0 : tensor<4x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %e = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e0 : tensor<4x8xf32>) {
  ^bb0(%p: f32, %o: f32):
    %s = math.exp %p : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %m = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%e, %w : tensor<4x8xf32>, tensor<8x3xf32>) outs(%acc : tensor<4x3xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %t = arith.mulf %p, %q : f32
    %s = arith.addf %o, %t : f32
    linalg.yield %s : f32
  } -> tensor<4x3xf32>
  return %m : tensor<4x3xf32>
}

// f64 keeps its libm call.
// MATH-LABEL: func.func @wide
// MATH: math.exp %{{.+}} : f64
func.func @wide(%x: f64) -> f64 {
  %y = math.exp %x : f64
  return %y : f64
}

// A constant integer exponent becomes products (GPT-2's GELU cubes).
// MATH-LABEL: func.func @cube
// MATH: %[[SQ:.+]] = arith.mulf %[[X:.+]], %[[X]] : f32
// MATH-NEXT: %[[CU:.+]] = arith.mulf %[[SQ]], %[[X]] : f32
// MATH-NEXT: return %[[CU]]
func.func @cube(%x: f32) -> f32 {
  %c = arith.constant 3.0 : f32
  %y = math.powf %x, %c : f32
  return %y : f32
}

// A fill shared by two products is cloned, one per product.
// FUSE-LABEL: func.func @shared_fill
// FUSE: %[[F1:.+]] = linalg.fill
// FUSE: %[[F2:.+]] = linalg.fill
// FUSE-DAG: linalg.matmul {{.*}} outs(%[[F1]]
// FUSE-DAG: linalg.matmul {{.*}} outs(%[[F2]]
func.func @shared_fill(%a: tensor<4x6xf32>, %b: tensor<6x5xf32>)
    -> (tensor<4x5xf32>, tensor<4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x5xf32>) -> tensor<4x5xf32>
  %m1 = linalg.matmul ins(%a, %b : tensor<4x6xf32>, tensor<6x5xf32>)
                      outs(%f : tensor<4x5xf32>) -> tensor<4x5xf32>
  %m2 = linalg.matmul ins(%a, %b : tensor<4x6xf32>, tensor<6x5xf32>)
                      outs(%f : tensor<4x5xf32>) -> tensor<4x5xf32>
  return %m1, %m2 : tensor<4x5xf32>, tensor<4x5xf32>
}

// MATH-LABEL: func.func @cube_vector
// MATH: %[[SQ:.+]] = arith.mulf %[[X:.+]], %[[X]] : vector<16xf32>
// MATH-NEXT: arith.mulf %[[SQ]], %[[X]] : vector<16xf32>
// MATH-NOT: math.powf
func.func @cube_vector(%x: vector<16xf32>) -> vector<16xf32> {
  %c = arith.constant dense<3.0> : vector<16xf32>
  %y = math.powf %x, %c : vector<16xf32>
  return %y : vector<16xf32>
}

// MATH-LABEL: func.func @inverse_square
// MATH: %[[ONE:.+]] = arith.constant dense<1.000000e+00> : vector<16xf32>
// MATH: %[[SQ:.+]] = arith.mulf %[[X:.+]], %[[X]] : vector<16xf32>
// MATH: arith.divf %[[ONE]], %[[SQ]] : vector<16xf32>
func.func @inverse_square(%x: vector<16xf32>) -> vector<16xf32> {
  %c = arith.constant dense<-2.0> : vector<16xf32>
  %y = math.powf %x, %c : vector<16xf32>
  return %y : vector<16xf32>
}

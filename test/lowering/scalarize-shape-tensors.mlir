// RUN: strata-opt %s --strata-scalarize-shape-tensors --canonicalize --split-input-file | FileCheck %s

// A gather from a shape tensor, with its index check in the body: evaluated
// as scalars, the check kept, so the size read from it is plain index
// arithmetic on the input's dimension.
// CHECK-LABEL: func.func @checked_gather
// CHECK-NOT: linalg.generic
// CHECK: %[[D:.+]] = tensor.dim %arg0, %c1
// CHECK: cf.assert %{{.+}}, "index out of range"
// CHECK: tensor.empty(%[[D]])
func.func @checked_gather(%x: tensor<?x?xf32>, %i: index) -> tensor<?xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %d0 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %d = arith.index_cast %d0 : index to i64
  %shape = tensor.from_elements %d, %d : tensor<2xi64>
  %init = tensor.empty() : tensor<i64>
  %g = linalg.generic {indexing_maps = [affine_map<() -> ()>], iterator_types = []}
      outs(%init : tensor<i64>) {
  ^bb0(%out: i64):
    %ok = arith.cmpi ult, %i, %c2 : index
    cf.assert %ok, "index out of range"
    %e = tensor.extract %shape[%c1] : tensor<2xi64>
    linalg.yield %e : i64
  } -> tensor<i64>
  %n = tensor.extract %g[] : tensor<i64>
  %size = arith.index_cast %n : i64 to index
  %r = tensor.empty(%size) : tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// An elementwise computation on a 2-element shape tensor becomes scalars.
// CHECK-LABEL: func.func @shape_arithmetic
// CHECK-NOT: linalg.generic
// CHECK: %[[A:.+]] = arith.muli
// CHECK: %[[B:.+]] = arith.muli
// CHECK: tensor.from_elements %[[A]], %[[B]] : tensor<2xi64>
func.func @shape_arithmetic(%a: i64, %b: i64) -> tensor<2xi64> {
  %s = tensor.from_elements %a, %b : tensor<2xi64>
  %init = tensor.empty() : tensor<2xi64>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%s : tensor<2xi64>) outs(%init : tensor<2xi64>) {
  ^bb0(%in: i64, %out: i64):
    %m = arith.muli %in, %in : i64
    linalg.yield %m : i64
  } -> tensor<2xi64>
  return %r : tensor<2xi64>
}

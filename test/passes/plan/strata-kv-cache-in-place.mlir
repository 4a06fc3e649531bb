// RUN: strata-opt %s --split-input-file --strata-kv-cache-in-place | FileCheck %s

// A decoder layer's cache: `past` is read only by the concat that makes the
// returned `present` (and by a shape_of). It becomes the cache at its
// capacity, the bound of `present`'s dimension; the count of held positions
// is a new last argument; the new positions are inserted after them, and the
// attention and the result read the view of old and new. A run-time check
// stops a step whose positions do not fit.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[IDS:[^:]*]]: tensor<?x4xf32>
// CHECK-SAME: %[[CACHE:[^:]*]]: tensor<?x2x32x4xf32> {program.value = #program.value<"past.key", dims = ["batch", "", "past_sequence", ""]>}
// CHECK-SAME: %[[HELD:[^:]*]]: tensor<i64>)
// CHECK-SAME: -> (tensor<?x2x?x4xf32> {program.value = #program.value<"present.key", dims = ["batch", "", "total_sequence", ""]>}, tensor<3xi64>{{.*}})
// CHECK-SAME: program.kv_caches = [#program.kv_cache<input = 1, output = 0, axis = 2, capacity = 32>]
// CHECK: %[[COUNT:.*]] = tensor.extract %[[HELD]][] : tensor<i64>
// CHECK: %[[RAW:.*]] = arith.index_cast %[[COUNT]] : i64 to index
// CHECK: %[[CAP:.*]] = arith.constant 32 : index
// CHECK: %[[HELD_FITS:.*]] = arith.cmpi ule, %[[RAW]], %[[CAP]] : index
// CHECK: cf.assert %[[HELD_FITS]], "node 'k': the KV cache's count of held positions exceeds its capacity of 32"
// CHECK: %[[N:.*]] = arith.minui %[[RAW]], %[[CAP]] : index
// CHECK: %[[B:.*]] = tensor.dim %[[CACHE]], %{{.*}} : tensor<?x2x32x4xf32>
// CHECK: %[[PAST:.*]] = tensor.extract_slice %[[CACHE]][0, 0, 0, 0] [%[[B]], 2, %[[N]], 4] [1, 1, 1, 1] : tensor<?x2x32x4xf32> to tensor<?x2x?x4xf32>
// CHECK: %[[SHAPE:.*]] = graph.shape_of %[[PAST]]
// CHECK: %[[NEW:.*]] = graph.reshape %[[IDS]]
// CHECK: %[[NEW_B:.*]] = tensor.dim %[[NEW]], %{{.*}} : tensor<?x2x1x4xf32>
// CHECK: %[[END:.*]] = arith.addi %[[N]], %{{.*}} : index
// CHECK: %[[FITS:.*]] = arith.cmpi ule, %[[END]], %[[CAP]] : index
// CHECK: cf.assert %[[FITS]], "node 'k': the KV cache holds 32 positions (the --max-shape bound of its present output), fewer than the cached and new ones together"
// CHECK: %[[CACHE_B:.*]] = tensor.dim %[[CACHE]], %{{.*}} : tensor<?x2x32x4xf32>
// CHECK: %[[SAME_B:.*]] = arith.cmpi eq, %[[CACHE_B]], %[[NEW_B]] : index
// CHECK: cf.assert %[[SAME_B]], "node 'k': the new positions' dimension 0 differs from the KV cache's (the past input's)"
// CHECK-NOT: dimension 1 differs
// CHECK: %[[APPENDED:.*]] = tensor.insert_slice %[[NEW]] into %[[CACHE]][0, 0, %[[N]], 0]
// CHECK: %[[PRESENT:.*]] = tensor.extract_slice %[[APPENDED]][0, 0, 0, 0] [%{{.*}}, 2, %[[END]], 4] [1, 1, 1, 1] : tensor<?x2x32x4xf32> to tensor<?x2x?x4xf32>
// CHECK-NOT: graph.concat
// CHECK: %[[PART:.*]] = graph.gather %[[SHAPE]]
// CHECK: return %[[PRESENT]], %[[PART]]
func.func @main(%ids: tensor<?x4xf32> {program.value = #program.value<"x", dims = ["batch", ""]>},
                %past: tensor<?x2x?x4xf32> {program.value = #program.value<"past.key", dims = ["batch", "", "past_sequence", ""]>})
    -> (tensor<?x2x?x4xf32> {program.value = #program.value<"present.key", dims = ["batch", "", "total_sequence", ""]>},
        tensor<3xi64> {program.value = #program.value<"shape", dims = [""]>})
    attributes {program.entry, program.bounds = #program.bounds<"batch" = 2, "past_sequence" = 31, "total_sequence" = 32>} {
  %shape = graph.shape_of %past : tensor<?x2x?x4xf32> -> tensor<4xi64>
  %three = graph.constant dense<[1, 2, 3]> : tensor<3xi64>
  %target = graph.constant dense<[-1, 2, 1, 4]> : tensor<4xi64>
  %new = graph.reshape %ids, %target : (tensor<?x4xf32>, tensor<4xi64>) -> tensor<?x2x1x4xf32>
  %k = graph.concat %past, %new {axis = 2 : i64} : (tensor<?x2x?x4xf32>, tensor<?x2x1x4xf32>) -> tensor<?x2x?x4xf32> loc("k")
  %part = graph.gather %shape, %three {axis = 0 : i64} : (tensor<4xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %k, %part : tensor<?x2x?x4xf32>, tensor<3xi64>
}

// -----

// The present output's dimension named as a sum of bounded dimensions, as
// the TorchScript exporter names it: the capacity is the sum of the bounds.
// CHECK-LABEL: func.func @sum(
// CHECK-SAME: tensor<1x2x24x4xf32>
// CHECK-SAME: program.kv_caches = [#program.kv_cache<input = 0, output = 0, axis = 2, capacity = 24>]
func.func @sum(%past: tensor<1x2x?x4xf32> {program.value = #program.value<"past", dims = ["", "", "past_sequence", ""]>},
               %new: tensor<1x2x?x4xf32> {program.value = #program.value<"new", dims = ["", "", "sequence", ""]>})
    -> (tensor<1x2x?x4xf32> {program.value = #program.value<"present", dims = ["", "", "past_sequence + sequence", ""]>})
    attributes {program.entry, program.bounds = #program.bounds<"past_sequence" = 16, "sequence" = 8>} {
  %k = graph.concat %past, %new {axis = 2 : i64} : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %k : tensor<1x2x?x4xf32>
}

// -----

// GroupQueryAttention's present: the concatenation, then each entry's new
// positions written after its own length (graph.cache_write). The concat
// becomes the append, and the write updates the view of old and new, which
// the function returns.
// CHECK-LABEL: func.func @packed(
// CHECK-SAME: %[[CACHE:[^:]*]]: tensor<?x2x16x4xf32>
// CHECK-SAME: %[[NEW:[^:]*]]: tensor<?x2x?x4xf32>
// CHECK-SAME: %[[LENGTHS:[^:]*]]: tensor<?xi64>
// CHECK-SAME: program.kv_caches = [#program.kv_cache<input = 0, output = 0, axis = 2, capacity = 16>]
// CHECK: %[[APPENDED:.*]] = tensor.insert_slice %[[NEW]] into %[[CACHE]]
// CHECK: %[[VIEW:.*]] = tensor.extract_slice %[[APPENDED]]
// CHECK-NOT: graph.concat
// CHECK: %[[PRESENT:.*]] = graph.cache_write %[[VIEW]], %[[NEW]], %[[LENGTHS]] {axis = 2 : i64}
// CHECK: return %[[PRESENT]]
func.func @packed(%past: tensor<?x2x?x4xf32> {program.value = #program.value<"past", dims = ["batch", "", "past", ""]>},
                  %new: tensor<?x2x?x4xf32> {program.value = #program.value<"new", dims = ["batch", "", "sequence", ""]>},
                  %lengths: tensor<?xi64> {program.value = #program.value<"lengths", dims = ["batch"]>})
    -> (tensor<?x2x?x4xf32> {program.value = #program.value<"present", dims = ["batch", "", "total", ""]>})
    attributes {program.entry, program.bounds = #program.bounds<"batch" = 2, "past" = 15, "sequence" = 4, "total" = 16>} {
  %joined = graph.concat %past, %new {axis = 2 : i64} : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32>
  %present = graph.cache_write %joined, %new, %lengths {axis = 2 : i64} : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?xi64>) -> tensor<?x2x?x4xf32>
  return %present : tensor<?x2x?x4xf32>
}

// -----

// A write along another axis than the concat's, or one the function does not
// return, leaves the concat.
// CHECK-LABEL: func.func @packed_other_axis(
// CHECK-NOT: program.kv_caches
// CHECK: graph.concat
func.func @packed_other_axis(%past: tensor<2x?x4xf32> {program.value = #program.value<"past", dims = ["", "past", ""]>},
                             %new: tensor<2x1x4xf32>, %other: tensor<2x?x2xf32>, %lengths: tensor<2xi64>)
    -> (tensor<2x?x4xf32> {program.value = #program.value<"present", dims = ["", "total", ""]>})
    attributes {program.entry, program.bounds = #program.bounds<"past" = 15, "total" = 16>} {
  %joined = graph.concat %past, %new {axis = 1 : i64} : (tensor<2x?x4xf32>, tensor<2x1x4xf32>) -> tensor<2x?x4xf32>
  %w = graph.cache_write %joined, %other, %lengths {axis = 2 : i64} : (tensor<2x?x4xf32>, tensor<2x?x2xf32>, tensor<2xi64>) -> tensor<2x?x4xf32>
  return %w : tensor<2x?x4xf32>
}

// CHECK-LABEL: func.func @packed_not_returned(
// CHECK-NOT: program.kv_caches
// CHECK: graph.concat
func.func @packed_not_returned(%past: tensor<2x?x4xf32> {program.value = #program.value<"past", dims = ["", "past", ""]>},
                               %new: tensor<2x1x4xf32>, %lengths: tensor<2xi64>)
    -> (tensor<2x?x4xf32> {program.value = #program.value<"present", dims = ["", "total", ""]>})
    attributes {program.entry, program.bounds = #program.bounds<"past" = 15, "total" = 16>} {
  %joined = graph.concat %past, %new {axis = 1 : i64} : (tensor<2x?x4xf32>, tensor<2x1x4xf32>) -> tensor<2x?x4xf32>
  %w = graph.cache_write %joined, %new, %lengths {axis = 1 : i64} : (tensor<2x?x4xf32>, tensor<2x1x4xf32>, tensor<2xi64>) -> tensor<2x?x4xf32>
  %y = graph.add %w, %w : (tensor<2x?x4xf32>, tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  return %y : tensor<2x?x4xf32>
}

// -----

// Near misses keep their concat: a past read by another op (the data, not
// the shape), a present dimension without a bound, a concat not returned, a
// past that is not the concat's first operand, a batch without a bound, and
// a function that is not the entry point.
// CHECK-LABEL: func.func @read(
// CHECK-NOT: program.kv_caches
// CHECK: graph.concat
func.func @read(%past: tensor<1x2x?x4xf32> {program.value = #program.value<"past", dims = ["", "", "p", ""]>},
                %new: tensor<1x2x1x4xf32>)
    -> (tensor<1x2x?x4xf32> {program.value = #program.value<"present", dims = ["", "", "t", ""]>},
        tensor<1x2x?x4xf32> {program.value = #program.value<"twice", dims = ["", "", "p", ""]>})
    attributes {program.entry, program.bounds = #program.bounds<"p" = 8, "t" = 9>} {
  %k = graph.concat %past, %new {axis = 2 : i64} : (tensor<1x2x?x4xf32>, tensor<1x2x1x4xf32>) -> tensor<1x2x?x4xf32>
  %twice = graph.add %past, %past : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %k, %twice : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>
}

// -----

// CHECK-LABEL: func.func @unbounded(
// CHECK-NOT: program.kv_caches
// CHECK: graph.concat
func.func @unbounded(%past: tensor<1x2x?x4xf32> {program.value = #program.value<"past", dims = ["", "", "p", ""]>},
                     %new: tensor<1x2x1x4xf32>)
    -> (tensor<1x2x?x4xf32> {program.value = #program.value<"present", dims = ["", "", "t", ""]>})
    attributes {program.entry, program.bounds = #program.bounds<"p" = 8>} {
  %k = graph.concat %past, %new {axis = 2 : i64} : (tensor<1x2x?x4xf32>, tensor<1x2x1x4xf32>) -> tensor<1x2x?x4xf32>
  return %k : tensor<1x2x?x4xf32>
}

// -----

// CHECK-LABEL: func.func @not_returned(
// CHECK-NOT: program.kv_caches
// CHECK: graph.concat
func.func @not_returned(%past: tensor<1x2x?x4xf32> {program.value = #program.value<"past", dims = ["", "", "p", ""]>},
                        %new: tensor<1x2x1x4xf32>)
    -> (tensor<1x2x?x4xf32> {program.value = #program.value<"twice", dims = ["", "", "t", ""]>})
    attributes {program.entry, program.bounds = #program.bounds<"p" = 8, "t" = 9>} {
  %k = graph.concat %past, %new {axis = 2 : i64} : (tensor<1x2x?x4xf32>, tensor<1x2x1x4xf32>) -> tensor<1x2x?x4xf32>
  %twice = graph.add %k, %k : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %twice : tensor<1x2x?x4xf32>
}

// -----

// CHECK-LABEL: func.func @second(
// CHECK-NOT: program.kv_caches
// CHECK: graph.concat
func.func @second(%past: tensor<1x2x?x4xf32> {program.value = #program.value<"past", dims = ["", "", "p", ""]>},
                  %new: tensor<1x2x1x4xf32>)
    -> (tensor<1x2x?x4xf32> {program.value = #program.value<"present", dims = ["", "", "t", ""]>})
    attributes {program.entry, program.bounds = #program.bounds<"p" = 8, "t" = 9>} {
  %k = graph.concat %new, %past {axis = 2 : i64} : (tensor<1x2x1x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %k : tensor<1x2x?x4xf32>
}

// -----

// CHECK-LABEL: func.func @batch_unbounded(
// CHECK-NOT: program.kv_caches
// CHECK: graph.concat
func.func @batch_unbounded(%past: tensor<?x2x?x4xf32> {program.value = #program.value<"past", dims = ["b", "", "p", ""]>},
                           %new: tensor<?x2x1x4xf32>)
    -> (tensor<?x2x?x4xf32> {program.value = #program.value<"present", dims = ["b", "", "t", ""]>})
    attributes {program.entry, program.bounds = #program.bounds<"p" = 8, "t" = 9>} {
  %k = graph.concat %past, %new {axis = 2 : i64} : (tensor<?x2x?x4xf32>, tensor<?x2x1x4xf32>) -> tensor<?x2x?x4xf32>
  return %k : tensor<?x2x?x4xf32>
}

// -----

// CHECK-LABEL: func.func @helper(
// CHECK-NOT: program.kv_caches
// CHECK: graph.concat
func.func @helper(%past: tensor<1x2x?x4xf32> {program.value = #program.value<"past", dims = ["", "", "p", ""]>},
                  %new: tensor<1x2x1x4xf32>)
    -> (tensor<1x2x?x4xf32> {program.value = #program.value<"present", dims = ["", "", "t", ""]>})
    attributes {program.bounds = #program.bounds<"p" = 8, "t" = 9>} {
  %k = graph.concat %past, %new {axis = 2 : i64} : (tensor<1x2x?x4xf32>, tensor<1x2x1x4xf32>) -> tensor<1x2x?x4xf32>
  return %k : tensor<1x2x?x4xf32>
}

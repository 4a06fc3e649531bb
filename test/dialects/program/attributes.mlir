// RUN: strata-opt %s | strata-opt | FileCheck %s

// Round trip of every attribute of the program dialect, each where it belongs.

// CHECK: module attributes {program.weights = [#program.weight<"wte.weight", offset = 0, value = dense<1.000000e+00> : tensor<2x2xf32>>, #program.weight<"h.0.attn.c_attn.weight", offset = 4096, value = dense<2.000000e+00> : tensor<4xf32>>]}
module attributes {program.weights = [
    #program.weight<"wte.weight", offset = 0, value = dense<1.0> : tensor<2x2xf32>>,
    #program.weight<"h.0.attn.c_attn.weight", offset = 4096, value = dense<2.0> : tensor<4xf32>>]} {
  // CHECK-LABEL: func.func @main
  // CHECK-SAME: %{{.+}}: tensor<?x?xi64> {program.value = #program.value<"input_ids", dims = ["batch", "past_sequence + 1"]>}
  // CHECK-SAME: %{{.+}}: tensor<2xf16> {program.value = #program.value<"like", dims = [""], type_only>}
  // CHECK-SAME: %{{.+}}: tensor<?x2xf32> {program.value = #program.value<"bias", dims = ["n", ""], default = dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>>}
  // CHECK-SAME: %{{.+}}: tensor<64xf32> {program.value = #program.value<"scale", dims = [""], default = dense_resource<scale_blob> : tensor<64xf32>>}
  // CHECK-SAME: -> (tensor<?x?x8xf32> {program.value = #program.value<"logits", dims = ["batch", "past_sequence + 1", ""]>})
  // CHECK-SAME: program.arenas = [#program.arena<space = 0, bytes = 4096, lower_bound = 4000, alignment = 64>, #program.arena<space = 1, bytes = 0, lower_bound = 0, alignment = 4096>]
  // CHECK-SAME: program.bounds = #program.bounds<"batch" = 8, "past_sequence + 1" = 2048>
  // CHECK-SAME: program.entry
  // CHECK-SAME: program.pass_through_inputs = [#program.pass_through<"xs", position = 2, kind = sequence, element = tensor<?x2xf32>>, #program.pass_through<"maybe", position = 3, kind = optional_tensor, element = tensor<*xf32>>]
  // CHECK-SAME: program.pass_through_outputs = [#program.pass_through<"ys", position = 1, kind = sequence, element = tensor<?x2xf32>, source = "xs">]
  func.func @main(%ids: tensor<?x?xi64> {program.value = #program.value<"input_ids", dims = ["batch", "past_sequence + 1"]>},
                  %like: tensor<2xf16> {program.value = #program.value<"like", dims = [""], type_only>},
                  %bias: tensor<?x2xf32> {program.value = #program.value<"bias", dims = ["n", ""], default = dense<[[1.0, 2.0]]> : tensor<1x2xf32>>},
                  %scale: tensor<64xf32> {program.value = #program.value<"scale", dims = [""], default = dense_resource<scale_blob> : tensor<64xf32>>})
      -> (tensor<?x?x8xf32> {program.value = #program.value<"logits", dims = ["batch", "past_sequence + 1", ""]>})
      attributes {program.entry,
                  program.bounds = #program.bounds<"batch" = 8, "past_sequence + 1" = 2048>,
                  program.arenas = [#program.arena<space = 0, bytes = 4096, lower_bound = 4000, alignment = 64>,
                                    #program.arena<space = 1, bytes = 0, lower_bound = 0, alignment = 4096>],
                  program.pass_through_inputs = [
                      #program.pass_through<"xs", position = 2, kind = sequence, element = tensor<?x2xf32>>,
                      #program.pass_through<"maybe", position = 3, kind = optional_tensor, element = tensor<*xf32>>],
                  program.pass_through_outputs = [
                      #program.pass_through<"ys", position = 1, kind = sequence, element = tensor<?x2xf32>, source = "xs">]} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %b = tensor.dim %ids, %c0 : tensor<?x?xi64>
    %s = tensor.dim %ids, %c1 : tensor<?x?xi64>
    %e = tensor.empty(%b, %s) : tensor<?x?x8xf32>
    return %e : tensor<?x?x8xf32>
  }

  // The caller's memory for a result (strata-output-destinations).
  // CHECK-LABEL: func.func @destination
  // CHECK-SAME: %{{.+}}: tensor<2x3xf32> {program.destination = 0 : i64}
  func.func @destination(%x: tensor<2x3xf32>, %out: tensor<2x3xf32> {program.destination = 0}) -> tensor<2x3xf32> {
    return %x : tensor<2x3xf32>
  }
}

// A default's data may be a blob, as large initializers are.
{-#
  dialect_resources: {
    builtin: {
      scale_blob: "0x04000000000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F000000000000803F"
    }
  }
#-}

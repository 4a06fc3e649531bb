// RUN: strata-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the ops in NNOps.td that a user can violate.

func.func @matmul_operand_rank_below_2(%x: tensor<4xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+2 {{matmul operands need rank >= 2 (got 1 and 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.matmul %x, %w : (tensor<4xf32>, tensor<4x8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @matmul_contracting_dims_differ(%x: tensor<2x4xf32>, %w: tensor<5x8xf32>) {
  // expected-error @+2 {{contracting dimensions differ: 4 vs 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.matmul %x, %w : (tensor<2x4xf32>, tensor<5x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @matmul_batch_dims_do_not_broadcast(%x: tensor<3x2x4xf32>, %w: tensor<5x4x8xf32>) {
  // expected-error @+2 {{shapes do not broadcast: dimension 5 against 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.matmul %x, %w : (tensor<3x2x4xf32>, tensor<5x4x8xf32>) -> tensor<3x2x8xf32>
  return
}

// -----

func.func @matmul_element_types_differ(%x: tensor<2x4xf32>, %w: tensor<4x8xf16>) {
  // expected-error @+1 {{requires the same element type for all operands}}
  %y = graph.matmul %x, %w : (tensor<2x4xf32>, tensor<4x8xf16>) -> tensor<2x8xf32>
  return
}

// -----

func.func @matmul_result_shape_differs(%x: tensor<2x4xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x8xf32>' are incompatible with return type(s) of operation 'tensor<8x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.matmul %x, %w : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<8x2xf32>
  return
}

// -----

func.func @einsum_equation_without_arrow(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{equation 'ij' must have an explicit '->'}}
  %y = graph.einsum %a {equation = "ij"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @einsum_operand_count_differs(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{equation names 2 operands but the op has 1}}
  %y = graph.einsum %a {equation = "ij,jk->ik"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @einsum_subscripts_do_not_match_rank(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{subscripts 'ijk' do not match rank 2}}
  %y = graph.einsum %a {equation = "ijk->ij"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @einsum_subscript_not_a_letter(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{subscript '1' is not a letter}}
  %y = graph.einsum %a {equation = "i1->i"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @einsum_subscript_sizes_differ(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{subscript 'j' has sizes 3 and 4}}
  %y = graph.einsum %a, %b {equation = "ij,jk->ik"} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @einsum_diagonal_sizes_differ(%a: tensor<1x3xf32>) {
  // expected-error @+1 {{subscript 'i' repeats in 'ii' with sizes 1 and 3}}
  %y = graph.einsum %a {equation = "ii->i"} : (tensor<1x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @einsum_result_subscripts_do_not_match_rank(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result subscripts 'ij' do not match rank 1}}
  %y = graph.einsum %a {equation = "ij->ij"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @einsum_result_subscript_unknown(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result subscript 'k' names no operand dimension}}
  %y = graph.einsum %a {equation = "ij->k"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @einsum_result_dim_differs(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result dimension 'j' is 2, expected 3}}
  %y = graph.einsum %a {equation = "ij->j"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @einsum_element_types_differ(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %y = graph.einsum %a {equation = "ij->ji"} : (tensor<2x3xf32>) -> tensor<3x2xf16>
  return
}

// -----

func.func @layer_norm_axis_out_of_range(%x: tensor<2x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %y, %m, %r = graph.layer_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<2x8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_scale_element_type_differs(%x: tensor<2x8xf32>, %g: tensor<8xf16>) {
  // expected-error @+1 {{scale element type differs from the input's}}
  %y, %m, %r = graph.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<2x8xf32>, tensor<8xf16>) -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_scale_does_not_broadcast(%x: tensor<2x8xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{scale of shape 'tensor<4xf32>' does not broadcast to the normalised dimensions}}
  %y, %m, %r = graph.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<2x8xf32>, tensor<4xf32>) -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_bias_does_not_broadcast(%x: tensor<2x8xf32>, %g: tensor<8xf32>,
                                              %b: tensor<2x8xf32>) {
  // expected-error @+1 {{bias of shape 'tensor<2x8xf32>' does not broadcast to the normalised dimensions}}
  %y, %m, %r = graph.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<2x8xf32>, tensor<8xf32>, tensor<2x8xf32>)
      -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_statistics_shape_differs(%x: tensor<2x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x8xf32>', 'tensor<2x1xf32>', 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2x8xf32>', 'tensor<2xf32>', 'tensor<2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %m, %r = graph.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<2x8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2xf32>, tensor<2xf32>)
  return
}

// -----

func.func @rms_norm_axis_out_of_range(%x: tensor<2x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{axis -1 is out of range for rank 2}}
  %y = graph.rms_norm %x, %g {axis = -1 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @rms_norm_scale_does_not_broadcast(%x: tensor<2x8xf32>, %g: tensor<2x8xf32>) {
  // expected-error @+1 {{scale of shape 'tensor<2x8xf32>' does not broadcast to the normalised dimensions}}
  %y = graph.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @rms_norm_result_type_differs(%x: tensor<2x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<2x8xf32>' are incompatible with return type(s) of operation 'tensor<2x8xf16>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf16>
  return
}

// -----

func.func @attention_operand_not_4d(%q: tensor<8x1x64xf32>, %k: tensor<1x8x1x64xf32>) {
  // expected-error @+1 {{query, key and value must be 4-D [batch, heads, sequence, head_dim]}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %k {scale = 0.125 : f32}
      : (tensor<8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_batch_sizes_differ(%q: tensor<2x8x1x64xf32>, %k: tensor<1x8x1x64xf32>) {
  // expected-error @+1 {{query, key and value differ in batch size}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %k {scale = 0.125 : f32}
      : (tensor<2x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>)
      -> (tensor<2x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<2x8x1x1xf32>)
  return
}

// -----

func.func @attention_key_value_heads_differ(%q: tensor<1x8x1x64xf32>, %k: tensor<1x8x1x64xf32>,
                                            %v: tensor<1x4x1x64xf32>) {
  // expected-error @+1 {{key and value differ in heads or sequence length}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x4x1x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x4x1x64xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_head_dims_differ(%q: tensor<1x8x1x64xf32>, %k: tensor<1x8x1x32xf32>) {
  // expected-error @+1 {{query head_dim 64 differs from key head_dim 32}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %k {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x32xf32>, tensor<1x8x1x32xf32>)
      -> (tensor<1x8x1x32xf32>, tensor<1x8x1x32xf32>, tensor<1x8x1x32xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_query_heads_not_multiple_of_kv_heads(%q: tensor<1x8x1x64xf32>,
                                                          %k: tensor<1x3x1x64xf32>) {
  // expected-error @+1 {{query heads (8) must be a multiple of key/value heads (3)}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %k {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x3x1x64xf32>, tensor<1x3x1x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x3x1x64xf32>, tensor<1x3x1x64xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_qk_mode_out_of_range(%q: tensor<1x8x1x64xf32>) {
  // expected-error @+1 {{qk_mode must be 0, 1, 2 or 3}}
  %y, %pk, %pv, %qk = graph.attention %q, %q, %q {scale = 0.125 : f32, qk_mode = 4 : i64}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_past_key_without_past_value(%q: tensor<1x8x1x64xf32>,
                                                 %pk: tensor<1x8x7x64xf32>) {
  // expected-error @+1 {{past_key and past_value come together}}
  %y, %k, %v, %qk = "graph.attention"(%q, %q, %q, %pk)
      <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0>, scale = 0.125 : f32}>
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x7x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x8x64xf32>, tensor<1x8x8x64xf32>, tensor<1x8x1x8xf32>)
  return
}

// -----

func.func @attention_mask_rank_above_4(%q: tensor<1x8x1x64xf32>, %m: tensor<1x1x1x1x1xi1>) {
  // expected-error @+1 {{mask has rank 5, at most 4 expected}}
  %y, %pk, %pv, %qk = graph.attention %q, %q, %q mask %m {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x1x1x1x1xi1>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_mask_element_type_differs(%q: tensor<1x8x1x64xf32>, %m: tensor<1x1xf16>) {
  // expected-error @+1 {{mask must be i1 or have the query's element type}}
  %y, %pk, %pv, %qk = graph.attention %q, %q, %q mask %m {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x1xf16>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_mask_does_not_broadcast(%q: tensor<1x8x4x64xf32>, %m: tensor<1x1x4x5xi1>) {
  // expected-error @+1 {{mask of shape 'tensor<1x1x4x5xi1>' does not broadcast to the scores [batch, query heads, query sequence, key sequence]}}
  %y, %pk, %pv, %qk = graph.attention %q, %q, %q mask %m {scale = 0.125 : f32}
      : (tensor<1x8x4x64xf32>, tensor<1x8x4x64xf32>, tensor<1x8x4x64xf32>, tensor<1x1x4x5xi1>)
      -> (tensor<1x8x4x64xf32>, tensor<1x8x4x64xf32>, tensor<1x8x4x64xf32>, tensor<1x8x4x4xf32>)
  return
}

// -----

func.func @attention_element_types_differ(%q: tensor<1x8x1x64xf32>, %k: tensor<1x8x1x64xf16>) {
  // expected-error @+1 {{query, key, value and the past must have one element type}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %k {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf16>, tensor<1x8x1x64xf16>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf16>, tensor<1x8x1x64xf16>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_result_shape_differs(%q: tensor<1x8x1x64xf32>, %k: tensor<1x8x1x64xf32>,
                                          %v: tensor<1x8x1x32xf32>) {
  // expected-error @+1 {{result must be [batch, query heads, query sequence, value head_dim]}}
  %y, %pk, %pv, %qk = graph.attention %q, %k, %v {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x32xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x32xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_past_not_4d(%q: tensor<1x8x1x64xf32>, %past: tensor<8x7x64xf32>) {
  // expected-error @+1 {{past_key and past_value must be 4-D}}
  %y, %k, %v, %qk = graph.attention %q, %q, %q past %past, %past {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>,
         tensor<8x7x64xf32>, tensor<8x7x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x8x64xf32>, tensor<1x8x8x64xf32>, tensor<1x8x1x8xf32>)
  return
}

// -----

func.func @attention_past_shape_differs(%q: tensor<1x8x1x64xf32>, %pk: tensor<1x8x7x64xf32>,
                                        %pv: tensor<1x4x7x64xf32>) {
  // expected-error @+1 {{past_key and past_value must be [batch, key/value heads, past sequence, head_dim] as key and value}}
  %y, %k, %v, %qk = graph.attention %q, %q, %q past %pk, %pv {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>,
         tensor<1x8x7x64xf32>, tensor<1x4x7x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x8x64xf32>, tensor<1x8x8x64xf32>, tensor<1x8x1x8xf32>)
  return
}

// -----

func.func @attention_result_element_type_differs(%q: tensor<1x8x1x64xf32>) {
  // expected-error @+1 {{results must have the query's element type}}
  %y, %pk, %pv, %qk = graph.attention %q, %q, %q {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>)
      -> (tensor<1x8x1x64xf16>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_result_not_4d(%q: tensor<1x8x1x64xf32>) {
  // expected-error @+1 {{result, present_key, present_value and qk must be 4-D}}
  %y, %pk, %pv, %qk = graph.attention %q, %q, %q {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>)
      -> (tensor<f32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_present_not_4d(%q: tensor<1x8x1x64xf32>) {
  // expected-error @+1 {{present_key, present_value and qk must be 4-D}}
  %y, %pk, %pv, %qk = graph.attention %q, %q, %q {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x1xf32>)
  return
}

// -----

func.func @attention_present_key_shape_differs(%q: tensor<1x8x1x64xf32>,
                                               %past: tensor<1x8x7x64xf32>) {
  // expected-error @+1 {{present_key and present_value must be [batch, key/value heads, past + new sequence, head_dim]}}
  %y, %pk, %pv, %qk = graph.attention %q, %q, %q past %past, %past {scale = 0.125 : f32}
      : (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>,
         tensor<1x8x7x64xf32>, tensor<1x8x7x64xf32>)
      -> (tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x64xf32>, tensor<1x8x1x8xf32>)
  return
}

// -----

func.func @attention_qk_shape_differs(%q: tensor<1x8x2x64xf32>, %past: tensor<1x8x7x64xf32>) {
  // expected-error @+1 {{qk must be [batch, query heads, query sequence, past + new sequence]}}
  %y, %pk, %pv, %qk = graph.attention %q, %q, %q past %past, %past {scale = 0.125 : f32}
      : (tensor<1x8x2x64xf32>, tensor<1x8x2x64xf32>, tensor<1x8x2x64xf32>,
         tensor<1x8x7x64xf32>, tensor<1x8x7x64xf32>)
      -> (tensor<1x8x2x64xf32>, tensor<1x8x9x64xf32>, tensor<1x8x9x64xf32>, tensor<1x8x2x2xf32>)
  return
}

// -----

func.func @rotary_input_not_4d(%x: tensor<8x16x64xf32>, %c: tensor<1x16x32xf32>) {
  // expected-error @+1 {{input must be 4-D [batch, heads, sequence, head_dim]}}
  %y = graph.rotary %x, %c, %c
      : (tensor<8x16x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>) -> tensor<8x16x64xf32>
  return
}

// -----

func.func @rotary_tables_not_3d(%x: tensor<1x8x16x64xf32>, %c: tensor<16x32xf32>) {
  // expected-error @+1 {{cos and sin must be 3-D [batch, sequence, rotary_dim / 2]}}
  %y = graph.rotary %x, %c, %c
      : (tensor<1x8x16x64xf32>, tensor<16x32xf32>, tensor<16x32xf32>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @rotary_table_batch_differs(%x: tensor<2x8x16x64xf32>, %c: tensor<3x16x32xf32>) {
  // expected-error @+1 {{cos/sin batch 3 does not match 2}}
  %y = graph.rotary %x, %c, %c
      : (tensor<2x8x16x64xf32>, tensor<3x16x32xf32>, tensor<3x16x32xf32>) -> tensor<2x8x16x64xf32>
  return
}

// -----

func.func @rotary_table_sequence_differs(%x: tensor<1x8x16x64xf32>, %c: tensor<1x8x32xf32>) {
  // expected-error @+1 {{cos/sin sequence 8 does not match 16}}
  %y = graph.rotary %x, %c, %c
      : (tensor<1x8x16x64xf32>, tensor<1x8x32xf32>, tensor<1x8x32xf32>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @rotary_dim_exceeds_head_dim(%x: tensor<1x8x16x64xf32>, %c: tensor<1x16x40xf32>) {
  // expected-error @+1 {{rotary_dim 80 exceeds head_dim 64}}
  %y = graph.rotary %x, %c, %c
      : (tensor<1x8x16x64xf32>, tensor<1x16x40xf32>, tensor<1x16x40xf32>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @rotary_table_element_type_differs(%x: tensor<1x8x16x64xf32>, %c: tensor<1x16x32xf16>) {
  // expected-error @+1 {{cos and sin must have the input's element type}}
  %y = graph.rotary %x, %c, %c
      : (tensor<1x8x16x64xf32>, tensor<1x16x32xf16>, tensor<1x16x32xf16>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @rotary_cos_and_sin_shapes_differ(%x: tensor<1x8x16x64xf32>, %c: tensor<1x16x32xf32>,
                                            %s: tensor<1x16x16xf32>) {
  // expected-error @+1 {{cos and sin differ in shape}}
  %y = graph.rotary %x, %c, %s
      : (tensor<1x8x16x64xf32>, tensor<1x16x32xf32>, tensor<1x16x16xf32>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @rotary_result_type_differs(%x: tensor<1x8x16x64xf32>, %c: tensor<1x16x32xf32>) {
  // expected-error @+1 {{all of {input, result} have same type}}
  %y = graph.rotary %x, %c, %c
      : (tensor<1x8x16x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>) -> tensor<1x8x16x32xf32>
  return
}

// -----

func.func @quantize_result_not_narrow_integer(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i32>) {
  // expected-error @+1 {{result must be an integer type of at most 16 bits}}
  %q = graph.quantize %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i32>) -> tensor<4xi32>
  return
}

// -----

func.func @quantize_zero_point_element_type_differs(%x: tensor<4xf32>, %s: tensor<f32>,
                                                    %z: tensor<i8>) {
  // expected-error @+1 {{zero_point element type must be the result's}}
  %q = graph.quantize %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xui8>
  return
}

// -----

func.func @quantize_without_zero_point_result_not_ui8(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{without zero_point the result must be ui8}}
  %q = graph.quantize %x, %s : (tensor<4xf32>, tensor<f32>) -> tensor<4xi8>
  return
}

// -----

func.func @quantize_result_shape_differs(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{result must have the input's shape}}
  %q = graph.quantize %x, %s : (tensor<4xf32>, tensor<f32>) -> tensor<2x2xui8>
  return
}

// -----

func.func @quantize_scale_rank_above_1(%x: tensor<4x8xf32>, %s: tensor<4x8xf32>) {
  // expected-error @+1 {{scale must be a scalar or 1-D (per channel)}}
  %q = graph.quantize %x, %s : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xui8>
  return
}

// -----

func.func @quantize_per_channel_axis_out_of_range(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %q = graph.quantize %x, %s {axis = 2 : i64} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xui8>
  return
}

// -----

func.func @quantize_per_channel_scale_length_differs(%x: tensor<4x8xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{per-channel scale has 4 entries for a dimension of 8}}
  %q = graph.quantize %x, %s : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xui8>
  return
}

// -----

func.func @quantize_zero_point_shape_differs(%x: tensor<4x8xf32>, %s: tensor<8xf32>,
                                             %z: tensor<ui8>) {
  // expected-error @+1 {{zero_point must have the shape of scale}}
  %q = graph.quantize %x, %s, %z : (tensor<4x8xf32>, tensor<8xf32>, tensor<ui8>) -> tensor<4x8xui8>
  return
}

// -----

func.func @dequantize_input_not_integer(%x: tensor<4xf16>, %s: tensor<f32>) {
  // expected-error @+1 {{input must be integer}}
  %y = graph.dequantize %x, %s : (tensor<4xf16>, tensor<f32>) -> tensor<4xf32>
  return
}

// -----

func.func @dequantize_zero_point_element_type_differs(%x: tensor<4xui8>, %s: tensor<f32>,
                                                      %z: tensor<i8>) {
  // expected-error @+1 {{zero_point element type must be the input's}}
  %y = graph.dequantize %x, %s, %z : (tensor<4xui8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return
}

// -----

func.func @dequantize_result_element_type_differs_from_scale(%x: tensor<4xui8>, %s: tensor<f32>) {
  // expected-error @+1 {{result element type must be the scale's}}
  %y = graph.dequantize %x, %s : (tensor<4xui8>, tensor<f32>) -> tensor<4xf16>
  return
}

// -----

func.func @dequantize_result_shape_differs(%x: tensor<4xui8>, %s: tensor<f32>) {
  // expected-error @+1 {{result must have the input's shape}}
  %y = graph.dequantize %x, %s : (tensor<4xui8>, tensor<f32>) -> tensor<?xf32>
  return
}

// -----

func.func @dequantize_per_channel_scale_length_differs(%x: tensor<4x8xi8>, %s: tensor<4xf32>) {
  // expected-error @+1 {{per-channel scale has 4 entries for a dimension of 8}}
  %y = graph.dequantize %x, %s : (tensor<4x8xi8>, tensor<4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @matmul_nbits_bits(%x: tensor<2x64xf32>, %w: tensor<8x2x16xui8>, %s: tensor<8x2xf32>) {
  // expected-error @+2 {{bits must be 2, 4 or 8, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.matmul_nbits %x, %w, %s {bits = 3 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<8x2xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @matmul_nbits_block_bytes(%x: tensor<2x64xf32>, %w: tensor<8x2x32xui8>, %s: tensor<8x2xf32>) {
  // expected-error @+2 {{weights hold 32 bytes per block; 32 values of 4 bits take 16}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.matmul_nbits %x, %w, %s {bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x32xui8>, tensor<8x2xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @matmul_nbits_k(%x: tensor<2x65xf32>, %w: tensor<8x2x16xui8>, %s: tensor<8x2xf32>) {
  // expected-error @+2 {{lhs has K = 65, which 2 blocks of 32 do not fit exactly}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.matmul_nbits %x, %w, %s {bits = 4 : i64, block_size = 32 : i64} : (tensor<2x65xf32>, tensor<8x2x16xui8>, tensor<8x2xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @matmul_nbits_scales(%x: tensor<2x64xf32>, %w: tensor<8x2x16xui8>, %s: tensor<8x3xf32>) {
  // expected-error @+2 {{scales must be [N, blocks] = [8, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.matmul_nbits %x, %w, %s {bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<8x3xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @matmul_nbits_zero_points(%x: tensor<2x64xf32>, %w: tensor<8x2x16xui8>, %s: tensor<8x2xf32>, %z: tensor<8x2xui8>) {
  // expected-error @+2 {{zero_points must be [N, ceil(blocks * bits / 8)]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.matmul_nbits %x, %w, %s, %z {bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<8x2xf32>, tensor<8x2xui8>) -> tensor<2x8xf32>
  return
}

// -----

func.func @matmul_nbits_weight_type(%x: tensor<2x64xf32>, %w: tensor<8x2x16xi16>, %s: tensor<8x2xf32>) {
  // expected-error @+2 {{packed weights and zero points must be 8-bit integers}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.matmul_nbits %x, %w, %s {bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xi16>, tensor<8x2xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @conv_rank(%x: tensor<1x80xf32>, %w: tensor<64x80xf32>) {
  // expected-error @+2 {{conv takes input [N, C, spatial...] and filter [F, C / group, kernel...] of the same rank >= 3 (got 2 and 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.conv %x, %w {strides = array<i64>, dilations = array<i64>, pads = array<i64>, group = 1 : i64} : (tensor<1x80xf32>, tensor<64x80xf32>) -> tensor<1x64xf32>
  return
}

// -----

func.func @conv_attributes(%x: tensor<1x80x10xf32>, %w: tensor<64x80x3xf32>) {
  // expected-error @+2 {{conv of 1 spatial dimensions takes 1 strides and dilations and 2 pads}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 1>, group = 1 : i64} : (tensor<1x80x10xf32>, tensor<64x80x3xf32>) -> tensor<1x64x8xf32>
  return
}

// -----

func.func @conv_groups(%x: tensor<1x6x10xf32>, %w: tensor<4x4x3xf32>) {
  // expected-error @+2 {{conv with 2 groups of 4 channels does not fit input channels 6 and 4 filters}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, group = 2 : i64} : (tensor<1x6x10xf32>, tensor<4x4x3xf32>) -> tensor<1x4x8xf32>
  return
}

// -----

func.func @conv_kernel_too_large(%x: tensor<1x2x2xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+2 {{conv kernel 3 (dilation 1) is larger than the padded input 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x2x2xf32>, tensor<4x2x3xf32>) -> tensor<1x4x1xf32>
  return
}

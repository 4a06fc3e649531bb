// RUN: strata-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the tier dialect's ops and attributes.

func.func @copy_shapes_differ(%a: memref<4xf32>, %b: memref<8xf32>) {
  // expected-error @+1 {{copies between buffers of one shape and element type; the source is 'memref<4xf32>', the target 'memref<8xf32>'}}
  %e = tier.copy %a to %b on "h2d" : memref<4xf32> to memref<8xf32>
  return
}

// -----

func.func @copy_element_types_differ(%a: memref<4xf32>, %b: memref<4xi32>) {
  // expected-error @+1 {{copies between buffers of one shape and element type}}
  %e = tier.copy %a to %b on "h2d" : memref<4xf32> to memref<4xi32>
  return
}

// -----

func.func @copy_without_stream(%a: memref<4xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{needs the name of the stream it runs on}}
  %e = tier.copy %a to %b on "" : memref<4xf32> to memref<4xf32>
  return
}

// -----

func.func @copy_onto_itself(%a: memref<4xf32>) {
  // expected-error @+1 {{copies a buffer onto itself}}
  %e = tier.copy %a to %a on "h2d" : memref<4xf32> to memref<4xf32>
  return
}

// -----

func.func @alloc_dynamic() {
  // expected-error @+1 {{result #0 must be statically shaped memref of any type values}}
  %b = tier.alloc gpu offset 0 : memref<?xf32>
  return
}

// -----

func.func @alloc_index_elements() {
  // expected-error @+1 {{allocates integer or float elements, of a known size; these are 'index'}}
  %b = tier.alloc gpu offset 0 : memref<4xindex>
  return
}

// -----

func.func @alloc_negative_offset() {
  // expected-error @+1 {{attribute 'offset' failed to satisfy constraint}}
  %b = "tier.alloc"() <{tier = 0 : i32, offset = -64 : i64}> : () -> memref<4xf32>
  return
}

// -----

func.func @alloc_strided() {
  // expected-error @+1 {{allocates a contiguous buffer; its type has layout}}
  %b = tier.alloc gpu offset 0 : memref<4x4xf32, strided<[8, 1]>>
  return
}

// -----

func.func @free_not_from_alloc(%a: memref<4xf32>) {
  // expected-error @+1 {{frees a buffer that tier.alloc made; this one comes from elsewhere}}
  tier.free %a : memref<4xf32>
  return
}

// -----

// expected-error @+1 {{weight 'w' has 0 bytes; a placed weight has at least one}}
module attributes {tier.p = #tier.placement<"w", home = gpu, bytes = 0, first = 0, last = 0>} {}

// -----

// expected-error @+1 {{weight 'w' is read from stage 3 to stage 1; stages are counted from 0, first <= last}}
module attributes {tier.p = #tier.placement<"w", home = gpu, bytes = 4, first = 3, last = 1>} {}

// -----

// expected-error @+1 {{'step_ns' is -1; it cannot be negative}}
module attributes {tier.plan = #tier.plan<slots = 0, slot_bytes = 0, step_ns = -1, copy_ns = 0, stall_ns = 0, gpu_bytes = 0, host_bytes = 0, nvme_bytes = 0, h2d_bytes = 0, nvme_read_bytes = 0, placements = []>} {}

// -----

// expected-error @+1 {{'stall_ns' is -5; it cannot be negative}}
module attributes {tier.plan = #tier.plan<slots = 0, slot_bytes = 0, step_ns = 0, copy_ns = 0, stall_ns = -5, gpu_bytes = 0, host_bytes = 0, nvme_bytes = 0, h2d_bytes = 0, nvme_read_bytes = 0, placements = []>} {}

// -----

// expected-error @+1 {{weight 'w' is placed twice}}
module attributes {tier.plan = #tier.plan<slots = 0, slot_bytes = 0, step_ns = 0, copy_ns = 0, stall_ns = 0, gpu_bytes = 8, host_bytes = 0, nvme_bytes = 0, h2d_bytes = 0, nvme_read_bytes = 0, placements = [#tier.placement<"w", home = gpu, bytes = 4, first = 0, last = 0>, #tier.placement<"w", home = gpu, bytes = 4, first = 1, last = 1>]>} {}

// -----

// expected-error @+1 {{weight 'w' is streamed from host but the plan has no device slots}}
module attributes {tier.plan = #tier.plan<slots = 0, slot_bytes = 0, step_ns = 0, copy_ns = 0, stall_ns = 0, gpu_bytes = 0, host_bytes = 4, nvme_bytes = 0, h2d_bytes = 4, nvme_read_bytes = 0, placements = [#tier.placement<"w", home = host, bytes = 4, first = 0, last = 0>]>} {}

// -----

// expected-error @+1 {{weight 'w' (64 bytes) does not fit a slot of 32 bytes}}
module attributes {tier.plan = #tier.plan<slots = 2, slot_bytes = 32, step_ns = 0, copy_ns = 0, stall_ns = 0, gpu_bytes = 64, host_bytes = 0, nvme_bytes = 64, h2d_bytes = 64, nvme_read_bytes = 64, placements = [#tier.placement<"w", home = nvme, bytes = 64, first = 0, last = 0>]>} {}

// -----

func.func @alloc_past_the_end() {
  // expected-error @+1 {{ends beyond the largest offset an arena can have: offset 9223372036854775000}}
  %b = tier.alloc gpu offset 9223372036854775000 : memref<1024xf32>
  return
}

// -----

// expected-error @+1 {{the KV cache of input 2 is at home on nvme; a KV cache lives on gpu or host}}
module attributes {tier.c = #tier.kv_cache<input = 2, home = nvme, bytes = 4096>} {}

// -----

// expected-error @+1 {{the KV cache of input 2 has 0 bytes; it has at least one}}
module attributes {tier.c = #tier.kv_cache<input = 2, home = gpu, bytes = 0>} {}

// -----

// expected-error @+1 {{a KV cache's input is counted from 0; it is -1}}
module attributes {tier.c = #tier.kv_cache<input = -1, home = gpu, bytes = 4>} {}

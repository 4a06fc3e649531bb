//===- OneDnnMatmul.h - oneDNN matmul primitives as the device makes them -*- C++ -*-===//
//
// The products that run on oneDNN's matmul (PackedProducts.h on f32 packed
// weights, Bf16Products.h on operands rounded to bf16) make their primitives
// the same way: the device hands each call its scratchpad, and a product that
// adds to C does so with a sum post-op.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_ONEDNNMATMUL_H
#define STRATA_RUNTIME_DEVICE_CPU_ONEDNNMATMUL_H

#include <oneapi/dnnl/dnnl.h>

namespace strata::cpu {

/// The primitive descriptor of `src` x `weights` -> `dst` on `engine`, with
/// a user scratchpad, adding to `dst` when `accumulate`; null if oneDNN has
/// no kernel for it. The caller destroys it.
dnnl_primitive_desc_t matmulPrimitiveDesc(dnnl_engine_t engine, const dnnl_memory_desc_t &src,
                                          const dnnl_memory_desc_t &weights,
                                          const dnnl_memory_desc_t &dst, bool accumulate);

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_ONEDNNMATMUL_H

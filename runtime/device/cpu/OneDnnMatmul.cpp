//===- OneDnnMatmul.cpp - oneDNN matmul primitives as the device makes them -===//

#include "runtime/device/cpu/OneDnnMatmul.h"

namespace strata::cpu {

dnnl_primitive_desc_t matmulPrimitiveDesc(dnnl_engine_t engine, const dnnl_memory_desc_t &src,
                                          const dnnl_memory_desc_t &weights,
                                          const dnnl_memory_desc_t &dst, bool accumulate) {
  dnnl_matmul_desc_t matmul;
  if (dnnl_matmul_desc_init(&matmul, &src, &weights, nullptr, &dst) != dnnl_success)
    return nullptr;
  dnnl_primitive_attr_t attr = nullptr;
  dnnl_post_ops_t ops = nullptr;
  dnnl_primitive_desc_t pd = nullptr;
  bool ok =
      dnnl_primitive_attr_create(&attr) == dnnl_success &&
      dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user) == dnnl_success;
  if (ok && accumulate)
    ok = dnnl_post_ops_create(&ops) == dnnl_success &&
         dnnl_post_ops_append_sum(ops, 1.0f) == dnnl_success &&
         dnnl_primitive_attr_set_post_ops(attr, ops) == dnnl_success;
  if (ok && dnnl_primitive_desc_create(&pd, &matmul, attr, engine, nullptr) != dnnl_success)
    pd = nullptr;
  dnnl_post_ops_destroy(ops);
  dnnl_primitive_attr_destroy(attr);
  return pd;
}

} // namespace strata::cpu

//===- PackedProducts.cpp - Products with a weight, on pre-packed weights -===//
//
// oneDNN's C API: its C++ one throws, and the runtime is built without
// exceptions. Every failure is reported to the caller as "not taken", never
// as an error: the product then runs on OpenBLAS, as before. Scratchpads are
// the caller's: left to oneDNN, each call allocated and freed its own (9 MiB
// for a GPT-2 projection), which split the heap's free blocks and made the
// resident memory grow run after run.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/PackedProducts.h"
#include "runtime/device/cpu/Bf16Products.h"
#include "runtime/device/cpu/HugePageBuffer.h"
#include "runtime/device/cpu/OneDnnMatmul.h"
#include "runtime/device/cpu/StreamedRows.h"
#include "runtime/device/cpu/Team.h"

#include <oneapi/dnnl/dnnl.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <tuple>

namespace strata::cpu {
namespace {

/// The row count whose kernel picks the packed layout.
constexpr int64_t kLayoutRows = 128;
/// Primitives kept before all are dropped (a program with dynamic shapes
/// meets a new row count per distinct input length).
constexpr size_t kMaxPrimitives = 256;

/// A weight in oneDNN's layout; `memory` is null if packing failed.
/// `blocked.data` is null unless the layout is one streamRows reads.
struct Packed {
  dnnl_memory_t memory = nullptr;
  dnnl_memory_desc_t desc{};
  /// The packed elements `memory` describes.
  HugePageBuffer storage;
  BlockedWeight blocked{};
  /// The packed elements rounded to bf16, made on the first few-row product
  /// that asks for them; `rounded` describes them.
  HugePageBuffer bf16;
  BlockedWeight rounded{};
};

/// `desc`'s layout as a BlockedWeight (data null if it is not one).
BlockedWeight describeBlocks(const dnnl_memory_desc_t &desc, dnnl_memory_t memory) {
  const dnnl_blocking_desc_t &b = desc.format_desc.blocking;
  void *data = nullptr;
  if (desc.format_kind != dnnl_blocked || desc.offset0 != 0 || b.inner_nblks != 2 ||
      b.inner_idxs[0] != 0 || b.inner_idxs[1] != 1 ||
      dnnl_memory_get_data_handle(memory, &data) != dnnl_success)
    return {};
  return {static_cast<const float *>(data), b.inner_blks[0], b.inner_blks[1], b.strides[0],
          b.strides[1]};
}

/// A product's primitive, with memory objects that are pointed at each
/// call's A and C and at the shared scratchpad.
struct Primitive {
  dnnl_primitive_t primitive = nullptr;
  dnnl_memory_t src = nullptr, dst = nullptr, scratchpad = nullptr;
  size_t scratchpadBytes = 0;
};

/// b, k, n, ldb, transB.
using WeightKey = std::tuple<const float *, int64_t, int64_t, int64_t, bool>;
/// m, n, k, lda, transA, ldc, accumulate.
using PrimitiveKey = std::tuple<int64_t, int64_t, int64_t, int64_t, bool, int64_t, bool>;

void destroy(Primitive &p) {
  dnnl_primitive_destroy(p.primitive);
  dnnl_memory_destroy(p.src);
  dnnl_memory_destroy(p.dst);
  dnnl_memory_destroy(p.scratchpad);
}

class Cache {
public:
  /// Never destroyed: a device that a static object owns releases its
  /// products at exit, after function-local statics made later are gone.
  static Cache &instance() {
    static Cache &cache = *new Cache;
    return cache;
  }

  bool run(const PackedProduct &p, const float *a, const float *b, float *c, float beta,
           bool bf16) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!ready())
      return false;
    Packed &w = packed(p, b);
    if (!w.memory)
      return false;
    if (w.blocked.data && canStreamRows(p.m, w.blocked)) {
      streamRows(p, a, bf16 ? rounded(w) : w.blocked, c, beta);
      return true;
    }
    Primitive *prim = primitive(p, beta != 0.0f, w.desc);
    if (!prim)
      return false;
    applyTeamSize();
    if (dnnl_memory_set_data_handle(prim->src, const_cast<float *>(a)) != dnnl_success ||
        dnnl_memory_set_data_handle(prim->dst, c) != dnnl_success ||
        dnnl_memory_set_data_handle(prim->scratchpad, scratchpad) != dnnl_success)
      return false;
    dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, prim->src},
                              {DNNL_ARG_WEIGHTS, w.memory},
                              {DNNL_ARG_DST, prim->dst},
                              {DNNL_ARG_SCRATCHPAD, prim->scratchpad}};
    return dnnl_primitive_execute(prim->primitive, stream, 4, args) == dnnl_success &&
           dnnl_stream_wait(stream) == dnnl_success;
  }

  bool runOnOneDnn(const PackedProduct &p, const float *a, const float *b, float *c, float beta) {
    if (static_cast<double>(p.m) * p.n * p.k < kLeastOneDnnProduct)
      return false;
    applyTeamSize();
    return dnnl_sgemm(p.transA ? 'T' : 'N', p.transB ? 'T' : 'N', p.m, p.n, p.k, 1.0f, a, p.lda, b,
                      p.ldb, beta, c, p.ldc) == dnnl_success;
  }

  uint64_t packedCount() {
    std::lock_guard<std::mutex> lock(mutex);
    uint64_t count = 0;
    for (auto &[key, w] : weights)
      count += w.memory != nullptr;
    return count;
  }

  void forget(const float *b) {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto it = weights.begin(); it != weights.end();)
      if (std::get<0>(it->first) == b) {
        dnnl_memory_destroy(it->second.memory);
        it = weights.erase(it);
      } else {
        ++it;
      }
  }

  void release() {
    std::lock_guard<std::mutex> lock(mutex);
    dropPrimitives();
    for (auto &[key, w] : weights)
      dnnl_memory_destroy(w.memory);
    weights.clear();
    std::free(scratchpad);
    scratchpad = nullptr;
    scratchpadBytes = 0;
  }

private:
  Cache() = default;

  bool ready() {
    if (!engine && dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success &&
        dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success) {
      dnnl_engine_destroy(engine);
      engine = nullptr;
    }
    return engine && stream;
  }

  /// The packed copy of `b`, made on first use (`memory` null if that failed:
  /// it is not tried again).
  Packed &packed(const PackedProduct &p, const float *b) {
    auto [it, added] = weights.try_emplace(WeightKey{b, p.k, p.n, p.ldb, p.transB});
    if (added && !pack(p, b, it->second)) {
      dnnl_memory_destroy(it->second.memory);
      it->second.memory = nullptr;
      it->second.storage = HugePageBuffer();
    }
    return it->second;
  }

  bool pack(const PackedProduct &p, const float *b, Packed &out) {
    dnnl_dims_t srcDims = {kLayoutRows, p.k}, weightDims = {p.k, p.n}, dstDims = {kLayoutRows, p.n};
    dnnl_memory_desc_t src, any, dst, plain;
    dnnl_dims_t plainStrides = {p.transB ? 1 : p.ldb, p.transB ? p.ldb : 1};
    if (dnnl_memory_desc_init_by_tag(&src, 2, srcDims, dnnl_f32, dnnl_ab) != dnnl_success ||
        dnnl_memory_desc_init_by_tag(&any, 2, weightDims, dnnl_f32, dnnl_format_tag_any) !=
            dnnl_success ||
        dnnl_memory_desc_init_by_tag(&dst, 2, dstDims, dnnl_f32, dnnl_ab) != dnnl_success ||
        dnnl_memory_desc_init_by_strides(&plain, 2, weightDims, dnnl_f32, plainStrides) !=
            dnnl_success)
      return false;
    dnnl_matmul_desc_t matmul;
    dnnl_primitive_desc_t pd = nullptr;
    if (dnnl_matmul_desc_init(&matmul, &src, &any, nullptr, &dst) != dnnl_success ||
        dnnl_primitive_desc_create(&pd, &matmul, nullptr, engine, nullptr) != dnnl_success)
      return false;
    out.desc = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_primitive_desc_destroy(pd);
    dnnl_memory_t from = nullptr;
    dnnl_primitive_desc_t reorderPd = nullptr;
    dnnl_primitive_t reorder = nullptr;
    bool ok =
        dnnl_memory_create(&from, &plain, engine, const_cast<float *>(b)) == dnnl_success &&
        out.storage.allocate(dnnl_memory_desc_get_size(&out.desc)) &&
        dnnl_memory_create(&out.memory, &out.desc, engine, out.storage.data()) == dnnl_success &&
        dnnl_reorder_primitive_desc_create(&reorderPd, &plain, engine, &out.desc, engine,
                                           nullptr) == dnnl_success &&
        dnnl_primitive_create(&reorder, reorderPd) == dnnl_success;
    if (ok) {
      dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, out.memory}};
      ok = dnnl_primitive_execute(reorder, stream, 2, args) == dnnl_success &&
           dnnl_stream_wait(stream) == dnnl_success;
    }
    dnnl_primitive_destroy(reorder);
    dnnl_primitive_desc_destroy(reorderPd);
    dnnl_memory_destroy(from);
    if (ok) {
      out.blocked = describeBlocks(out.desc, out.memory);
      pageOut(p, b);
    }
    return ok;
  }

  /// `w`'s blocked copy rounded to bf16, made on first use; the f32 copy
  /// when there is no memory for it.
  static const BlockedWeight &rounded(Packed &w) {
    if (!w.rounded.rounded) {
      size_t count = dnnl_memory_desc_get_size(&w.desc) / sizeof(float);
      if (!w.bf16.allocate(count * sizeof(uint16_t)))
        return w.blocked;
      auto *to = static_cast<uint16_t *>(w.bf16.data());
      roundToBf16(w.blocked.data, static_cast<int64_t>(count), to);
      w.rounded = w.blocked;
      w.rounded.rounded = to;
    }
    return w.rounded;
  }

  /// Hands the pages wholly inside `b` back to the kernel: the packed copy is
  /// what products read from now on. The contents stay (a file's pages are
  /// read again on the next touch, anonymous ones swapped), so anything else
  /// that reads the weight still sees it.
  static void pageOut(const PackedProduct &p, const float *b) {
    int64_t elements = p.transB ? (p.n - 1) * p.ldb + p.k : (p.k - 1) * p.ldb + p.n;
    auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    auto begin = reinterpret_cast<uintptr_t>(b);
    uintptr_t end = begin + static_cast<uintptr_t>(elements) * sizeof(float);
    begin = (begin + page - 1) / page * page;
    end = end / page * page;
    if (end > begin)
      madvise(reinterpret_cast<void *>(begin), end - begin, MADV_PAGEOUT);
  }

  Primitive *primitive(const PackedProduct &p, bool accumulate, const dnnl_memory_desc_t &weights) {
    PrimitiveKey key{p.m, p.n, p.k, p.lda, p.transA, p.ldc, accumulate};
    auto found = primitives.find(key);
    if (found != primitives.end())
      return &found->second;
    if (primitives.size() >= kMaxPrimitives)
      dropPrimitives();
    Primitive prim;
    if (!create(p, accumulate, weights, prim) || !reserveScratchpad(prim.scratchpadBytes)) {
      destroy(prim);
      return nullptr;
    }
    return &primitives.emplace(key, prim).first->second;
  }

  bool create(const PackedProduct &p, bool accumulate, const dnnl_memory_desc_t &weights,
              Primitive &out) {
    dnnl_dims_t srcDims = {p.m, p.k}, dstDims = {p.m, p.n};
    dnnl_dims_t srcStrides = {p.transA ? 1 : p.lda, p.transA ? p.lda : 1}, dstStrides = {p.ldc, 1};
    dnnl_memory_desc_t src, dst;
    if (dnnl_memory_desc_init_by_strides(&src, 2, srcDims, dnnl_f32, srcStrides) != dnnl_success ||
        dnnl_memory_desc_init_by_strides(&dst, 2, dstDims, dnnl_f32, dstStrides) != dnnl_success)
      return false;
    dnnl_primitive_desc_t pd = matmulPrimitiveDesc(engine, src, weights, dst, accumulate);
    bool ok = pd && dnnl_primitive_create(&out.primitive, pd) == dnnl_success &&
              dnnl_memory_create(&out.src, &src, engine, DNNL_MEMORY_NONE) == dnnl_success &&
              dnnl_memory_create(&out.dst, &dst, engine, DNNL_MEMORY_NONE) == dnnl_success;
    if (ok) {
      const dnnl_memory_desc_t *scratch =
          dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
      out.scratchpadBytes = dnnl_memory_desc_get_size(scratch);
      ok = dnnl_memory_create(&out.scratchpad, scratch, engine, DNNL_MEMORY_NONE) == dnnl_success;
    }
    dnnl_primitive_desc_destroy(pd);
    return ok;
  }

  /// Grows the scratchpad every primitive shares (products run one at a
  /// time) to at least `bytes`.
  bool reserveScratchpad(size_t bytes) {
    if (bytes <= scratchpadBytes)
      return true;
    void *grown = nullptr;
    if (posix_memalign(&grown, 64, bytes) != 0)
      return false;
    std::free(scratchpad);
    scratchpad = grown;
    scratchpadBytes = bytes;
    return true;
  }

  void dropPrimitives() {
    for (auto &[key, prim] : primitives)
      destroy(prim);
    primitives.clear();
  }

  std::mutex mutex;
  dnnl_engine_t engine = nullptr;
  dnnl_stream_t stream = nullptr;
  std::map<WeightKey, Packed> weights;
  std::map<PrimitiveKey, Primitive> primitives;
  /// Every primitive's scratchpad, allocated once rather than per call.
  void *scratchpad = nullptr;
  size_t scratchpadBytes = 0;
};

} // namespace

bool runPacked(const PackedProduct &p, const float *a, const float *b, float *c, float beta,
               bool bf16) {
  return Cache::instance().run(p, a, b, c, beta, bf16);
}

bool runOnOneDnn(const PackedProduct &p, const float *a, const float *b, float *c, float beta) {
  return Cache::instance().runOnOneDnn(p, a, b, c, beta);
}

uint64_t packedWeightCount() { return Cache::instance().packedCount(); }

void forgetPackedWeight(const float *b) { Cache::instance().forget(b); }

void releasePackedProducts() { Cache::instance().release(); }

} // namespace strata::cpu

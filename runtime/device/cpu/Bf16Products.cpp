//===- Bf16Products.cpp - Matrix products on operands rounded to bf16 -----===//

#include "runtime/device/cpu/Bf16Products.h"
#include "runtime/device/cpu/OneDnnMatmul.h"
#include "runtime/device/cpu/Team.h"

#include <oneapi/dnnl/dnnl.h>

#include <immintrin.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

namespace strata::cpu {
namespace {

/// Primitives kept; past this many shapes, new ones run in f32.
constexpr size_t kMaxPrimitives = 256;

using Rounded = std::vector<uint16_t>;

/// Rounds `count` floats: without branches, so that the loop vectorises.
void roundRow(const float *from, int64_t count, uint16_t *to) {
  for (int64_t i = 0; i < count; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &from[i], sizeof(bits));
    uint32_t nearest = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
    uint32_t quiet = (bits >> 16) | 0x40u;
    to[i] = static_cast<uint16_t>((bits & 0x7fffffffu) > 0x7f800000u ? quiet : nearest);
  }
}

/// The same with AVX-512 BF16's conversion, which rounds the same way.
[[gnu::target("avx512f,avx512bf16")]] void roundRowBf16(const float *from, int64_t count,
                                                        uint16_t *to) {
  int64_t i = 0;
  for (; i + 32 <= count; i += 32) {
    __m512bh pair = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(from + i + 16), _mm512_loadu_ps(from + i));
    _mm512_storeu_si512(to + i, reinterpret_cast<__m512i>(pair));
  }
  roundRow(from + i, count - i, to + i);
}

using RoundRow = void (*)(const float *, int64_t, uint16_t *);

RoundRow pickRoundRow() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bf16") ? roundRowBf16 : roundRow;
}

/// Rounds the `rows` x `cols` matrix at `from` (row stride `ld`) into a dense
/// one.
void roundMatrix(const float *from, int64_t rows, int64_t cols, int64_t ld, Rounded &to) {
  to.resize(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r)
    roundToBf16(from + r * ld, cols, to.data() + r * cols);
}

/// An operand of `p` as stored: rows x cols with row stride `ld`.
struct Stored {
  int64_t rows, cols, ld;
};
Stored storedA(const PackedProduct &p) {
  return p.transA ? Stored{p.k, p.m, p.lda} : Stored{p.m, p.k, p.lda};
}
Stored storedB(const PackedProduct &p) {
  return p.transB ? Stored{p.n, p.k, p.ldb} : Stored{p.k, p.n, p.ldb};
}

struct Primitive {
  dnnl_primitive_t primitive = nullptr;
  dnnl_memory_desc_t src, weights, dst, scratchpad;
  size_t scratchpadBytes = 0;
  /// Whether oneDNN picked a bf16 kernel (not an emulation).
  bool native = false;
};

using PrimitiveKey = std::tuple<int64_t, int64_t, int64_t, bool, bool, bool>;
using WeightKey = std::tuple<const float *, int64_t, int64_t, int64_t, bool>;

/// What each thread keeps between calls: its stream and scratch.
struct ThreadScratch {
  dnnl_stream_t stream = nullptr;
  Rounded a, b;
  std::vector<float> c;
  std::vector<char> pad;
  ~ThreadScratch() { dnnl_stream_destroy(stream); }
};

class Cache {
public:
  /// Never destroyed: a device that a static object owns releases its
  /// products at exit, after function-local statics made later are gone.
  static Cache &instance() {
    static Cache &cache = *new Cache;
    return cache;
  }

  bool run(const PackedProduct &p, const float *a, const float *b, float *c, float beta,
           bool constantB) {
    // oneDNN's bf16 kernels write a dense C: a C with a wider row stride
    // goes through the thread's scratch.
    bool direct = p.ldc == p.n;
    const Primitive *prim;
    const Rounded *weight = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!ready() || !(prim = primitive(p, direct && beta != 0.0f)) || !prim->native)
        return false;
      if (constantB)
        weight = &rounded(p, b);
    }
    thread_local ThreadScratch scratch;
    if (!scratch.stream &&
        dnnl_stream_create(&scratch.stream, engine, dnnl_stream_default_flags) != dnnl_success)
      return false;
    Stored sa = storedA(p), sb = storedB(p);
    roundMatrix(a, sa.rows, sa.cols, sa.ld, scratch.a);
    if (!weight) {
      roundMatrix(b, sb.rows, sb.cols, sb.ld, scratch.b);
      weight = &scratch.b;
    }
    if (scratch.pad.size() < prim->scratchpadBytes)
      scratch.pad.resize(prim->scratchpadBytes);
    if (!direct)
      scratch.c.resize(static_cast<size_t>(p.m * p.n));
    float *out = direct ? c : scratch.c.data();
    applyTeamSize();
    dnnl_memory_t src = nullptr, weights = nullptr, dst = nullptr, pad = nullptr;
    bool ok =
        dnnl_memory_create(&src, &prim->src, engine, scratch.a.data()) == dnnl_success &&
        dnnl_memory_create(&weights, &prim->weights, engine,
                           const_cast<uint16_t *>(weight->data())) == dnnl_success &&
        dnnl_memory_create(&dst, &prim->dst, engine, out) == dnnl_success &&
        dnnl_memory_create(&pad, &prim->scratchpad, engine, scratch.pad.data()) == dnnl_success;
    if (ok) {
      dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, src},
                                {DNNL_ARG_WEIGHTS, weights},
                                {DNNL_ARG_DST, dst},
                                {DNNL_ARG_SCRATCHPAD, pad}};
      ok = dnnl_primitive_execute(prim->primitive, scratch.stream, 4, args) == dnnl_success &&
           dnnl_stream_wait(scratch.stream) == dnnl_success;
    }
    for (dnnl_memory_t m : {src, weights, dst, pad})
      dnnl_memory_destroy(m);
    if (ok && !direct)
      for (int64_t r = 0; r < p.m; ++r)
        for (int64_t j = 0; j < p.n; ++j)
          c[r * p.ldc + j] = (beta != 0.0f ? c[r * p.ldc + j] : 0.0f) + out[r * p.n + j];
    return ok;
  }

  void forget(const float *b) {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto it = weights.begin(); it != weights.end();)
      it = std::get<0>(it->first) == b ? weights.erase(it) : std::next(it);
  }

  void release() {
    std::lock_guard<std::mutex> lock(mutex);
    weights.clear();
    for (auto &[key, prim] : primitives)
      dnnl_primitive_destroy(prim.primitive);
    primitives.clear();
  }

private:
  bool ready() {
    if (!engine && dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success)
      engine = nullptr;
    return engine != nullptr;
  }

  const Rounded &rounded(const PackedProduct &p, const float *b) {
    auto [it, added] = weights.try_emplace(WeightKey{b, p.k, p.n, p.ldb, p.transB});
    if (added) {
      Stored sb = storedB(p);
      roundMatrix(b, sb.rows, sb.cols, sb.ld, it->second);
    }
    return it->second;
  }

  const Primitive *primitive(const PackedProduct &p, bool accumulate) {
    PrimitiveKey key{p.m, p.n, p.k, p.transA, p.transB, accumulate};
    auto found = primitives.find(key);
    if (found != primitives.end())
      return &found->second;
    if (primitives.size() >= kMaxPrimitives)
      return nullptr;
    Primitive prim;
    if (!create(p, accumulate, prim)) {
      dnnl_primitive_destroy(prim.primitive);
      return nullptr;
    }
    return &primitives.emplace(key, prim).first->second;
  }

  /// The rounded operands are dense: A as m x k (k x m when transposed), B
  /// as k x n (n x k); so is C, m x n.
  bool create(const PackedProduct &p, bool accumulate, Primitive &out) {
    dnnl_dims_t srcDims = {p.m, p.k}, weightDims = {p.k, p.n}, dstDims = {p.m, p.n};
    dnnl_dims_t srcStrides = {p.transA ? 1 : p.k, p.transA ? p.m : 1};
    dnnl_dims_t weightStrides = {p.transB ? 1 : p.n, p.transB ? p.k : 1};
    dnnl_dims_t dstStrides = {p.n, 1};
    if (dnnl_memory_desc_init_by_strides(&out.src, 2, srcDims, dnnl_bf16, srcStrides) !=
            dnnl_success ||
        dnnl_memory_desc_init_by_strides(&out.weights, 2, weightDims, dnnl_bf16, weightStrides) !=
            dnnl_success ||
        dnnl_memory_desc_init_by_strides(&out.dst, 2, dstDims, dnnl_f32, dstStrides) !=
            dnnl_success)
      return false;
    dnnl_primitive_desc_t pd =
        matmulPrimitiveDesc(engine, out.src, out.weights, out.dst, accumulate);
    bool ok = pd && dnnl_primitive_create(&out.primitive, pd) == dnnl_success;
    if (ok) {
      const char *impl = nullptr;
      dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
      out.native = impl && std::strstr(impl, "bf16") != nullptr;
      out.scratchpad = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
      out.scratchpadBytes = dnnl_memory_desc_get_size(&out.scratchpad);
    }
    dnnl_primitive_desc_destroy(pd);
    return ok;
  }

  std::mutex mutex;
  dnnl_engine_t engine = nullptr;
  std::map<PrimitiveKey, Primitive> primitives;
  std::map<WeightKey, Rounded> weights;
};

} // namespace

uint16_t roundToBf16(float value) {
  uint16_t bits;
  roundRow(&value, 1, &bits);
  return bits;
}

void roundToBf16(const float *from, int64_t count, uint16_t *to) {
  static const RoundRow round = pickRoundRow();
  round(from, count, to);
}

bool runBf16(const PackedProduct &p, const float *a, const float *b, float *c, float beta,
             bool constantB) {
  if (static_cast<double>(p.m) * p.n * p.k < kLeastBf16Product)
    return false;
  return Cache::instance().run(p, a, b, c, beta, constantB);
}

void forgetBf16Weight(const float *b) { Cache::instance().forget(b); }

void releaseBf16Products() { Cache::instance().release(); }

} // namespace strata::cpu

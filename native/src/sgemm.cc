// Cache-blocked float32 GEMM (the Goto/BLIS scheme): op(B) is packed into kc×nr column panels,
// op(A) into mr×kc row panels (transposes cost nothing: they only change how packing reads),
// and a register-blocked microkernel computes one mr×nr tile of C per call. The microkernel is
// picked at run time: AVX-512 (8×32), AVX2+FMA (6×16), or portable C++ (4×8).
//
// Threads (thread-pool.cc) split C into disjoint column (or row) ranges; the operand every range
// needs whole is packed once for all of them, the other by each thread for its range. Every
// element of C is summed in the same order (k blocks in turn, one FMA chain per block) however
// C is split, so results do not depend on the thread count and are identical run to run.
#include "sgemm.h"

#include "compiler.h"
#include "thread-pool.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define RELAXCERT_X86 1
#endif

namespace relaxcert {
namespace {

// A is read as a[i * rsa + p * csa]: a packed panel (rsa = 1, csa = mr) or, for narrow
// products, op(A) in place (rsa = lda, csa = 1; transposed, rsa = 1, csa = lda). The
// arithmetic is the same either way.
using Microkernel = void (*)(std::size_t kc, const float* a, std::size_t rsa, std::size_t csa,
                             const float* b, float* c, std::size_t ldc, bool load);

struct Kernel {
  std::size_t mr, nr;
  Microkernel packed;  // a packed panel of A (rsa = 1, csa = mr as compile-time constants)
  Microkernel direct;  // op(A) in place, any strides
  const char* isa;
};

// Block sizes: a kc×nr panel of B (32 KB at nr = 32) stays in L1 while the mr×kc panels of A
// (an mc×kc block, 240 KB; 255 KB with a joined tail) stream from L2.
constexpr std::size_t KC = 256;
// A last k block of at most this many joins the block before it: a block of one (a rank-1
// term appended to a product, the Lipschitz estimate's weight gradient in ops/dense.ts) would
// otherwise cost a whole pass over C for one multiply-add per element.
constexpr std::size_t KC_TAIL = 16;
constexpr std::size_t MC = 240;  // a multiple of 8, 6 and 4
constexpr std::size_t NC = 2048;
// directA(): at most this many nr-wide column panels.
constexpr std::size_t DIRECT_A_MAX_PANELS = 4;

// The length of the k block starting at p0 (a multiple of KC): KC, or all that is left when
// that is at most KC + KC_TAIL.
std::size_t blockLength(std::size_t k, std::size_t p0) {
  return k - p0 <= KC + KC_TAIL ? k - p0 : KC;
}

// How many k blocks blockLength() cuts k into.
std::size_t blockCount(std::size_t k) {
  return k <= KC + KC_TAIL ? 1 : (k - KC_TAIL + KC - 1) / KC;
}

template <std::size_t MR, std::size_t NR, bool Direct>
void kernelGeneric(std::size_t kc, const float* a, std::size_t rsa, std::size_t csa,
                   const float* b, float* c, std::size_t ldc, bool load) {
  if (!Direct) rsa = 1, csa = MR;
  float acc[MR][NR];
  for (std::size_t i = 0; i < MR; i++)
    for (std::size_t j = 0; j < NR; j++) acc[i][j] = load ? c[i * ldc + j] : 0.0f;
  for (std::size_t p = 0; p < kc; p++, a += csa, b += NR)
    for (std::size_t i = 0; i < MR; i++)
      for (std::size_t j = 0; j < NR; j++) acc[i][j] += a[i * rsa] * b[j];
  for (std::size_t i = 0; i < MR; i++)
    for (std::size_t j = 0; j < NR; j++) c[i * ldc + j] = acc[i][j];
}

#ifdef RELAXCERT_X86
template <bool Direct>
__attribute__((target("avx512f"))) void kernelAvx512(std::size_t kc, const float* a,
                                                     std::size_t rsa, std::size_t csa,
                                                     const float* b, float* c, std::size_t ldc,
                                                     bool load) {
  if (!Direct) rsa = 1, csa = 8;
  __m512 acc[8][2];
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++) {
    acc[i][0] = load ? _mm512_loadu_ps(c + i * ldc) : _mm512_setzero_ps();
    acc[i][1] = load ? _mm512_loadu_ps(c + i * ldc + 16) : _mm512_setzero_ps();
  }
  for (std::size_t p = 0; p < kc; p++, a += csa, b += 32) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 8
    for (int i = 0; i < 8; i++) {
      const __m512 ai = _mm512_set1_ps(a[i * rsa]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++) {
    _mm512_storeu_ps(c + i * ldc, acc[i][0]);
    _mm512_storeu_ps(c + i * ldc + 16, acc[i][1]);
  }
}

template <bool Direct>
__attribute__((target("avx2,fma"))) void kernelAvx2(std::size_t kc, const float* a,
                                                    std::size_t rsa, std::size_t csa,
                                                    const float* b, float* c, std::size_t ldc,
                                                    bool load) {
  if (!Direct) rsa = 1, csa = 6;
  __m256 acc[6][2];
#pragma GCC unroll 6
  for (int i = 0; i < 6; i++) {
    acc[i][0] = load ? _mm256_loadu_ps(c + i * ldc) : _mm256_setzero_ps();
    acc[i][1] = load ? _mm256_loadu_ps(c + i * ldc + 8) : _mm256_setzero_ps();
  }
  // Unrolled 4 deep (the same FMAs in the same order): dense products 0.92–0.98 of the time
  // on one thread, conv products 0.94–1.02 (AVX2 machine; AVX-512 not measured, left as is).
#pragma GCC unroll 4
  for (std::size_t p = 0; p < kc; p++, a += csa, b += 16) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i * rsa);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
#pragma GCC unroll 6
  for (int i = 0; i < 6; i++) {
    _mm256_storeu_ps(c + i * ldc, acc[i][0]);
    _mm256_storeu_ps(c + i * ldc + 8, acc[i][1]);
  }
}
#endif

Kernel pickKernel() {
#ifdef RELAXCERT_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return {8, 32, kernelAvx512<false>, kernelAvx512<true>, "AVX-512"};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {6, 16, kernelAvx2<false>, kernelAvx2<true>, "AVX2"};
#endif
  return {4, 8, kernelGeneric<4, 8, false>, kernelGeneric<4, 8, true>, "generic"};
}

const Kernel& kernel() {
  static const Kernel k = pickKernel();
  return k;
}

// dst[0 .. n) = src[0 .. n) for the microkernels' panel sizes (mr, nr), as fixed-size copies.
inline void copyRow(std::size_t n, const float* src, float* dst) {
  switch (n) {
    case 4: return void(std::memcpy(dst, src, 4 * sizeof(float)));
    case 6: return void(std::memcpy(dst, src, 6 * sizeof(float)));
    case 8: return void(std::memcpy(dst, src, 8 * sizeof(float)));
    case 16: return void(std::memcpy(dst, src, 16 * sizeof(float)));
    case 32: return void(std::memcpy(dst, src, 32 * sizeof(float)));
    default: std::memcpy(dst, src, n * sizeof(float));
  }
}

// op(A)[i0 .. i0+mb) × [p0 .. p0+kb) as mr-row panels, p-major inside a panel, rows past mb zero.
// Each case reads A along its rows in memory: with transA, the mr values of one p are adjacent
// (reading down a column of length m instead cost a cache miss per value when m is large).
void packA(const GemmArgs& g, std::size_t mr, std::size_t i0, std::size_t mb, std::size_t p0,
           std::size_t kb, float* dst) {
  if (g.transA) {
    // A few rows of A at a time for all panels: panel by panel, the kb rows a panel reads lie
    // m floats apart, and at m = 1,152 (a conv filter gradient) they fell into 8 of L1's 64
    // sets, so every panel read them from L2 again (packing was 30 % of that product).
    constexpr std::size_t ROWS = 8;
    for (std::size_t q0 = 0; q0 < kb; q0 += ROWS) {
      const std::size_t q1 = std::min(kb, q0 + ROWS);
      for (std::size_t ir = 0; ir < mb; ir += mr) {
        const std::size_t rows = std::min(mr, mb - ir);
        float* panel = dst + ir * kb;
        const float* src = g.a + (p0 + q0) * g.m + i0 + ir;
        if (rows == mr) {
          // Whole panels, the common case: a copy of a compile-time size, which the compiler
          // does in vector moves (a loop of mr scalar copies cost 30 % of a conv filter
          // gradient's product).
          for (std::size_t p = q0; p < q1; p++, src += g.m) copyRow(mr, src, panel + p * mr);
          continue;
        }
        for (std::size_t p = q0; p < q1; p++, src += g.m) {
          std::size_t i = 0;
          for (; i < rows; i++) panel[p * mr + i] = src[i];
          for (; i < mr; i++) panel[p * mr + i] = 0.0f;
        }
      }
    }
    return;
  }
  for (std::size_t ir = 0; ir < mb; ir += mr, dst += mr * kb) {
    const std::size_t rows = std::min(mr, mb - ir);
    for (std::size_t i = 0; i < mr; i++) {
      if (i >= rows) {
        for (std::size_t p = 0; p < kb; p++) dst[p * mr + i] = 0.0f;
      } else {
        const float* src = g.a + (i0 + ir + i) * g.k + p0;
        for (std::size_t p = 0; p < kb; p++) dst[p * mr + i] = src[p];
      }
    }
  }
}

// Whether the microkernel reads op(A) in place instead of packing it: for narrow products
// (few column panels) each packed value would serve only a few microkernel calls, and packing
// cost as much as the arithmetic (conv layers: n = cout = 32 or 64). A transposed A too (the
// conv filter gradient colsᵀ·dy: 0.90–0.97 of the time on one thread). A partial last panel
// is still packed (reading past m is not allowed).
bool directA(std::size_t nb, std::size_t nr) { return nb <= DIRECT_A_MAX_PANELS * nr; }

#ifdef RELAXCERT_X86
bool hasAvx() {
  static const bool yes = (__builtin_cpu_init(), __builtin_cpu_supports("avx"));
  return yes;
}

// dst[p · nr + j] = src[j · ld + p] for p < kb rounded down to 8, j < nr (a multiple of 8):
// blocks of 8 rows × 8 values transposed in registers (a copy, so the same packed panel).
// Returns the number of p done. A value at a time, this copy was about a fifth of the time of
// products with a transposed B (dx = dy·Wᵀ).
__attribute__((target("avx"))) std::size_t packTransposed8(const float* src, std::size_t ld,
                                                           std::size_t kb, std::size_t nr,
                                                           float* dst) {
  const std::size_t whole = kb / 8 * 8;
  for (std::size_t p = 0; p < whole; p += 8)
    for (std::size_t j = 0; j < nr; j += 8) {
      __m256 r[8];
      for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + (j + i) * ld + p);
      // Pairs, quadruples, then 128-bit halves: column q of the block ends in t[q].
      const __m256 a0 = _mm256_unpacklo_ps(r[0], r[1]), a1 = _mm256_unpackhi_ps(r[0], r[1]);
      const __m256 a2 = _mm256_unpacklo_ps(r[2], r[3]), a3 = _mm256_unpackhi_ps(r[2], r[3]);
      const __m256 a4 = _mm256_unpacklo_ps(r[4], r[5]), a5 = _mm256_unpackhi_ps(r[4], r[5]);
      const __m256 a6 = _mm256_unpacklo_ps(r[6], r[7]), a7 = _mm256_unpackhi_ps(r[6], r[7]);
      const __m256 b0 = _mm256_shuffle_ps(a0, a2, 0x44), b1 = _mm256_shuffle_ps(a0, a2, 0xEE);
      const __m256 b2 = _mm256_shuffle_ps(a1, a3, 0x44), b3 = _mm256_shuffle_ps(a1, a3, 0xEE);
      const __m256 b4 = _mm256_shuffle_ps(a4, a6, 0x44), b5 = _mm256_shuffle_ps(a4, a6, 0xEE);
      const __m256 b6 = _mm256_shuffle_ps(a5, a7, 0x44), b7 = _mm256_shuffle_ps(a5, a7, 0xEE);
      const __m256 t[8] = {
          _mm256_permute2f128_ps(b0, b4, 0x20), _mm256_permute2f128_ps(b1, b5, 0x20),
          _mm256_permute2f128_ps(b2, b6, 0x20), _mm256_permute2f128_ps(b3, b7, 0x20),
          _mm256_permute2f128_ps(b0, b4, 0x31), _mm256_permute2f128_ps(b1, b5, 0x31),
          _mm256_permute2f128_ps(b2, b6, 0x31), _mm256_permute2f128_ps(b3, b7, 0x31)};
      for (int q = 0; q < 8; q++) _mm256_storeu_ps(dst + (p + q) * nr + j, t[q]);
    }
  return whole;
}
#endif

// op(B)[p0 .. p0+kb) × [j0 .. j0+nb) as nr-column panels, columns past nb zero.
void packB(const GemmArgs& g, std::size_t nr, std::size_t p0, std::size_t kb, std::size_t j0,
           std::size_t nb, float* dst) {
  for (std::size_t jr = 0; jr < nb; jr += nr, dst += nr * kb) {
    const std::size_t cols = std::min(nr, nb - jr);
    if (!g.transB && cols == nr) {
      const float* src = g.b + p0 * g.n + j0 + jr;
      for (std::size_t p = 0; p < kb; p++, src += g.n) copyRow(nr, src, dst + p * nr);
    } else if (!g.transB) {
      for (std::size_t p = 0; p < kb; p++) {
        const float* src = g.b + (p0 + p) * g.n + j0 + jr;
        std::size_t j = 0;
        for (; j < cols; j++) dst[p * nr + j] = src[j];
        for (; j < nr; j++) dst[p * nr + j] = 0.0f;
      }
    } else {
      // B is stored transposed: p outer, so the panel is written in order while the nr rows of
      // B are read as nr forward streams (j outer wrote a cache line per value: a quarter of
      // the time of dx = dy·Wᵀ went into this copy).
      const float* src = g.b + (j0 + jr) * g.k + p0;
      std::size_t p = 0;
#ifdef RELAXCERT_X86
      // Whole panels 8 × 8 values at a time by AVX shuffles, where the CPU has them.
      if (cols == nr && nr % 8 == 0 && hasAvx()) p = packTransposed8(src, g.k, kb, nr, dst);
#endif
      for (; p < kb; p++) {
        std::size_t j = 0;
        for (; j < cols; j++) dst[p * nr + j] = src[j * g.k + p];
        for (; j < nr; j++) dst[p * nr + j] = 0.0f;
      }
    }
  }
}

// One thread's packing buffers, for column ranges up to `cols` wide.
struct Buffers {
  std::unique_ptr<float[]> ap, bp;
  std::vector<float> tile;
  Buffers(const Kernel& kr, std::size_t cols)
      : ap(new float[MC * (KC + KC_TAIL)]),
        bp(new float[(KC + KC_TAIL) * ((std::min(NC, cols) + kr.nr - 1) / kr.nr * kr.nr)]),
        tile(kr.mr * kr.nr) {}
};

// One operand packed whole, once, for threads that split C and would each pack all of it
// (op(A) when they split the columns, op(B) when they split the rows): the k block starting
// at p0 begins at `span` · p0 (span = m, or n, rounded up to whole panels), and inside it the
// panel of row (column) i at i · kb, exactly where packA() (packB()) of the whole side puts it.
struct Packed {
  const float* data;
  std::size_t span;
  const float* at(std::size_t p0, std::size_t i, std::size_t kb) const {
    return data + span * p0 + i * kb;
  }
};

// C[i0..i1) × [j0..j1) on this thread. `load`: C already holds values to add to. `wholeA`:
// op(A) already packed (then i0 = 0, i1 = m), or nullptr; `wholeB` likewise (j0 = 0, j1 = n).
void gemmBlock(const GemmArgs& g, bool load, std::size_t i0, std::size_t i1, std::size_t j0,
               std::size_t j1, Buffers& buf, const Packed* wholeA = nullptr,
               const Packed* wholeB = nullptr) {
  const Kernel& kr = kernel();
  const std::size_t mr = kr.mr, nr = kr.nr;
  float* ap = buf.ap.get();
  float* bp = buf.bp.get();
  std::vector<float>& tile = buf.tile;
  const std::size_t ldc = g.n;
  for (std::size_t jc = j0; jc < j1; jc += NC) {
    const std::size_t nb = std::min(NC, j1 - jc);
    for (std::size_t pc = 0, kb; pc < g.k; pc += kb) {
      kb = blockLength(g.k, pc);
      const bool loadC = load || pc > 0;
      const float* bPanels = bp;
      if (wholeB != nullptr)
        bPanels = wholeB->at(pc, jc, kb);
      else
        packB(g, nr, pc, kb, jc, nb, bp);
      const bool direct = directA(nb, nr);
      for (std::size_t ic = i0; ic < i1; ic += MC) {
        const std::size_t mb = std::min(MC, i1 - ic);
        const std::size_t fullRows = mb / mr * mr;
        // Direct: only a partial last panel is packed (at the start of ap).
        const float* panels = ap;
        if (wholeA != nullptr && !direct)
          panels = wholeA->at(pc, ic, kb);
        else if (!direct)
          packA(g, mr, ic, mb, pc, kb, ap);
        else if (fullRows < mb)
          packA(g, mr, ic + fullRows, mb - fullRows, pc, kb, ap);
        for (std::size_t jr = 0; jr < nb; jr += nr) {
          const std::size_t cols = std::min(nr, nb - jr);
          for (std::size_t ir = 0; ir < mb; ir += mr) {
            const std::size_t rows = std::min(mr, mb - ir);
            float* c = g.c + (ic + ir) * ldc + jc + jr;
            const bool inPlace = direct && rows == mr;
            // In place, element (i, p) of op(A) is at a[i · rsa + p · csa].
            const float* inA = g.transA ? g.a + pc * g.m + ic + ir : g.a + (ic + ir) * g.k + pc;
            const float* a = inPlace ? inA : direct ? ap : panels + ir * kb;
            const std::size_t rsa = !inPlace ? 1 : g.transA ? 1 : g.k;
            const std::size_t csa = !inPlace ? mr : g.transA ? g.m : 1;
            const float* b = bPanels + jr * kb;
            if (rows == mr && cols == nr) {
              (inPlace ? kr.direct : kr.packed)(kb, a, rsa, csa, b, c, ldc, loadC);
              continue;
            }
            // A partial tile goes through a full-size scratch tile (same arithmetic).
            std::fill(tile.begin(), tile.end(), 0.0f);
            if (loadC)
              for (std::size_t i = 0; i < rows; i++)
                std::copy(c + i * ldc, c + i * ldc + cols, tile.data() + i * nr);
            (inPlace ? kr.direct : kr.packed)(kb, a, rsa, csa, b, tile.data(), nr, loadC);
            for (std::size_t i = 0; i < rows; i++)
              std::copy(tile.data() + i * nr, tile.data() + i * nr + cols, c + i * ldc);
          }
        }
      }
    }
  }
}

// Dot product in 16 interleaved partial sums (a fixed order the compiler can vectorise).
float dot16(const float* x, const float* y, std::size_t k) {
  float part[16] = {};
  std::size_t p = 0;
  for (; p + 16 <= k; p += 16)
    for (std::size_t l = 0; l < 16; l++) part[l] += x[p + l] * y[p + l];
  for (std::size_t l = 0; p < k; p++, l++) part[l] += x[p] * y[p];
  float sum = 0.0f;
  for (float v : part) sum += v;
  return sum;
}

// c[lo, hi) += Σ_p coef[p] · rows[p·stride + lo, hi), p in order. Four rows a pass, summed
// left to right: the same roundings as one row a pass, with a quarter of the loads and stores
// of c.
RELAXCERT_VECTOR_CLONES
void accumulateRows(const float* coef, const float* rows, std::size_t stride, std::size_t k,
                    float* __restrict c, std::size_t lo, std::size_t hi) {
  std::size_t p = 0;
  for (; p + 4 <= k; p += 4) {
    const float a0 = coef[p], a1 = coef[p + 1], a2 = coef[p + 2], a3 = coef[p + 3];
    const float* __restrict r0 = rows + p * stride;
    const float* __restrict r1 = r0 + stride;
    const float* __restrict r2 = r1 + stride;
    const float* __restrict r3 = r2 + stride;
    for (std::size_t j = lo; j < hi; j++)
      c[j] = c[j] + a0 * r0[j] + a1 * r1[j] + a2 * r2[j] + a3 * r3[j];
  }
  for (; p < k; p++) {
    const float ap = coef[p];
    const float* __restrict row = rows + p * stride;
    for (std::size_t j = lo; j < hi; j++) c[j] += ap * row[j];
  }
}

// One row or one column of C (power iterations, single points, bias gradients): packing would
// cost more than the product, which is bound by reading the matrix once. `load`: C holds values
// to add to. The threads take disjoint ranges [lo, hi) of the output and each output value is
// summed in the same order as on one thread, so the bits do not depend on the thread count.
void gemvRow(const GemmArgs& g, bool load, std::size_t lo, std::size_t hi) {  // m == 1: a·op(B)
  if (!load) std::fill(g.c + lo, g.c + hi, 0.0f);
  if (!g.transB) return accumulateRows(g.a, g.b, g.n, g.k, g.c, lo, hi);
  for (std::size_t j = lo; j < hi; j++) g.c[j] += dot16(g.a, g.b + j * g.k, g.k);
}

void gemvCol(const GemmArgs& g, bool load, std::size_t lo, std::size_t hi) {  // n == 1: op(A)·b
  if (!load) std::fill(g.c + lo, g.c + hi, 0.0f);
  // row[i] · b[p] and b[p] · row[i] round alike.
  if (g.transA) return accumulateRows(g.b, g.a, g.m, g.k, g.c, lo, hi);
  for (std::size_t i = lo; i < hi; i++) g.c[i] += dot16(g.a + i * g.k, g.b, g.k);
}

// Below this many multiply-adds (floats of the matrix read) a single-row product stays on one
// thread: waking a second costs more than half of reading 1 MB.
constexpr std::size_t MIN_PARALLEL_GEMV = std::size_t{1} << 18;
// Output ranges are multiples of a cache line of C (16 floats), so no two threads write one.
constexpr std::size_t GEMV_UNIT = 16;

// m == 1 or n == 1: the output (length len) cut into one range per thread.
void gemv(const GemmArgs& g, bool load, unsigned threads) {
  const bool row = g.m == 1;
  const std::size_t len = row ? g.n : g.m;
  const auto part = [&](std::size_t lo, std::size_t hi) {
    if (row)
      gemvRow(g, load, lo, hi);
    else
      gemvCol(g, load, lo, hi);
  };
  if (threads < 2 || len * g.k < MIN_PARALLEL_GEMV || len < 2 * GEMV_UNIT) return part(0, len);
  const std::size_t units = (len + GEMV_UNIT - 1) / GEMV_UNIT;
  const std::size_t ranges = std::min<std::size_t>(threads, units);
  const std::size_t chunk = (units + ranges - 1) / ranges * GEMV_UNIT;
  std::atomic<std::size_t> next{0};
  runOnThreads(static_cast<unsigned>(ranges), [&](unsigned) {
    for (std::size_t r; (r = next.fetch_add(1)) < ranges;)
      part(std::min(len, r * chunk), std::min(len, (r + 1) * chunk));
  });
}

// k = 1 without bias or accumulation: an outer product (the gradient of the Lipschitz
// estimate u·W). Packing both operands would cost more than the products; each element is the
// microkernel's single FMA onto zero, a·b + 0 (which also makes −0 into +0, as it does).
void outer(const GemmArgs& g) {
  for (std::size_t i = 0; i < g.m; i++) {
    const float ai = g.a[i];  // with k = 1, A[i] whether or not A is transposed; B[j] likewise
    float* row = g.c + i * g.n;
    for (std::size_t j = 0; j < g.n; j++) row[j] = ai * g.b[j] + 0.0f;
  }
}

// Below this many multiply-adds waking a second thread costs more than it saves.
constexpr double MIN_PARALLEL_WORK = 4e6;
// Narrower chunks would spend too much on packing the other operand again.
constexpr std::size_t MIN_CHUNK = 128;
// Largest operand, in floats, packed once for all chunks (64 MB).
constexpr std::size_t MAX_SHARED = std::size_t{1} << 24;

}  // namespace

const char* sgemmIsa() { return kernel().isa; }

std::size_t packedRightSize(std::size_t k, std::size_t n) {
  const std::size_t nr = kernel().nr;
  return (n + nr - 1) / nr * nr * k;
}

void packRight(bool transB, std::size_t k, std::size_t n, const float* b, float* dst) {
  const std::size_t nr = kernel().nr, span = (n + nr - 1) / nr * nr;
  const GemmArgs g{false, transB, 0, n, k, nullptr, b, nullptr, nullptr, false};
  for (std::size_t p0 = 0, kb; p0 < k; p0 += kb)
    packB(g, nr, p0, kb = blockLength(k, p0), 0, n, dst + span * p0);
}

void sgemmPackedRight(const GemmArgs& g, const float* packedB) {
  // The cases sgemm() does without packing, and bias, go through it (g.b is the plain B).
  if (g.m <= 1 || g.n <= 1 || g.k <= 1 || g.bias != nullptr) return sgemm(g, 1);
  const Kernel& kr = kernel();
  Buffers buf(kr, g.n);
  const Packed whole{packedB, (g.n + kr.nr - 1) / kr.nr * kr.nr};
  gemmBlock(g, g.accumulate, 0, g.m, 0, g.n, buf, nullptr, &whole);
}

void sgemm(const GemmArgs& g, unsigned threads) {
  const std::size_t m = g.m, n = g.n;
  if (m == 0 || n == 0) return;
  bool load = g.accumulate;
  if (g.bias != nullptr) {
    for (std::size_t i = 0; i < m; i++)
      for (std::size_t j = 0; j < n; j++)
        g.c[i * n + j] = (load ? g.c[i * n + j] : 0.0f) + g.bias[j];
    load = true;
  }
  if (g.k == 0) {
    if (!load) std::fill(g.c, g.c + m * n, 0.0f);
    return;
  }
  if (m == 1 || n == 1) return gemv(g, load, threads);
  if (g.k == 1 && !load) return outer(g);
  const Kernel& kr = kernel();
  const double work = static_cast<double>(m) * n * g.k;
  if (threads < 2 || work < MIN_PARALLEL_WORK) {
    Buffers buf(kr, n);
    gemmBlock(g, load, 0, m, 0, n, buf);
    return;
  }
  // The longer side of C is cut into chunks of whole panels, which the threads take in turn
  // (a thread descheduled on a busy machine holds up only its current chunk). Chunks are
  // disjoint and their sums do not depend on who computes them: the result is deterministic.
  const bool byCols = n >= m;
  const std::size_t unit = byCols ? kr.nr : kr.mr;
  const std::size_t len = byCols ? n : m;
  // Narrow sides (the first conv layer's filter gradient: 27 × 32) still give each thread a
  // share, at the cost of packing the other operand once more.
  const std::size_t want = std::max(std::min(MIN_CHUNK, (len + threads - 1) / threads),
                                    len / (threads * 4));
  const std::size_t chunk = (want + unit - 1) / unit * unit;
  const std::size_t chunks = (len + chunk - 1) / chunk;
  // Each chunk would pack all of the other side's operand (op(A) for column chunks, op(B)
  // for row chunks): pack it once instead, its k blocks shared out among the threads before
  // any chunk starts (the same panels, so the same arithmetic).
  const std::size_t otherSide = byCols ? m : n, otherUnit = byCols ? kr.mr : kr.nr;
  const bool share = !(byCols && directA(chunk, kr.nr)) && otherSide * g.k <= MAX_SHARED;
  const std::size_t span = (otherSide + otherUnit - 1) / otherUnit * otherUnit;
  std::unique_ptr<float[]> packed(share ? new float[span * g.k] : nullptr);
  const Packed whole{packed.get(), span};
  const std::size_t kBlocks = share ? blockCount(g.k) : 0;
  std::atomic<std::size_t> nextBlock{0}, blocksDone{0}, next{0};
  runOnThreads(static_cast<unsigned>(std::min<std::size_t>(threads, chunks)), [&](unsigned) {
    for (std::size_t b; (b = nextBlock.fetch_add(1)) < kBlocks; blocksDone.fetch_add(1)) {
      const std::size_t p0 = b * KC, kb = blockLength(g.k, p0);
      float* dst = packed.get() + span * p0;
      if (byCols)
        packA(g, kr.mr, 0, m, p0, kb, dst);
      else
        packB(g, kr.nr, p0, kb, 0, n, dst);
    }
    while (blocksDone.load() < kBlocks) std::this_thread::yield();
    Buffers buf(kr, byCols ? chunk : n);
    for (std::size_t c; (c = next.fetch_add(1)) < chunks;) {
      const std::size_t lo = c * chunk, hi = std::min(len, lo + chunk);
      if (byCols)
        gemmBlock(g, load, 0, m, lo, hi, buf, share ? &whole : nullptr);
      else
        gemmBlock(g, load, lo, hi, 0, n, buf, nullptr, share ? &whole : nullptr);
    }
  });
}

}  // namespace relaxcert

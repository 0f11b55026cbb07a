// Winograd's minimal filtering F(4×4, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016) for 3×3, stride-1, 'same' convolutions with enough channels. Each
// 4×4 block of outputs (a tile) comes from the 6×6 input patch around it:
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,
// 36 multiplications per channel pair instead of im2col's 144. The input patches (V = Bᵀ d B)
// and the filter (U = G g Gᵀ) are transformed first; then each of the 36 positions of the 6×6
// transform is an ordinary product over channels, tiles × cin by cin × cout (the SGEMM), and
// the output transform Aᵀ P A gives the tile's outputs.
// - The input gradient is the same kind of convolution: dy with the filter turned by 180° and
//   its two channel axes swapped.
// - The filter gradient is the adjoint of the forward pass: per position, dU = Σ_tiles Vᵀ·M_dy
//   with M_dy = A dY Aᵀ, then dg = Gᵀ dU G.
//
// Rounding differs from im2col's: the transforms add and subtract (with factors up to 8) before
// the products, and the errors are about ten times im2col's, around 1e-5 of the values' scale
// (winograd.test.ts bounds them). These kernels serve training and the training-time estimates
// only: certificates come from the float64 pass (main/engine/float64-pass.ts).
//
// Determinism: a tile's outputs are computed by one thread in a fixed order. The filter
// gradient sums its tiles in slices fixed by the shape alone, then adds the slices in order.
// So results do not depend on the thread count.
#include "winograd.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>

#include "compiler.h"
#include "sgemm.h"
#include "thread-pool.h"

// The transforms are loops over channels, each of whose iterations reads and writes dozens of
// streams: RELAXCERT_VECTOR_CLONES. combine() is always inlined, so that its coefficients
// become constants.

namespace relaxcert {
namespace {

// The transform matrices of F(4×4, 3×3), points 0, ±1, ±2 (Lavin & Gray): a 4×4 tile of
// outputs from the 6×6 patch of inputs around it, with 36 products per channel pair instead of
// im2col's 144. F(2×2, 3×3) (16 products for 4 outputs) was measured too: F(4×4) took
// 0.66–0.77 of its time on 16×16 images and 0.84–1.02 on 14×14 (docs/PERFORMANCE.md), with
// rounding errors about ten times larger (still about 1e-5 of the values' scale).
struct F4 {
  static constexpr int M = 4, N = 6;
  static constexpr float BT[N][N] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0},
                                     {0, 4, -4, -1, 1, 0}, {0, -2, -1, 2, 1, 0},
                                     {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
  static constexpr float G[N][3] = {{1.0f / 4, 0, 0},
                                    {-1.0f / 6, -1.0f / 6, -1.0f / 6},
                                    {-1.0f / 6, 1.0f / 6, -1.0f / 6},
                                    {1.0f / 24, 1.0f / 12, 1.0f / 6},
                                    {1.0f / 24, -1.0f / 12, 1.0f / 6},
                                    {0, 0, 1}};
  static constexpr float AT[M][N] = {
      {1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};
};

constexpr int M = F4::M, N = F4::N;
constexpr std::size_t POSITIONS = N * N;
// Tiles a thread transforms at a time: the forward pass and input gradient keep
// POSITIONS × TILES × channels floats of transformed inputs and products per thread.
constexpr std::size_t TILES = 64;
// The filter gradient's products run over tiles (their k): longer blocks, fewer C updates.
constexpr std::size_t FILTER_TILES = 128;

// Floats from one position's block of transformed values to the next's (each block is tiles ×
// channels, the matrix of one of the POSITIONS products). A cache line more than the block:
// with a power-of-two block (64 × 128 floats = 32 KB) the 36 positions a transform writes or
// reads at once all fell into one set of the 8-way L1 cache, which evicted them from each
// other (docs/PERFORMANCE.md).
std::size_t positionStride(std::size_t tiles, std::size_t channels) {
  return tiles * channels + 16;
}

// The filter gradient's partial sums: at most this many slices, this many floats in all.
constexpr std::size_t MAX_SLICES = 16;
constexpr std::size_t SLICE_FLOATS = std::size_t{1} << 21;

// A thread's working buffers, kept until it exits and grown when a call needs more: allocated
// afresh on each call, they could be faulted in and zeroed by the kernel every time (one
// profile of the filter gradient: a tenth of its time). One slot per buffer a thread uses at
// once.
enum Slot { PATCHES, PRODUCTS, PARTIAL_SUMS, SLOTS };

float* scratch(Slot slot, std::size_t floats) {
  thread_local std::unique_ptr<float[]> buffers[SLOTS];
  thread_local std::size_t sizes[SLOTS] = {};
  if (sizes[slot] < floats) {
    buffers[slot].reset();  // before the new one: never both at once
    buffers[slot].reset(new float[floats]);
    sizes[slot] = floats;
  }
  return buffers[slot].get();
}

// Σ_k coef(k)·x(k) for k < K, in k order, for coefficients known at compile time once the
// caller's loops are unrolled: zero terms are left out and ±1 cost no multiplication (x·0
// cannot be folded away by the compiler, an infinite x making it NaN).
template <int K, typename Coef, typename X>
RELAXCERT_ALWAYS_INLINE float combine(Coef coef, X x) {
  float sum = 0.0f;
  bool any = false;
#pragma GCC unroll 8
  for (int k = 0; k < K; k++) {
    const float a = coef(k);
    if (a == 0.0f) continue;
    const float term = a == 1.0f ? x(k) : a == -1.0f ? -x(k) : a * x(k);
    sum = any ? sum + term : term;
    any = true;
  }
  return sum;
}

// The M×M tiles of an n × h × w image batch, numbered image by image, row by row.
struct Tiles {
  std::size_t n, h, w, rows, cols;
  Tiles(std::size_t n_, std::size_t h_, std::size_t w_)
      : n(n_), h(h_), w(w_), rows((h_ + M - 1) / M), cols((w_ + M - 1) / M) {}
  std::size_t count() const { return n * rows * cols; }

  // Pixels (y0 + i − shift, x0 + j − shift), 0 ≤ i, j < span, of tile t, whose top-left
  // output is (y0, x0): each a pointer to its `channels` values, or `outside` for a pixel past
  // the image's edge (padding to read, or an output past the image to drop).
  template <typename T>
  void pixels(std::size_t t, std::size_t span, std::size_t shift, T* data, std::size_t channels,
              T* outside, T** px) const {
    const std::size_t img = t / (rows * cols), r = t % (rows * cols);
    const std::size_t y0 = M * (r / cols), x0 = M * (r % cols);
    for (std::size_t i = 0; i < span; i++)
      for (std::size_t j = 0; j < span; j++) {
        // Unsigned: row or column −1 wraps around and fails the bound test.
        const std::size_t y = y0 + i - shift, x = x0 + j - shift;
        px[i * span + j] = y < h && x < w ? data + ((img * h + y) * w + x) * channels : outside;
      }
  }
  // The N×N input patch around tile t.
  void patch(std::size_t t, const float* data, std::size_t channels, const float* zeros,
             const float* px[POSITIONS]) const {
    pixels(t, N, 1, data, channels, zeros, px);
  }
};

// out(i, j, Σ_k Σ_l L(i, k) · in(k, l) · R(j, l)) for i < I, j < J: every transform below is
// one such product of small matrices known at compile time (in two stages, k first, each sum
// in index order). Called once per channel inside loops the compiler vectorises over channels.
template <int I, int K, int J, int L, typename Left, typename In, typename Right, typename Out>
RELAXCERT_ALWAYS_INLINE void sandwich(Left left, In in, Right right, Out out) {
  float t[I][L];
#pragma GCC unroll 8
  for (int i = 0; i < I; i++)
#pragma GCC unroll 8
    for (int l = 0; l < L; l++)
      t[i][l] = combine<K>([&](int k) { return left(i, k); }, [&](int k) { return in(k, l); });
#pragma GCC unroll 8
  for (int i = 0; i < I; i++)
#pragma GCC unroll 8
    for (int j = 0; j < J; j++)
      out(i, j, combine<L>([&](int l) { return right(j, l); }, [&](int l) { return t[i][l]; }));
}

constexpr auto& BT = F4::BT;
constexpr auto& G = F4::G;
constexpr auto& AT = F4::AT;

// v[p · stride + c] = (Bᵀ d B)[p] for every channel c of the patch d.
RELAXCERT_VECTOR_CLONES void transformPatch(const float* const d[POSITIONS], std::size_t channels,
                                            float* v, std::size_t stride) {
#pragma GCC ivdep
  for (std::size_t c = 0; c < channels; c++)
    sandwich<N, N, N, N>([](int i, int k) { return BT[i][k]; },
                         [&](int k, int l) { return d[k * N + l][c]; },
                         [](int j, int l) { return BT[j][l]; },
                         [&](int i, int j, float x) { v[(i * N + j) * stride + c] = x; });
}

// y[q][c] = (Aᵀ P A)[q] + bias[c] for the products P: p[q · stride + c].
RELAXCERT_VECTOR_CLONES void transformProducts(const float* p, std::size_t stride,
                                               std::size_t channels, const float* bias,
                                               float* const y[M * M]) {
#pragma GCC ivdep
  for (std::size_t c = 0; c < channels; c++)
    sandwich<M, N, M, N>([](int i, int k) { return AT[i][k]; },
                         [&](int k, int l) { return p[(k * N + l) * stride + c]; },
                         [](int j, int l) { return AT[j][l]; },
                         [&](int i, int j, float x) { y[i * M + j][c] = x + bias[c]; });
}

// m[q · stride + c] = (A dY Aᵀ)[q] for the M×M output gradients dY of one tile.
RELAXCERT_VECTOR_CLONES void transformOutputGradient(const float* const dy[M * M],
                                                     std::size_t channels, float* m,
                                                     std::size_t stride) {
#pragma GCC ivdep
  for (std::size_t c = 0; c < channels; c++)
    sandwich<N, M, N, M>([](int i, int k) { return AT[k][i]; },
                         [&](int k, int l) { return dy[k * M + l][c]; },
                         [](int j, int l) { return AT[l][j]; },
                         [&](int i, int j, float x) { m[(i * N + j) * stride + c] = x; });
}

// u[p · pairs + c] = (G g Gᵀ)[p] for the 3×3 filters g[k] = f[k · pairs + c] of every channel
// pair c (`rotated`: g[k] = f[(8 − k) · pairs + c], the filter turned by 180°).
RELAXCERT_VECTOR_CLONES void transformFilters(const float* f, std::size_t pairs, bool rotated,
                                              float* u) {
  const float* taps[9];
  for (int k = 0; k < 9; k++) taps[k] = f + (rotated ? 8 - k : k) * pairs;
#pragma GCC ivdep
  for (std::size_t c = 0; c < pairs; c++)
    sandwich<N, 3, N, 3>([](int i, int k) { return G[i][k]; },
                         [&](int k, int l) { return taps[k * 3 + l][c]; },
                         [](int j, int l) { return G[j][l]; },
                         [&](int i, int j, float x) { u[(i * N + j) * pairs + c] = x; });
}

// df[k · pairs + c] = (Gᵀ dU G)[k] for the transformed gradients dU[p] = du[p · pairs + c].
RELAXCERT_VECTOR_CLONES void untransformFilters(const float* du, std::size_t pairs, float* df) {
#pragma GCC ivdep
  for (std::size_t c = 0; c < pairs; c++)
    sandwich<3, N, 3, N>([](int i, int k) { return G[k][i]; },
                         [&](int k, int l) { return du[(k * N + l) * pairs + c]; },
                         [](int j, int l) { return G[l][j]; },
                         [&](int i, int j, float x) { df[(i * 3 + j) * pairs + c] = x; });
}

// The filter of the convolution tiledConvolution() computes, transformed and packed for the
// SGEMM once per call: position p's U[p] is cin × cout. The input gradient's convolution
// (`adjoint`: the filter turned by 180°, from the layer's outputs to its inputs) multiplies by
// U[p]ᵀ, which packing reads transposed.
struct TransformedFilter {
  std::size_t cin, cout;
  bool adjoint;
  std::vector<float> u;       // POSITIONS × cin × cout
  std::vector<float> packed;  // POSITIONS blocks of perPosition floats
  std::size_t perPosition;

  TransformedFilter(const float* f, std::size_t cin_, std::size_t cout_, bool adjoint_)
      : cin(cin_), cout(cout_), adjoint(adjoint_), u(POSITIONS * cin_ * cout_) {
    const std::size_t pairs = cin * cout;
    transformFilters(f, pairs, adjoint, u.data());
    const std::size_t k = adjoint ? cout : cin, n = adjoint ? cin : cout;
    perPosition = packedRightSize(k, n);
    packed.resize(POSITIONS * perPosition);
    for (std::size_t p = 0; p < POSITIONS; p++)
      packRight(adjoint, k, n, u.data() + p * pairs, packed.data() + p * perPosition);
  }

  // Position p's product (rows × k) · (k × n) on this thread.
  void multiply(std::size_t p, std::size_t rows, const float* v, float* m) const {
    const std::size_t k = adjoint ? cout : cin, n = adjoint ? cin : cout;
    sgemmPackedRight({false, adjoint, rows, n, k, v, u.data() + p * cin * cout, m, nullptr, false},
                     packed.data() + p * perPosition);
  }
};

// out = the 'same' 3×3 correlation of `in` (n × h × w × ci) with the filter whose transform is
// u, plus bias. The threads take blocks of TILES tiles in turn.
void tiledConvolution(const Tiles& tiles, std::size_t ci, std::size_t co, const float* in,
                      const TransformedFilter& u, const float* bias, float* out,
                      unsigned threads) {
  const std::size_t count = tiles.count();
  const std::size_t blocks = (count + TILES - 1) / TILES;
  std::atomic<std::size_t> next{0};
  runOnThreads(static_cast<unsigned>(std::min<std::size_t>(threads, blocks)), [&](unsigned) {
    const std::size_t vs = positionStride(TILES, ci), ms = positionStride(TILES, co);
    float* v = scratch(PATCHES, POSITIONS * vs);
    float* m = scratch(PRODUCTS, POSITIONS * ms);
    std::vector<float> zeros(std::max(ci, co), 0.0f), discard(co);
    const float* addend = bias != nullptr ? bias : zeros.data();
    const float* px[POSITIONS];
    float* py[M * M];
    for (std::size_t b; (b = next.fetch_add(1)) < blocks;) {
      const std::size_t t0 = b * TILES, rows = std::min(TILES, count - t0);
      for (std::size_t t = 0; t < rows; t++) {
        tiles.patch(t0 + t, in, ci, zeros.data(), px);
        transformPatch(px, ci, v + t * ci, vs);
      }
      for (std::size_t p = 0; p < POSITIONS; p++)
        u.multiply(p, rows, v + p * vs, m + p * ms);
      for (std::size_t t = 0; t < rows; t++) {
        tiles.pixels(t0 + t, M, 0, out, co, discard.data(), py);
        transformProducts(m + t * co, ms, co, addend, py);
      }
    }
  });
}

}  // namespace

bool winogradApplies(const ConvShape& s) {
  // Few channels make the products too thin (the first layer: cin = 1 or 3); im2col's one
  // product over 9·cin is faster there.
  constexpr std::size_t MIN_CHANNELS = 16;
  // A single image (power iteration) is faster by im2col: the filter's transform, paid once a
  // call, then costs more than the products save.
  constexpr std::size_t MIN_OUTPUTS = 512;
  // The transformed filter is 4 times the filter, held up to three times (transformed, packed,
  // and the filter gradient's partial sums): wide layers (more than about 480 × 480 channels)
  // stay on im2col, whose working memory is bounded.
  constexpr std::size_t MAX_TRANSFORMED = std::size_t{1} << 23;
  return s.kh == 3 && s.kw == 3 && s.stride == 1 && s.padTop == 1 && s.padLeft == 1 &&
         s.outH == s.h && s.outW == s.w && s.cin >= MIN_CHANNELS && s.cout >= MIN_CHANNELS &&
         s.n * s.h * s.w >= MIN_OUTPUTS && POSITIONS * s.cin * s.cout <= MAX_TRANSFORMED;
}

void winogradForward(const ConvShape& s, const float* x, const float* f, const float* bias,
                     float* y, unsigned threads) {
  const Tiles tiles(s.n, s.h, s.w);
  if (tiles.count() == 0) return;
  tiledConvolution(tiles, s.cin, s.cout, x, TransformedFilter(f, s.cin, s.cout, false), bias, y,
                   threads);
}

void winogradGradInput(const ConvShape& s, const float* dy, const float* f, float* dx,
                       unsigned threads) {
  const Tiles tiles(s.n, s.h, s.w);
  if (tiles.count() == 0) return;
  tiledConvolution(tiles, s.cout, s.cin, dy, TransformedFilter(f, s.cin, s.cout, true), nullptr,
                   dx, threads);
}

void winogradGradFilter(const ConvShape& s, const float* x, const float* dy, float* df,
                        unsigned threads) {
  const std::size_t ci = s.cin, co = s.cout, perSlice = POSITIONS * ci * co;
  const Tiles tiles(s.n, s.h, s.w);
  const std::size_t count = tiles.count();
  const std::size_t blocks = (count + FILTER_TILES - 1) / FILTER_TILES;
  // Fixed by the shape, never by the thread count: the order of the sums.
  const std::size_t slices =
      std::max<std::size_t>(1, std::min({MAX_SLICES, blocks, SLICE_FLOATS / perSlice}));
  float* const partial = scratch(PARTIAL_SUMS, slices * perSlice);
  std::fill(partial, partial + slices * perSlice, 0.0f);
  std::atomic<std::size_t> next{0};
  runOnThreads(static_cast<unsigned>(std::min<std::size_t>(threads, slices)), [&](unsigned) {
    const std::size_t vs = positionStride(FILTER_TILES, ci), ms = positionStride(FILTER_TILES, co);
    float* v = scratch(PATCHES, POSITIONS * vs);
    float* m = scratch(PRODUCTS, POSITIONS * ms);
    const std::vector<float> zeros(std::max(ci, co), 0.0f);
    const float* px[POSITIONS];
    const float* pdy[M * M];
    for (std::size_t sl; (sl = next.fetch_add(1)) < slices;) {
      float* du = partial + sl * perSlice;
      for (std::size_t b = sl * blocks / slices; b < (sl + 1) * blocks / slices; b++) {
        const std::size_t t0 = b * FILTER_TILES, rows = std::min(FILTER_TILES, count - t0);
        for (std::size_t t = 0; t < rows; t++) {
          tiles.patch(t0 + t, x, ci, zeros.data(), px);
          transformPatch(px, ci, v + t * ci, vs);
          // Output gradients past the image's edge are zero: they read `zeros`.
          tiles.pixels(t0 + t, M, 0, dy, co, zeros.data(), pdy);
          transformOutputGradient(pdy, co, m + t * co, ms);
        }
        // dU[p] += V[p]ᵀ · M_dy[p] over this block's tiles.
        for (std::size_t p = 0; p < POSITIONS; p++)
          sgemm({true, false, ci, co, rows, v + p * vs, m + p * ms, du + p * ci * co, nullptr, true},
                1);
      }
    }
  });
  float* du = partial;
  for (std::size_t sl = 1; sl < slices; sl++)
    for (std::size_t i = 0; i < perSlice; i++) du[i] += du[sl * perSlice + i];
  untransformFilters(du, ci * co, df);
}

}  // namespace relaxcert

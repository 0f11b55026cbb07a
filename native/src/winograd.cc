// Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016) for 3×3, stride-1, 'same' convolutions with enough channels. Each
// 2×2 block of outputs (a tile) comes from the 4×4 input patch around it:
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,
// 16 multiplications per channel pair instead of im2col's 36. The input patches (V = Bᵀ d B)
// and the filter (U = G g Gᵀ) are transformed first; then each of the 16 positions of the 4×4
// transform is an ordinary product over channels, tiles × cin by cin × cout (the SGEMM), and
// the output transform Aᵀ M A gives the tile's outputs.
// - The input gradient is the same kind of convolution: dy with the filter turned by 180° and
//   its two channel axes swapped.
// - The filter gradient is the adjoint of the forward pass: per position, dU = Σ_tiles Vᵀ·M_dy
//   with M_dy = A dY Aᵀ, then dg = Gᵀ dU G.
//
// Rounding differs from im2col's (the transforms add and subtract before the products) and
// is of the same order for this small tile. These kernels serve training and the training-time
// estimates only: certificates come from the float64 pass (main/engine/float64-pass.ts).
//
// Determinism: a tile's outputs are computed by one thread in a fixed order. The filter
// gradient sums its tiles in slices fixed by the shape alone, then adds the slices in order.
// So results do not depend on the thread count.
#include "winograd.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>

#include "sgemm.h"
#include "thread-pool.h"

// The transforms are loops over channels, each of whose iterations reads and writes 16 or
// 20 streams: compiled for AVX2 as well as the baseline, picked at load time (GCC's function
// multiversioning; elsewhere the baseline only).
#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__)
#define RELAXCERT_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RELAXCERT_VECTOR_CLONES
#endif

namespace relaxcert {
namespace {

constexpr std::size_t POSITIONS = 16;
// Tiles a thread transforms at a time: the forward pass and input gradient keep
// 16 × TILES × channels floats of transformed inputs and products per thread.
constexpr std::size_t TILES = 96;
// The filter gradient's products run over tiles (their k): longer blocks, fewer C updates.
constexpr std::size_t FILTER_TILES = 256;
// The filter gradient's partial sums: at most this many slices, this many floats in all.
constexpr std::size_t MAX_SLICES = 16;
constexpr std::size_t SLICE_FLOATS = std::size_t{1} << 22;

// The 2×2 tiles of an n × h × w image batch, numbered image by image, row by row.
struct Tiles {
  std::size_t n, h, w, rows, cols;
  Tiles(std::size_t n_, std::size_t h_, std::size_t w_)
      : n(n_), h(h_), w(w_), rows((h_ + 1) / 2), cols((w_ + 1) / 2) {}
  std::size_t count() const { return n * rows * cols; }

  // Pixels (y0 + i − shift, x0 + j − shift), 0 ≤ i, j < span, of tile t, whose top-left
  // output is (y0, x0): each a pointer to its `channels` values, or `outside` for a pixel past
  // the image's edge (padding to read, or an output of an odd-sized image to drop).
  template <typename T>
  void pixels(std::size_t t, std::size_t span, std::size_t shift, T* data, std::size_t channels,
              T* outside, T** px) const {
    const std::size_t img = t / (rows * cols), r = t % (rows * cols);
    const std::size_t y0 = 2 * (r / cols), x0 = 2 * (r % cols);
    for (std::size_t i = 0; i < span; i++)
      for (std::size_t j = 0; j < span; j++) {
        // Unsigned: row or column −1 wraps around and fails the bound test.
        const std::size_t y = y0 + i - shift, x = x0 + j - shift;
        px[i * span + j] = y < h && x < w ? data + ((img * h + y) * w + x) * channels : outside;
      }
  }
  // The 4×4 input patch around tile t.
  void patch(std::size_t t, const float* data, std::size_t channels, const float* zeros,
             const float* px[16]) const {
    pixels(t, 4, 1, data, channels, zeros, px);
  }
};

// v[p · stride + c] = (Bᵀ d B)[p] for every channel c of the patch d.
RELAXCERT_VECTOR_CLONES void transformPatch(const float* const d[16], std::size_t channels, float* v,
                    std::size_t stride) {
#pragma GCC ivdep
  for (std::size_t c = 0; c < channels; c++) {
    float t[4][4];
    for (int j = 0; j < 4; j++) {
      t[0][j] = d[j][c] - d[8 + j][c];
      t[1][j] = d[4 + j][c] + d[8 + j][c];
      t[2][j] = d[8 + j][c] - d[4 + j][c];
      t[3][j] = d[4 + j][c] - d[12 + j][c];
    }
    for (int i = 0; i < 4; i++) {
      v[(i * 4 + 0) * stride + c] = t[i][0] - t[i][2];
      v[(i * 4 + 1) * stride + c] = t[i][1] + t[i][2];
      v[(i * 4 + 2) * stride + c] = t[i][2] - t[i][1];
      v[(i * 4 + 3) * stride + c] = t[i][1] - t[i][3];
    }
  }
}

// y[q][c] = (Aᵀ M A)[q] + bias[c] for the products m[p · stride + c].
RELAXCERT_VECTOR_CLONES void transformProducts(const float* m, std::size_t stride, std::size_t channels,
                       const float* bias, float* const y[4]) {
#pragma GCC ivdep
  for (std::size_t c = 0; c < channels; c++) {
    float t[2][4];
    for (int j = 0; j < 4; j++) {
      const float m0 = m[j * stride + c], m1 = m[(4 + j) * stride + c];
      const float m2 = m[(8 + j) * stride + c], m3 = m[(12 + j) * stride + c];
      t[0][j] = m0 + m1 + m2;
      t[1][j] = m1 - m2 - m3;
    }
    const float b = bias[c];
    for (int i = 0; i < 2; i++) {
      y[i * 2 + 0][c] = t[i][0] + t[i][1] + t[i][2] + b;
      y[i * 2 + 1][c] = t[i][1] - t[i][2] - t[i][3] + b;
    }
  }
}

// m[p · stride + c] = (A dY Aᵀ)[p] for the 2×2 output gradients dY of one tile.
RELAXCERT_VECTOR_CLONES void transformOutputGradient(const float* const dy[4], std::size_t channels, float* m,
                             std::size_t stride) {
#pragma GCC ivdep
  for (std::size_t c = 0; c < channels; c++) {
    const float y00 = dy[0][c], y01 = dy[1][c], y10 = dy[2][c], y11 = dy[3][c];
    // Rows: A's rows are (1, 0), (1, 1), (1, −1), (0, −1).
    const float t[4][2] = {{y00, y01}, {y00 + y10, y01 + y11}, {y00 - y10, y01 - y11},
                           {-y10, -y11}};
    for (int i = 0; i < 4; i++) {
      m[(i * 4 + 0) * stride + c] = t[i][0];
      m[(i * 4 + 1) * stride + c] = t[i][0] + t[i][1];
      m[(i * 4 + 2) * stride + c] = t[i][0] - t[i][1];
      m[(i * 4 + 3) * stride + c] = -t[i][1];
    }
  }
}

// G: the filter transform's 4×3 matrix.
constexpr float G[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};

// u[p][a][b] = (G g Gᵀ)[p] for the 3×3 filter g between input channel a and output channel b
// of the convolution that u serves. `adjoint`: that convolution is the input gradient's, so
// a is the layer's output channel, b its input channel, and g is f turned by 180°.
std::vector<float> transformFilter(const float* f, std::size_t cin, std::size_t cout,
                                   bool adjoint) {
  const std::size_t ca = adjoint ? cout : cin, cb = adjoint ? cin : cout;
  std::vector<float> u(POSITIONS * ca * cb);
  for (std::size_t a = 0; a < ca; a++)
    for (std::size_t b = 0; b < cb; b++) {
      const std::size_t ci = adjoint ? b : a, co = adjoint ? a : b;
      float g[3][3], t[4][3];
      for (int ky = 0; ky < 3; ky++)
        for (int kx = 0; kx < 3; kx++) {
          const int fy = adjoint ? 2 - ky : ky, fx = adjoint ? 2 - kx : kx;
          g[ky][kx] = f[((fy * 3 + fx) * cin + ci) * cout + co];
        }
      for (int i = 0; i < 4; i++)
        for (int v = 0; v < 3; v++) t[i][v] = G[i][0] * g[0][v] + G[i][1] * g[1][v] + G[i][2] * g[2][v];
      for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
          u[((i * 4 + j) * ca + a) * cb + b] = t[i][0] * G[j][0] + t[i][1] * G[j][1] + t[i][2] * G[j][2];
    }
  return u;
}

// out = the 'same' 3×3 correlation of `in` (n × h × w × ci) with the filter whose transform is
// u (16 × ci × co), plus bias. The threads take blocks of TILES tiles in turn.
void tiledConvolution(const Tiles& tiles, std::size_t ci, std::size_t co, const float* in,
                      const float* u, const float* bias, float* out, unsigned threads) {
  const std::size_t count = tiles.count();
  const std::size_t blocks = (count + TILES - 1) / TILES;
  std::atomic<std::size_t> next{0};
  runOnThreads(static_cast<unsigned>(std::min<std::size_t>(threads, blocks)), [&](unsigned) {
    std::vector<float> v(POSITIONS * TILES * ci), m(POSITIONS * TILES * co);
    std::vector<float> zeros(std::max(ci, co), 0.0f), discard(co);
    const float* addend = bias != nullptr ? bias : zeros.data();
    const float* px[16];
    float* py[4];
    for (std::size_t b; (b = next.fetch_add(1)) < blocks;) {
      const std::size_t t0 = b * TILES, rows = std::min(TILES, count - t0);
      for (std::size_t t = 0; t < rows; t++) {
        tiles.patch(t0 + t, in, ci, zeros.data(), px);
        transformPatch(px, ci, v.data() + t * ci, TILES * ci);
      }
      for (std::size_t p = 0; p < POSITIONS; p++)
        sgemm({false, false, rows, co, ci, v.data() + p * TILES * ci, u + p * ci * co,
               m.data() + p * TILES * co, nullptr, false},
              1);
      for (std::size_t t = 0; t < rows; t++) {
        tiles.pixels(t0 + t, 2, 0, out, co, discard.data(), py);
        transformProducts(m.data() + t * co, TILES * co, co, addend, py);
      }
    }
  });
}

}  // namespace

bool winogradApplies(const ConvShape& s) {
  // Few channels make the 16 products too thin (the first layer: cin = 1 or 3); im2col's one
  // product over 9·cin is faster there.
  constexpr std::size_t MIN_CHANNELS = 16;
  // A single image (power iteration) is faster by im2col: the filter's transform, paid once a
  // call, then costs more than the products save (16×16×128→64: 0.7 against 0.5 ms).
  constexpr std::size_t MIN_TILES = 128;
  return Tiles(s.n, s.h, s.w).count() >= MIN_TILES && s.kh == 3 && s.kw == 3 && s.stride == 1 && s.padTop == 1 && s.padLeft == 1 &&
         s.outH == s.h && s.outW == s.w && s.cin >= MIN_CHANNELS && s.cout >= MIN_CHANNELS;
}

void winogradForward(const ConvShape& s, const float* x, const float* f, const float* bias,
                     float* y, unsigned threads) {
  const Tiles tiles(s.n, s.h, s.w);
  if (tiles.count() == 0) return;
  const std::vector<float> u = transformFilter(f, s.cin, s.cout, false);
  tiledConvolution(tiles, s.cin, s.cout, x, u.data(), bias, y, threads);
}

void winogradGradInput(const ConvShape& s, const float* dy, const float* f, float* dx,
                       unsigned threads) {
  const Tiles tiles(s.n, s.h, s.w);
  if (tiles.count() == 0) return;
  const std::vector<float> u = transformFilter(f, s.cin, s.cout, true);
  tiledConvolution(tiles, s.cout, s.cin, dy, u.data(), nullptr, dx, threads);
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
  std::unique_ptr<float[]> partial(new float[slices * perSlice]);
  std::fill(partial.get(), partial.get() + slices * perSlice, 0.0f);
  std::atomic<std::size_t> next{0};
  runOnThreads(static_cast<unsigned>(std::min<std::size_t>(threads, slices)), [&](unsigned) {
    std::vector<float> v(POSITIONS * FILTER_TILES * ci), m(POSITIONS * FILTER_TILES * co);
    const std::vector<float> zeros(std::max(ci, co), 0.0f);
    const float* px[16];
    const float* pdy[4];
    for (std::size_t sl; (sl = next.fetch_add(1)) < slices;) {
      float* du = partial.get() + sl * perSlice;
      for (std::size_t b = sl * blocks / slices; b < (sl + 1) * blocks / slices; b++) {
        const std::size_t t0 = b * FILTER_TILES, rows = std::min(FILTER_TILES, count - t0);
        for (std::size_t t = 0; t < rows; t++) {
          tiles.patch(t0 + t, x, ci, zeros.data(), px);
          transformPatch(px, ci, v.data() + t * ci, FILTER_TILES * ci);
          // Output gradients outside the image (odd h or w) are zero: they read `zeros`.
          tiles.pixels(t0 + t, 2, 0, dy, co, zeros.data(), pdy);
          transformOutputGradient(pdy, co, m.data() + t * co, FILTER_TILES * co);
        }
        // dU[p] += V[p]ᵀ · M_dy[p] over this block's tiles.
        for (std::size_t p = 0; p < POSITIONS; p++)
          sgemm({true, false, ci, co, rows, v.data() + p * FILTER_TILES * ci,
                 m.data() + p * FILTER_TILES * co, du + p * ci * co, nullptr, true},
                1);
      }
    }
  });
  float* du = partial.get();
  for (std::size_t sl = 1; sl < slices; sl++)
    for (std::size_t i = 0; i < perSlice; i++) du[i] += du[sl * perSlice + i];
  // df[ky][kx] = (Gᵀ dU G)[ky][kx] for every channel pair.
  for (std::size_t c = 0; c < ci * co; c++) {
    float t[3][4];
    for (int ky = 0; ky < 3; ky++)
      for (int j = 0; j < 4; j++) {
        t[ky][j] = 0.0f;
        for (int i = 0; i < 4; i++) t[ky][j] += G[i][ky] * du[(i * 4 + j) * ci * co + c];
      }
    for (int ky = 0; ky < 3; ky++)
      for (int kx = 0; kx < 3; kx++) {
        float sum = 0.0f;
        for (int j = 0; j < 4; j++) sum += t[ky][j] * G[j][kx];
        df[(ky * 3 + kx) * ci * co + c] = sum;
      }
  }
}

}  // namespace relaxcert

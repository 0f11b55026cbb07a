// Convolution as matrix products (3×3 stride-1 layers with enough channels go to winograd.cc
// instead): each output position's receptive field, laid out in the filter's (ky, kx, ci)
// order, is one row of an im2col matrix, so the forward pass is cols·F, the input gradient
// scatters dy·Fᵀ back (col2im), and the filter gradient is colsᵀ·dy.
// Positions are taken in chunks (about 4 MB of im2col rows) so memory stays bounded; the
// products are multi-threaded inside sgemm, and the copies in and out of the im2col rows are
// shared out among the same threads. Chunk sizes depend only on the shapes, and no split
// changes an operation's order, so results are deterministic and thread-count independent.
#include "conv.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>

#include "sgemm.h"
#include "thread-pool.h"
#include "winograd.h"

namespace relaxcert {
namespace {

constexpr std::size_t CHUNK_FLOATS = std::size_t{1} << 20;

std::size_t fieldSize(const ConvShape& s) { return s.kh * s.kw * s.cin; }

std::size_t chunkRows(const ConvShape& s) {
  return std::max<std::size_t>(1, CHUNK_FLOATS / std::max<std::size_t>(1, fieldSize(s)));
}

// Calls visit(row, fieldOffset, xOffset, length) for every run of in-bounds input values of
// output rows [r0, r1): the kw pixels under one filter row are adjacent in x (and in the
// im2col row), so one run covers up to kw·cin floats. Padding pixels are skipped.
template <typename Visit>
void forFieldRuns(const ConvShape& s, std::size_t r0, std::size_t r1, Visit visit) {
  using Signed = std::ptrdiff_t;
  const std::size_t perImage = s.outH * s.outW;
  for (std::size_t r = r0; r < r1; r++) {
    const std::size_t img = r / perImage, pos = r % perImage;
    const std::size_t oy = pos / s.outW, ox = pos % s.outW;
    // Filter columns [kx0, kx1) land inside the image: 0 ≤ ix0 + kx < w.
    const Signed ix0 = static_cast<Signed>(ox * s.stride) - static_cast<Signed>(s.padLeft);
    const Signed kw = static_cast<Signed>(s.kw), w = static_cast<Signed>(s.w);
    const Signed kx0 = std::min(kw, std::max<Signed>(0, -ix0));
    const Signed kx1 = std::max(kx0, std::min(kw, w - ix0));
    if (kx0 == kx1) continue;
    const std::size_t length = static_cast<std::size_t>(kx1 - kx0) * s.cin;
    for (std::size_t ky = 0; ky < s.kh; ky++) {
      // Unsigned arithmetic: a padding row wraps around to a huge value and fails the test.
      const std::size_t iy = oy * s.stride + ky - s.padTop;
      if (iy >= s.h) continue;
      const std::size_t ix = static_cast<std::size_t>(ix0 + kx0);
      visit(r - r0, (ky * s.kw + static_cast<std::size_t>(kx0)) * s.cin,
            ((img * s.h + iy) * s.w + ix) * s.cin, length);
    }
  }
}

// Whether the receptive field of output position (oy, ox) reaches into the padding.
bool touchesPadding(const ConvShape& s, std::size_t oy, std::size_t ox) {
  const std::size_t y = oy * s.stride, x = ox * s.stride;
  return y < s.padTop || y + s.kh > s.h + s.padTop || x < s.padLeft || x + s.kw > s.w + s.padLeft;
}

// Short runs (cin = 1: 3 floats) are copied inline; a libc call per run cost more. The first
// layers' runs (kw · cin = 3 or 9 floats) are fixed-size copies the compiler does in a few moves.
inline void copyRun(float* dst, const float* src, std::size_t n) {
  switch (n) {
    case 3: return void(std::memcpy(dst, src, 3 * sizeof(float)));
    case 9: return void(std::memcpy(dst, src, 9 * sizeof(float)));
    default:
      if (n >= 64) return void(std::memcpy(dst, src, n * sizeof(float)));
      for (std::size_t i = 0; i < n; i++) dst[i] = src[i];
  }
}

void im2colRows(const ConvShape& s, const float* x, std::size_t r0, std::size_t r1,
                float* cols) {
  const std::size_t k = fieldSize(s), run = s.kw * s.cin, perImage = s.outH * s.outW;
  // Output positions one image row at a time, so that a position inside the image costs kh
  // copies and no division (the divisions and bounds of forFieldRuns, per position, took about
  // as long as the copies in the first layer, whose rows are 9 or 27 floats).
  for (std::size_t r = r0; r < r1;) {
    const std::size_t img = r / perImage, pos = r % perImage;
    const std::size_t oy = pos / s.outW;
    const std::size_t end = std::min(r1, r + (s.outW - pos % s.outW));
    for (std::size_t ox = pos % s.outW; r < end; r++, ox++) {
      float* row = cols + (r - r0) * k;
      if (touchesPadding(s, oy, ox)) {
        // Only rows that touch the padding keep zeros; the runs overwrite every other value.
        std::fill(row, row + k, 0.0f);
        forFieldRuns(s, r, r + 1, [&](std::size_t, std::size_t field, std::size_t off,
                                      std::size_t n) { copyRun(row + field, x + off, n); });
        continue;
      }
      const float* src =
          x + ((img * s.h + oy * s.stride - s.padTop) * s.w + ox * s.stride - s.padLeft) * s.cin;
      for (std::size_t ky = 0; ky < s.kh; ky++)
        copyRun(row + ky * run, src + ky * s.w * s.cin, run);
    }
  }
}

// Rows handed out at a time when the threads share a chunk's copies.
constexpr std::size_t ROWS_PER_TASK = 64;

// The im2col rows of output positions [r0, r1): a copy, so any split gives the same values.
// On one thread it held up the two-thread products (cnn-c2f2 on one replica: about 510 → 555
// samples/s once the copies were shared).
void im2col(const ConvShape& s, const float* x, std::size_t r0, std::size_t r1, float* cols,
            unsigned threads) {
  const std::size_t tasks = (r1 - r0 + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
  std::atomic<std::size_t> next{0};
  runOnThreads(static_cast<unsigned>(std::min<std::size_t>(threads, tasks)), [&](unsigned) {
    for (std::size_t t; (t = next.fetch_add(1)) < tasks;) {
      const std::size_t a = r0 + t * ROWS_PER_TASK, b = std::min(r1, a + ROWS_PER_TASK);
      im2colRows(s, x, a, b, cols + (a - r0) * fieldSize(s));
    }
  });
}

// dx += the im2col rows of positions [r0, r1) put back where they were read (col2im). Rows
// of different images touch different values of dx, so the threads take whole images' rows;
// inside one image the rows are added in order, as on one thread: the same sums, the same
// order, whatever the split.
void col2im(const ConvShape& s, const float* cols, std::size_t r0, std::size_t r1, float* dx,
            unsigned threads) {
  const std::size_t perImage = s.outH * s.outW, k = fieldSize(s);
  const std::size_t first = r0 / perImage, tasks = (r1 - 1) / perImage - first + 1;
  std::atomic<std::size_t> next{0};
  runOnThreads(static_cast<unsigned>(std::min<std::size_t>(threads, tasks)), [&](unsigned) {
    for (std::size_t t; (t = next.fetch_add(1)) < tasks;) {
      const std::size_t a = std::max(r0, (first + t) * perImage);
      const std::size_t b = std::min(r1, (first + t + 1) * perImage);
      const float* c = cols + (a - r0) * k;
      forFieldRuns(s, a, b, [&](std::size_t row, std::size_t field, std::size_t off, std::size_t n) {
        const float* src = c + row * k + field;
        float* dst = dx + off;
        for (std::size_t i = 0; i < n; i++) dst[i] += src[i];
      });
    }
  });
}

}  // namespace

const char* convAlgorithm(const ConvShape& s) { return winogradApplies(s) ? "winograd" : "im2col"; }

void conv2dForward(const ConvShape& s, const float* x, const float* f, const float* bias,
                   float* y, unsigned threads) {
  if (winogradApplies(s)) return winogradForward(s, x, f, bias, y, threads);
  const std::size_t rows = s.n * s.outH * s.outW, k = fieldSize(s), step = chunkRows(s);
  std::unique_ptr<float[]> cols(new float[std::min(step, rows) * k]);
  for (std::size_t r0 = 0; r0 < rows; r0 += step) {
    const std::size_t r1 = std::min(rows, r0 + step);
    im2col(s, x, r0, r1, cols.get(), threads);
    sgemm({false, false, r1 - r0, s.cout, k, cols.get(), f, y + r0 * s.cout, bias, false},
          threads);
  }
}

void conv2dGradInput(const ConvShape& s, const float* dy, const float* f, float* dx,
                     unsigned threads) {
  if (winogradApplies(s)) return winogradGradInput(s, dy, f, dx, threads);
  const std::size_t rows = s.n * s.outH * s.outW, k = fieldSize(s), step = chunkRows(s);
  std::unique_ptr<float[]> cols(new float[std::min(step, rows) * k]);
  std::fill(dx, dx + s.n * s.h * s.w * s.cin, 0.0f);
  for (std::size_t r0 = 0; r0 < rows; r0 += step) {
    const std::size_t r1 = std::min(rows, r0 + step);
    // dcols = dy·Fᵀ, F being [k, cout].
    sgemm({false, true, r1 - r0, k, s.cout, dy + r0 * s.cout, f, cols.get(), nullptr, false},
          threads);
    // Each dx value gets at most one term per output row: the order of the sums is the rows'.
    col2im(s, cols.get(), r0, r1, dx, threads);
  }
}

void conv2dGradFilter(const ConvShape& s, const float* x, const float* dy, float* df,
                      unsigned threads) {
  if (winogradApplies(s)) return winogradGradFilter(s, x, dy, df, threads);
  const std::size_t rows = s.n * s.outH * s.outW, k = fieldSize(s), step = chunkRows(s);
  std::unique_ptr<float[]> cols(new float[std::min(step, rows) * k]);
  std::fill(df, df + k * s.cout, 0.0f);
  for (std::size_t r0 = 0; r0 < rows; r0 += step) {
    const std::size_t r1 = std::min(rows, r0 + step);
    im2col(s, x, r0, r1, cols.get(), threads);
    // df += colsᵀ·dy over this chunk's positions.
    sgemm({true, false, k, s.cout, r1 - r0, cols.get(), dy + r0 * s.cout, df, nullptr, true},
          threads);
  }
}

}  // namespace relaxcert

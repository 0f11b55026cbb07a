// Convolution as matrix products: each output position's receptive field, laid out in the
// filter's (ky, kx, ci) order, is one row of an im2col matrix, so the forward pass is
// cols·F, the input gradient scatters dy·Fᵀ back (col2im), and the filter gradient is colsᵀ·dy.
// Positions are taken in chunks (about 4 MB of im2col rows) so memory stays bounded; the
// products are multi-threaded inside sgemm. Chunk sizes depend only on the shapes, so results
// are deterministic.
#include "conv.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "sgemm.h"

namespace relaxcert {
namespace {

constexpr std::size_t CHUNK_FLOATS = std::size_t{1} << 20;

std::size_t fieldSize(const ConvShape& s) { return s.kh * s.kw * s.cin; }

std::size_t chunkRows(const ConvShape& s) {
  return std::max<std::size_t>(1, CHUNK_FLOATS / std::max<std::size_t>(1, fieldSize(s)));
}

// Calls visit(row, ky, kx, xOffset) for every in-bounds input pixel of output rows [r0, r1);
// out-of-bounds (padding) pixels are skipped.
template <typename Visit>
void forField(const ConvShape& s, std::size_t r0, std::size_t r1, Visit visit) {
  const std::size_t perImage = s.outH * s.outW;
  for (std::size_t r = r0; r < r1; r++) {
    const std::size_t img = r / perImage, pos = r % perImage;
    const std::size_t oy = pos / s.outW, ox = pos % s.outW;
    for (std::size_t ky = 0; ky < s.kh; ky++) {
      // Unsigned arithmetic: a padding row wraps around to a huge value and fails the test.
      const std::size_t iy = oy * s.stride + ky - s.padTop;
      if (iy >= s.h) continue;
      for (std::size_t kx = 0; kx < s.kw; kx++) {
        const std::size_t ix = ox * s.stride + kx - s.padLeft;
        if (ix >= s.w) continue;
        visit(r - r0, ky, kx, ((img * s.h + iy) * s.w + ix) * s.cin);
      }
    }
  }
}

void im2col(const ConvShape& s, const float* x, std::size_t r0, std::size_t r1, float* cols) {
  const std::size_t k = fieldSize(s);
  std::fill(cols, cols + (r1 - r0) * k, 0.0f);
  forField(s, r0, r1, [&](std::size_t row, std::size_t ky, std::size_t kx, std::size_t off) {
    std::memcpy(cols + row * k + (ky * s.kw + kx) * s.cin, x + off, s.cin * sizeof(float));
  });
}

}  // namespace

void conv2dForward(const ConvShape& s, const float* x, const float* f, const float* bias,
                   float* y, unsigned threads) {
  const std::size_t rows = s.n * s.outH * s.outW, k = fieldSize(s), step = chunkRows(s);
  std::unique_ptr<float[]> cols(new float[std::min(step, rows) * k]);
  for (std::size_t r0 = 0; r0 < rows; r0 += step) {
    const std::size_t r1 = std::min(rows, r0 + step);
    im2col(s, x, r0, r1, cols.get());
    sgemm({false, false, r1 - r0, s.cout, k, cols.get(), f, y + r0 * s.cout, bias, false},
          threads);
  }
}

void conv2dGradInput(const ConvShape& s, const float* dy, const float* f, float* dx,
                     unsigned threads) {
  const std::size_t rows = s.n * s.outH * s.outW, k = fieldSize(s), step = chunkRows(s);
  std::unique_ptr<float[]> cols(new float[std::min(step, rows) * k]);
  std::fill(dx, dx + s.n * s.h * s.w * s.cin, 0.0f);
  for (std::size_t r0 = 0; r0 < rows; r0 += step) {
    const std::size_t r1 = std::min(rows, r0 + step);
    // dcols = dy·Fᵀ, F being [k, cout].
    sgemm({false, true, r1 - r0, k, s.cout, dy + r0 * s.cout, f, cols.get(), nullptr, false},
          threads);
    const float* c = cols.get();
    forField(s, r0, r1, [&](std::size_t row, std::size_t ky, std::size_t kx, std::size_t off) {
      const float* src = c + row * k + (ky * s.kw + kx) * s.cin;
      float* dst = dx + off;
      for (std::size_t i = 0; i < s.cin; i++) dst[i] += src[i];
    });
  }
}

void conv2dGradFilter(const ConvShape& s, const float* x, const float* dy, float* df,
                      unsigned threads) {
  const std::size_t rows = s.n * s.outH * s.outW, k = fieldSize(s), step = chunkRows(s);
  std::unique_ptr<float[]> cols(new float[std::min(step, rows) * k]);
  std::fill(df, df + k * s.cout, 0.0f);
  for (std::size_t r0 = 0; r0 < rows; r0 += step) {
    const std::size_t r1 = std::min(rows, r0 + step);
    im2col(s, x, r0, r1, cols.get());
    // df += colsᵀ·dy over this chunk's positions.
    sgemm({true, false, k, s.cout, r1 - r0, cols.get(), dy + r0 * s.cout, df, nullptr, true},
          threads);
  }
}

}  // namespace relaxcert

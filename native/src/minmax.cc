// MinMax as two branch-free passes per row (the compiler vectorises them), the same pairing
// as main/engine/ops/minmax.ts: first half of the channels against the second half.
#include "minmax.h"

namespace relaxcert {

void minMax(const float* x, std::size_t rows, std::size_t channels, float* out,
            std::uint8_t* firstIsMin) {
  const std::size_t h = channels / 2;
  for (std::size_t r = 0; r < rows; r++) {
    const float* a = x + r * channels;
    const float* b = a + h;
    float* lo = out + r * channels;
    float* hi = lo + h;
    for (std::size_t i = 0; i < h; i++) {
      const bool aMin = a[i] <= b[i];
      lo[i] = aMin ? a[i] : b[i];
      hi[i] = aMin ? b[i] : a[i];
    }
    if (firstIsMin != nullptr) {
      std::uint8_t* m = firstIsMin + r * h;
      for (std::size_t i = 0; i < h; i++) m[i] = a[i] <= b[i] ? 1 : 0;
    }
  }
}

void minMaxGrad(const float* dy, std::size_t rows, std::size_t channels,
                const std::uint8_t* firstIsMin, float* dx) {
  const std::size_t h = channels / 2;
  for (std::size_t r = 0; r < rows; r++) {
    const float* dMin = dy + r * channels;
    const float* dMax = dMin + h;
    const std::uint8_t* m = firstIsMin + r * h;
    float* da = dx + r * channels;
    float* db = da + h;
    for (std::size_t i = 0; i < h; i++) {
      da[i] = m[i] ? dMin[i] : dMax[i];
      db[i] = m[i] ? dMax[i] : dMin[i];
    }
  }
}

}  // namespace relaxcert

// MinMax as branch-free passes per row, vectorised by the compiler (for AVX2 too, where a byte
// mask widens in one instruction), with the pairing of main/engine/ops/minmax.ts: the first
// half of the channels against the second half.
#include "minmax.h"

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "compiler.h"
#include "thread-pool.h"

namespace relaxcert {
namespace {

// Rows handed out at a time; below two blocks' worth of values one thread does it all.
constexpr std::size_t BLOCK_VALUES = std::size_t{1} << 16;

// Calls rowsDo(r0, r1) on blocks of rows, shared out among the threads.
template <typename RowsDo>
void byRowBlocks(std::size_t rows, std::size_t channels, unsigned threads, RowsDo rowsDo) {
  const std::size_t perRow = std::max<std::size_t>(1, channels);
  const std::size_t block = std::max<std::size_t>(1, BLOCK_VALUES / perRow);
  const std::size_t blocks = (rows + block - 1) / block;
  if (threads < 2 || blocks < 2) return rowsDo(0, rows);
  std::atomic<std::size_t> next{0};
  runOnThreads(static_cast<unsigned>(std::min<std::size_t>(threads, blocks)), [&](unsigned) {
    for (std::size_t b; (b = next.fetch_add(1)) < blocks;)
      rowsDo(b * block, std::min(rows, (b + 1) * block));
  });
}

RELAXCERT_VECTOR_CLONES
void minMaxRows(const float* x, std::size_t r0, std::size_t r1, std::size_t channels, float* out,
                std::uint8_t* firstIsMin) {
  const std::size_t h = channels / 2;
  for (std::size_t r = r0; r < r1; r++) {
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

// dy routed by the byte masks as bit selections: the compiler had made branches of
// `m[i] ? dMin[i] : dMax[i]`, which training's masks (random) mispredict.
RELAXCERT_VECTOR_CLONES
void minMaxGradRows(const float* dy, std::size_t r0, std::size_t r1, std::size_t channels,
                    const std::uint8_t* firstIsMin, float* dx) {
  static_assert(sizeof(float) == sizeof(std::uint32_t), "floats are 32-bit");
  const std::size_t h = channels / 2;
  for (std::size_t r = r0; r < r1; r++) {
    const std::uint32_t* dMin = reinterpret_cast<const std::uint32_t*>(dy + r * channels);
    const std::uint32_t* dMax = dMin + h;
    const std::uint8_t* m = firstIsMin + r * h;
    std::uint32_t* da = reinterpret_cast<std::uint32_t*>(dx + r * channels);
    std::uint32_t* db = da + h;
    for (std::size_t i = 0; i < h; i++) {
      const std::uint32_t first = m[i] != 0 ? ~0u : 0u;  // all ones where a was the minimum
      da[i] = (dMin[i] & first) | (dMax[i] & ~first);
      db[i] = (dMax[i] & first) | (dMin[i] & ~first);
    }
  }
}

}  // namespace

void minMax(const float* x, std::size_t rows, std::size_t channels, float* out,
            std::uint8_t* firstIsMin, unsigned threads) {
  byRowBlocks(rows, channels, threads, [&](std::size_t r0, std::size_t r1) {
    minMaxRows(x, r0, r1, channels, out, firstIsMin);
  });
}

void minMaxGrad(const float* dy, std::size_t rows, std::size_t channels,
                const std::uint8_t* firstIsMin, float* dx, unsigned threads) {
  byRowBlocks(rows, channels, threads, [&](std::size_t r0, std::size_t r1) {
    minMaxGradRows(dy, r0, r1, channels, firstIsMin, dx);
  });
}

}  // namespace relaxcert

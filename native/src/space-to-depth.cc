// 2×2 space-to-depth in NHWC is a permutation of runs of 2·c floats: the two horizontally
// adjacent pixels of one input row land side by side in one output pixel. tfjs on WASM did it
// as a generic 6-D transpose, value by value (about 7.5 ms for one cnn-c2f2 batch on one
// thread). Copies only, so any split among the threads gives the same result.
#include "space-to-depth.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "thread-pool.h"

namespace relaxcert {

void spaceToDepth2(const float* from, std::size_t n, std::size_t h, std::size_t w,
                   std::size_t c, float* to, bool inverse, unsigned threads) {
  const std::size_t rows = n * (h / 2), cols = w / 2, run = 2 * c;
  // Output rows handed out at a time: 2 input rows each.
  constexpr std::size_t ROWS_PER_TASK = 8;
  const std::size_t tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
  if (tasks == 0) return;
  std::atomic<std::size_t> next{0};
  runOnThreads(static_cast<unsigned>(std::min<std::size_t>(threads, tasks)), [&](unsigned) {
    for (std::size_t t; (t = next.fetch_add(1)) < tasks;) {
      for (std::size_t r = t * ROWS_PER_TASK; r < std::min(rows, (t + 1) * ROWS_PER_TASK); r++) {
        // Output row r = (image, i) reads input rows 2i and 2i + 1 of that image: r·2 and
        // r·2 + 1 counted over the whole batch.
        for (std::size_t di = 0; di < 2; di++) {
          const std::size_t line = (2 * r + di) * w * c;
          for (std::size_t j = 0; j < cols; j++) {
            const std::size_t spatial = line + j * run;
            const std::size_t depth = (r * cols + j) * 4 * c + di * run;
            if (inverse)
              std::memcpy(to + spatial, from + depth, run * sizeof(float));
            else
              std::memcpy(to + depth, from + spatial, run * sizeof(float));
          }
        }
      }
    }
  });
}

}  // namespace relaxcert

// RelaxCert's SGEMM against OpenBLAS's cblas_sgemm on the products of the training steps and of
// certification (docs/PERFORMANCE.md, "A kernel library instead of the hand-written SGEMM?").
// Measurement only: bench/blas/run.sh builds it (needs Debian's libopenblas-dev) and runs each
// side in its own process, because OpenBLAS's workers keep spinning after a call and slowed the
// other side's next products by up to 2× when the two were interleaved.
//
//   sgemm-vs-openblas ours|openblas [name filter]
//
// Prints, per shape, GFLOP/s on 1 and on 2 threads (median of 3 rounds of repetitions) and,
// for OpenBLAS, whether its result is bit-identical on 1, 2, 3 and 4 threads.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "sgemm.h"

namespace {

struct Shape {
  const char* name;
  bool transA, transB;
  int m, n, k;
};

const Shape SHAPES[] = {
    {"square 1024 NN", false, false, 1024, 1024, 1024},
    {"certify NN 1024x1000x1000", false, false, 1024, 1000, 1000},
    {"conv2 forward chunk NN 910x64x1152", false, false, 910, 64, 1152},
    {"conv2 input grad chunk NT 910x1152x64", false, true, 910, 1152, 64},
    {"conv2 filter grad chunk TN 1152x64x910", true, false, 1152, 64, 910},
    {"conv1 forward chunk NN 38836x32x27", false, false, 38836, 32, 27},
    {"conv1 filter grad chunk TN 27x32x38836", true, false, 27, 32, 38836},
    {"cnn dense1 forward NN 256x256x16384", false, false, 256, 256, 16384},
    {"cnn dense1 dW TN 16384x256x256", true, false, 16384, 256, 256},
    {"cnn dense1 dx NT 256x16384x256", false, true, 256, 16384, 256},
    {"dense forward NN 256x1000x1000", false, false, 256, 1000, 1000},
    {"dense dW TN 1000x1000x256", true, false, 1000, 1000, 256},
    {"dense dx NT 256x1000x1000", false, true, 256, 1000, 1000},
};

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  const bool ours = argc > 1 && std::string(argv[1]) == "ours";
  if (argc < 2 || (!ours && std::string(argv[1]) != "openblas")) {
    std::fprintf(stderr, "usage: sgemm-vs-openblas ours|openblas [name filter]\n");
    return 2;
  }
  for (const Shape& s : SHAPES) {
    if (argc > 2 && std::strstr(s.name, argv[2]) == nullptr) continue;
    std::vector<float> a(std::size_t(s.m) * s.k), b(std::size_t(s.k) * s.n), c(std::size_t(s.m) * s.n);
    for (std::size_t i = 0; i < a.size(); i++) a[i] = std::sin(i * 0.37f);
    for (std::size_t i = 0; i < b.size(); i++) b[i] = std::cos(i * 0.11f);
    auto product = [&](unsigned threads, float* out) {
      if (ours) {
        relaxcert::sgemm({s.transA, s.transB, std::size_t(s.m), std::size_t(s.n), std::size_t(s.k),
                          a.data(), b.data(), out, nullptr, false},
                         threads);
      } else {
        openblas_set_num_threads(int(threads));
        cblas_sgemm(CblasRowMajor, s.transA ? CblasTrans : CblasNoTrans,
                    s.transB ? CblasTrans : CblasNoTrans, s.m, s.n, s.k, 1.0f, a.data(),
                    s.transA ? s.m : s.k, b.data(), s.transB ? s.k : s.n, 0.0f, out, s.n);
      }
    };
    const double flops = 2.0 * s.m * s.n * s.k;
    const int reps = std::max(3, std::min(21, int(2e9 / flops)));
    std::printf("%-40s %-8s", s.name, ours ? "ours" : "OpenBLAS");
    for (unsigned threads = 1; threads <= 2; threads++) {
      std::vector<double> ms;
      for (int round = 0; round < 3; round++)
        for (int r = 0; r <= reps; r++) {
          const auto t0 = Clock::now();
          product(threads, c.data());
          if (r > 0) ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
      std::sort(ms.begin(), ms.end());
      std::printf("  %u thread%s %6.1f GFLOP/s", threads, threads == 1 ? " " : "s",
                  flops / ms[ms.size() / 2] / 1e6);
    }
    std::vector<float> one(c.size()), other(c.size());
    bool same = true;
    product(1, one.data());
    for (unsigned threads = 2; threads <= 4; threads++) {
      product(threads, other.data());
      same = same && std::memcmp(one.data(), other.data(), one.size() * sizeof(float)) == 0;
    }
    std::printf("  same bits on 1-4 threads: %s\n", same ? "yes" : "NO");
    std::fflush(stdout);
  }
}

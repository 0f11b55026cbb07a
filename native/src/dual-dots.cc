// Plain loops with four independent partial sums per product, which the compiler keeps in one
// vector register without reassociating anything (no -ffast-math: IEEE double arithmetic, no
// flush to zero); compiled twice (target_clones), for AVX2 where the CPU has it and for the baseline.
// Any summation order, with or without FMA, is covered by the error model of the bound.
#include "dual-dots.h"

#include <cmath>
#include <cstring>

namespace relaxcert {

namespace {

// Four lanes of partial sums (one AVX2 register, two SSE2 ones in the baseline clone).
typedef double v4d __attribute__((vector_size(32)));

inline v4d load4(const double* p) {
  v4d x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

}  // namespace

__attribute__((target_clones("avx2", "default"))) void dualDots(const DualDotsArgs& a) {
  const std::size_t n = a.fanIn;
  const std::size_t n4 = n - n % 4;
  for (std::size_t j = 0; j < a.outputs; ++j) {
    const double* w = a.w + j * n;
    const double* aw = a.absW + j * n;
    for (std::size_t r = 0; r < a.rows; ++r) {
      const double* v = a.src + r * n;
      const double* av = a.abs + r * n;
      v4d s = {0, 0, 0, 0};
      v4d t = {0, 0, 0, 0};
      std::size_t k = 0;
      for (; k < n4; k += 4) {
        s += load4(w + k) * load4(v + k);
        t += load4(aw + k) * load4(av + k);
      }
      for (; k < n; ++k) {
        s[0] += w[k] * v[k];
        t[0] += aw[k] * av[k];
      }
      const double b = a.bias[j];
      a.y[r * a.outputs + j] = b + ((s[0] + s[1]) + (s[2] + s[3]));
      a.c[r * a.outputs + j] = std::fabs(b) + ((t[0] + t[1]) + (t[2] + t[3]));
    }
  }
}

}  // namespace relaxcert

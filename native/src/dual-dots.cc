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

// The end of one (r, j): the tail past the last multiple of four in lane 0, then
// (l0 + l1) + (l2 + l3). The accumulators come by value so that a tile's loop keeps them in
// registers.
inline void finish(const DualDotsArgs& a, std::size_t r, std::size_t j, v4d s, v4d t) {
  const std::size_t n = a.fanIn;
  const double* w = a.w + j * n;
  const double* aw = a.absW + j * n;
  const double* v = a.src + r * n;
  const double* av = a.abs + r * n;
  for (std::size_t k = n - n % 4; k < n; ++k) {
    s[0] += w[k] * v[k];
    t[0] += aw[k] * av[k];
  }
  const double b = a.bias[j];
  a.y[r * a.outputs + j] = b + ((s[0] + s[1]) + (s[2] + s[3]));
  a.c[r * a.outputs + j] = std::fabs(b) + ((t[0] + t[1]) + (t[2] + t[3]));
}

// One output row j against one input row r: four lanes over k, then finish(). Every (r, j) is
// summed in this order whatever the blocking, so results do not depend on the block shapes or
// thread count.
inline void dualDot(const DualDotsArgs& a, std::size_t r, std::size_t j) {
  const std::size_t n = a.fanIn;
  const std::size_t n4 = n - n % 4;
  const double* w = a.w + j * n;
  const double* aw = a.absW + j * n;
  const double* v = a.src + r * n;
  const double* av = a.abs + r * n;
  v4d s = {0, 0, 0, 0};
  v4d t = {0, 0, 0, 0};
  for (std::size_t k = 0; k < n4; k += 4) {
    s += load4(w + k) * load4(v + k);
    t += load4(aw + k) * load4(av + k);
  }
  finish(a, r, j, s, t);
}

// The inner tile: outputs j, j + 1 against rows r, r + 1. Eight accumulators share each loaded
// vector twice, so the loop does one load per multiply instead of two (the single dot is
// load-bound). The lanes are dualDot's, and so, through finish(), is the rest.
inline void dualDots2x2(const DualDotsArgs& a, std::size_t r, std::size_t j) {
  const std::size_t n = a.fanIn;
  const std::size_t n4 = n - n % 4;
  const double* w0 = a.w + j * n;
  const double* w1 = w0 + n;
  const double* aw0 = a.absW + j * n;
  const double* aw1 = aw0 + n;
  const double* v0 = a.src + r * n;
  const double* v1 = v0 + n;
  const double* av0 = a.abs + r * n;
  const double* av1 = av0 + n;
  v4d s00 = {0, 0, 0, 0}, s01 = s00, s10 = s00, s11 = s00;  // s<output><row>
  v4d t00 = s00, t01 = s00, t10 = s00, t11 = s00;
  for (std::size_t k = 0; k < n4; k += 4) {
    const v4d x0 = load4(v0 + k), x1 = load4(v1 + k);
    const v4d y0 = load4(w0 + k), y1 = load4(w1 + k);
    s00 += y0 * x0;
    s01 += y0 * x1;
    s10 += y1 * x0;
    s11 += y1 * x1;
    const v4d p0 = load4(av0 + k), p1 = load4(av1 + k);
    const v4d q0 = load4(aw0 + k), q1 = load4(aw1 + k);
    t00 += q0 * p0;
    t01 += q0 * p1;
    t10 += q1 * p0;
    t11 += q1 * p1;
  }
  finish(a, r, j, s00, t00);
  finish(a, r + 1, j, s01, t01);
  finish(a, r, j + 1, s10, t10);
  finish(a, r + 1, j + 1, s11, t11);
}

// Rows are taken in blocks whose inputs (and their absolute values) fit in about 256 KiB, so
// that each block is read from cache by every output instead of from memory; within a block,
// 2 × 2 tiles. Tiny fan-ins gain nothing from tiling and take the plain loop.
__attribute__((target_clones("avx2", "default"))) void dualDots(const DualDotsArgs& a) {
  const std::size_t n = a.fanIn;
  if (n < 8) {
    for (std::size_t j = 0; j < a.outputs; ++j)
      for (std::size_t r = 0; r < a.rows; ++r) dualDot(a, r, j);
    return;
  }
  const std::size_t budget = std::size_t(256) * 1024 / (16 * n);
  const std::size_t block = budget < 2 ? 2 : budget - budget % 2;
  const std::size_t out2 = a.outputs - a.outputs % 2;
  for (std::size_t r0 = 0; r0 < a.rows; r0 += block) {
    const std::size_t r1 = r0 + block < a.rows ? r0 + block : a.rows;
    const std::size_t pairs = r0 + (r1 - r0) - (r1 - r0) % 2;
    for (std::size_t j = 0; j < out2; j += 2) {
      for (std::size_t r = r0; r < pairs; r += 2) dualDots2x2(a, r, j);
      for (std::size_t r = pairs; r < r1; ++r) {
        dualDot(a, r, j);
        dualDot(a, r, j + 1);
      }
    }
    for (std::size_t j = out2; j < a.outputs; ++j)
      for (std::size_t r = r0; r < r1; ++r) dualDot(a, r, j);
  }
}

}  // namespace relaxcert

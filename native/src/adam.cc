// Adam on flat arrays, the arithmetic of Adam.updateCombined (main/engine/train/adam.ts) in the
// same double-precision operations and the same order, so that both give the very same weights
// (a run may resume on a machine without the native kernels, and the two data-parallel
// replicas may differ in having them). Hence no fused multiply-adds here: a contraction would
// round differently from JavaScript. The JavaScript loop costs ~20 ns a parameter; this one
// ~2.8 ns on one thread for the baseline build, ~1.8 ns for its AVX2 version (below).
#include "adam.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "compiler.h"
#include "thread-pool.h"

#if defined(__clang__)
#define RELAXCERT_NO_CONTRACT
#elif defined(__GNUC__)
#define RELAXCERT_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#else
#define RELAXCERT_NO_CONTRACT
#endif

namespace relaxcert {

namespace {

RELAXCERT_NO_CONTRACT RELAXCERT_VECTOR_CLONES void adamRange(const AdamArgs& a) {
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
  const double b1 = a.beta1, b2 = a.beta2, c1 = 1 - b1, c2 = 1 - b2;
  const double step = a.stepSize, eps = a.epsilon, w0 = a.w0, w1 = a.w1;
  // In blocks, each copied to `out` while it is in L1: a store to `out` inside the loop (which
  // might alias the other arrays, for all the compiler knows) kept it from being vectorised.
  constexpr std::size_t BLOCK = 2048;
  for (std::size_t lo = a.lo; lo < a.hi; lo += BLOCK) {
    const std::size_t hi = std::min(a.hi, lo + BLOCK);
    for (std::size_t j = lo; j < hi; j++) {
      // Rounded to float32 like a stored gradient (Math.fround in adam.ts).
      const double g = a.g1 == nullptr
                           ? static_cast<double>(static_cast<float>(w0 * a.g0[j]))
                           : static_cast<double>(static_cast<float>(w0 * a.g0[j] + w1 * a.g1[j]));
      const double m = b1 * a.m[j] + c1 * g;
      const double v = b2 * a.v[j] + c2 * g * g;
      a.m[j] = static_cast<float>(m);
      a.v[j] = static_cast<float>(v);
      a.params[j] = static_cast<float>(a.params[j] - (step * m) / (std::sqrt(v) + eps));
    }
    if (a.out != nullptr)
      std::memcpy(a.out + (lo - a.outLo), a.params + lo, (hi - lo) * sizeof(float));
  }
}

// Below this many parameters waking a second thread costs more than it saves.
constexpr std::size_t MIN_PER_THREAD = std::size_t{1} << 16;

}  // namespace

// Each parameter's update reads and writes only its own values: contiguous ranges on several
// threads give the same weights as one loop. The loop is bound by the double-precision division
// and square root, not by memory: hence RELAXCERT_VECTOR_CLONES on adamRange (AVX2 divides four
// doubles at a time and rounds alike; 2 M parameters took 0.59–0.65 of the time).
void adamUpdate(const AdamArgs& a, unsigned threads) {
  const std::size_t n = a.hi - a.lo;
  const std::size_t parts = std::max<std::size_t>(
      1, std::min<std::size_t>(threads, n / MIN_PER_THREAD));
  if (parts == 1) return adamRange(a);
  const std::size_t per = (n + parts - 1) / parts;
  std::atomic<std::size_t> next{0};
  runOnThreads(static_cast<unsigned>(parts), [&](unsigned) {
    for (std::size_t p; (p = next.fetch_add(1)) < parts;) {
      AdamArgs part = a;
      part.lo = a.lo + p * per;
      part.hi = std::min(a.hi, part.lo + per);
      adamRange(part);
    }
  });
}

}  // namespace relaxcert

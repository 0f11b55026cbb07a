// Adam's update of flat float32 arrays; see adam.cc.
#pragma once
#include <cstddef>

namespace relaxcert {

struct AdamArgs {
  float* params;
  float* m;
  float* v;
  const float* g0;
  const float* g1;  // nullptr: the gradient is w0·g0 alone
  double w0, w1, beta1, beta2, stepSize, epsilon;
  std::size_t lo, hi;  // the range of parameters to update
};

// The same arithmetic as Adam.updateCombined in main/engine/train/adam.ts, bit for bit, on up
// to `threads` threads (disjoint ranges: the result does not depend on their number).
void adamUpdate(const AdamArgs& a, unsigned threads);

}  // namespace relaxcert

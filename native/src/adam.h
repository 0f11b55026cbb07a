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
  // Where the updated params[lo, hi) are also written (out[j − outLo] = params[j]), or nullptr:
  // a variable's new memory, written in the same pass instead of copied after it.
  float* out = nullptr;
  std::size_t outLo = 0;
};

// The same arithmetic as Adam.updateCombined in main/engine/train/adam.ts, bit for bit, on up
// to `threads` threads (disjoint ranges: the result does not depend on their number).
void adamUpdate(const AdamArgs& a, unsigned threads);

}  // namespace relaxcert

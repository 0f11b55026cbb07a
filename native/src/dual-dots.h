// Float64 products of the evaluation pass (main/engine/float64-pass.ts): for every output j of a
// linear layer and every input row r, y = b_j + w_j·v_r and c = |b_j| + |w_j|·|v_r|.
#pragma once
#include <cstddef>

namespace relaxcert {

struct DualDotsArgs {
  const double* w;     // outputs × fanIn, row j = output j
  const double* absW;  // |w|, same layout
  const float* bias;   // outputs
  const double* src;   // rows × fanIn
  const double* abs;   // |src|, same layout
  std::size_t rows, fanIn, outputs;
  double* y;  // rows × outputs
  double* c;  // rows × outputs
};

void dualDots(const DualDotsArgs& a);

}  // namespace relaxcert

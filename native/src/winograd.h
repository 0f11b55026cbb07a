// 3×3 stride-1 'same' convolutions by Winograd's F(4×4, 3×3); see winograd.cc.
#pragma once
#include "conv.h"

namespace relaxcert {

// Whether the three passes below take this shape (conv.cc falls back to im2col otherwise).
bool winogradApplies(const ConvShape& s);

void winogradForward(const ConvShape& s, const float* x, const float* f, const float* bias,
                     float* y, unsigned threads);
void winogradGradInput(const ConvShape& s, const float* dy, const float* f, float* dx,
                       unsigned threads);
void winogradGradFilter(const ConvShape& s, const float* x, const float* dy, float* df,
                        unsigned threads);

}  // namespace relaxcert

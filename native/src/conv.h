// 2-D convolution (NHWC, filter [kh, kw, cin, cout]): im2col + SGEMM (conv.cc), or Winograd's
// F(4×4, 3×3) for 3×3 stride-1 'same' layers with enough channels (winograd.cc).
#pragma once
#include <cstddef>

namespace relaxcert {

struct ConvShape {
  std::size_t n, h, w, cin, kh, kw, cout, stride, padTop, padLeft, outH, outW;
};

// Which of the two computes this shape: "winograd" or "im2col" (the same for all three passes).
const char* convAlgorithm(const ConvShape& s);

// y[n, outH, outW, cout] = conv(x, f) (+ bias).
void conv2dForward(const ConvShape& s, const float* x, const float* f, const float* bias,
                   float* y, unsigned threads);
// dx[n, h, w, cin] = the adjoint of the convolution applied to dy.
void conv2dGradInput(const ConvShape& s, const float* dy, const float* f, float* dx,
                     unsigned threads);
// df[kh, kw, cin, cout] = gradient of Σ dy·y with respect to the filter.
void conv2dGradFilter(const ConvShape& s, const float* x, const float* dy, float* df,
                      unsigned threads);

}  // namespace relaxcert

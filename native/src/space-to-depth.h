// The network's invertible 2×2 downsampling as copies; see space-to-depth.cc.
#pragma once
#include <cstddef>

namespace relaxcert {

// y[b, i, j, (2·di + dj)·c + ch] = x[b, 2i + di, 2j + dj, ch] for x of n × h × w × c (h, w
// even), y of n × h/2 × w/2 × 4c. `inverse`: the other way round, x from y (the gradient).
void spaceToDepth2(const float* from, std::size_t n, std::size_t h, std::size_t w,
                   std::size_t c, float* to, bool inverse, unsigned threads);

}  // namespace relaxcert

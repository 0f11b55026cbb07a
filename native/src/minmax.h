// MinMax activation on channels-last rows; see minmax.cc.
#pragma once
#include <cstddef>
#include <cstdint>

namespace relaxcert {

// Each row of `channels` values: channel i (first half) is paired with i + channels/2;
// out gets (min, max) of each pair. firstIsMin (rows·channels/2 bytes, may be null) records
// whether the first element was the smaller, for minMaxGrad.
void minMax(const float* x, std::size_t rows, std::size_t channels, float* out,
            std::uint8_t* firstIsMin, unsigned threads);

// Routes dy back through the pairing recorded by minMax. Both are element-wise, so any split
// of the rows among threads gives the same values.
void minMaxGrad(const float* dy, std::size_t rows, std::size_t channels,
                const std::uint8_t* firstIsMin, float* dx, unsigned threads);

}  // namespace relaxcert

// Float32 matrix product for the engine's dense layers; see sgemm.cc.
#pragma once
#include <cstddef>

namespace relaxcert {

struct GemmArgs {
  bool transA, transB;
  std::size_t m, n, k;
  const float* a;     // op(A) is m×k: A is m×k (row-major) or, with transA, k×m
  const float* b;     // op(B) is k×n: B is k×n or, with transB, n×k
  float* c;           // m×n, row-major
  const float* bias;  // n values added to every row, or nullptr
  bool accumulate;    // C += op(A)·op(B) instead of C = ...
};

// C = op(A)·op(B) (+ bias) (+ C). Deterministic: every element's sum runs in the same order
// whatever the thread count, so results are bit-identical run to run.
void sgemm(const GemmArgs& g, unsigned threads);

// op(B) packed once into dst (packedRightSize(k, n) floats), for many single-threaded products
// with the same right operand (winograd.cc: one filter, many blocks of tiles); b is k×n, or n×k
// with transB.
std::size_t packedRightSize(std::size_t k, std::size_t n);
void packRight(bool transB, std::size_t k, std::size_t n, const float* b, float* dst);
// sgemm(g, 1) with op(B) from packRight(g.transB, g.k, g.n, g.b, …): the same arithmetic, so the
// same bits, without packing B again. g.b must still be the plain B (small cases use it).
void sgemmPackedRight(const GemmArgs& g, const float* packedB);

// The instruction set the microkernel uses: "AVX-512", "AVX2" or "generic".
const char* sgemmIsa();

}  // namespace relaxcert

// Compiler attributes shared by the kernels.
#pragma once

// Loops over long arrays compiled for AVX2 as well as the baseline, picked at load time (GCC's
// function multiversioning; elsewhere the baseline only). Neither of the two targets has FMA,
// so both round every product and every sum alike: which one runs does not change the bits.
#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__)
#define RELAXCERT_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RELAXCERT_VECTOR_CLONES
#endif

// For helpers whose arguments must become constants where they are called.
#if defined(_MSC_VER)
#define RELAXCERT_ALWAYS_INLINE __forceinline
#else
#define RELAXCERT_ALWAYS_INLINE inline __attribute__((always_inline))
#endif

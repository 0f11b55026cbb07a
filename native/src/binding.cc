// N-API entry points of relaxcert_kernels. Arrays are used in place (no copies): the caller
// passes Float32Arrays, which may be views of the tfjs WASM heap.
#define NAPI_VERSION 6
#include <node_api.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <new>
#include <string>
#include <thread>

#include "adam.h"
#include "conv.h"
#include "dual-dots.h"
#include "minmax.h"
#include "sgemm.h"
#include "space-to-depth.h"

namespace {

unsigned defaultThreads() {
  unsigned hw = std::thread::hardware_concurrency();
  if (hw == 0) hw = 1;
  const char* env = std::getenv("RELAXCERT_NATIVE_THREADS");
  if (env != nullptr) {
    const long want = std::strtol(env, nullptr, 10);
    if (want >= 1 && static_cast<unsigned long>(want) < hw) return static_cast<unsigned>(want);
  }
  return hw;
}

// Per module instance (each worker thread loads its own).
struct State {
  unsigned threads;
};

napi_value fail(napi_env env, const std::string& message) {
  napi_throw_type_error(env, "RELAXCERT_NATIVE", message.c_str());
  return nullptr;
}

// Runs a kernel. One that cannot get its working memory throws std::bad_alloc, which becomes a
// JavaScript error here: an exception through N-API would end the whole process.
template <typename Kernel>
napi_value guarded(napi_env env, Kernel kernel) {
  try {
    kernel();
  } catch (const std::bad_alloc&) {
    napi_throw_error(env, "RELAXCERT_NATIVE_MEMORY",
                     "native kernels: out of memory for their working buffers");
  } catch (const std::exception& e) {
    napi_throw_error(env, "RELAXCERT_NATIVE", e.what());
  }
  return nullptr;
}

/** The data of a typed array of the expected type (false for anything else). */
template <typename T>
bool getTyped(napi_env env, napi_value v, napi_typedarray_type want, T** data,
              std::size_t* length) {
  bool isTyped = false;
  if (napi_is_typedarray(env, v, &isTyped) != napi_ok || !isTyped) return false;
  napi_typedarray_type type;
  void* ptr = nullptr;
  if (napi_get_typedarray_info(env, v, &type, length, &ptr, nullptr, nullptr) != napi_ok)
    return false;
  if (type != want) return false;
  *data = static_cast<T*>(ptr);
  return true;
}

bool getFloats(napi_env env, napi_value v, float** data, std::size_t* length) {
  return getTyped(env, v, napi_float32_array, data, length);
}

bool getDoubles(napi_env env, napi_value v, double** data, std::size_t* length) {
  return getTyped(env, v, napi_float64_array, data, length);
}

bool getBytes(napi_env env, napi_value v, std::uint8_t** data, std::size_t* length) {
  return getTyped(env, v, napi_uint8_array, data, length);
}

bool getSize(napi_env env, napi_value v, std::size_t* out) {
  double d = 0;
  if (napi_get_value_double(env, v, &d) != napi_ok) return false;
  if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<double>(static_cast<std::size_t>(d)))
    return false;
  *out = static_cast<std::size_t>(d);
  return true;
}

// sgemm(transA, transB, m, n, k, a, b, c, bias | null, accumulate)
napi_value Sgemm(napi_env env, napi_callback_info info) {
  std::size_t argc = 10;
  napi_value argv[10];
  void* data = nullptr;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  if (argc < 10) return fail(env, "sgemm expects 10 arguments");
  relaxcert::GemmArgs g{};
  bool flag = false;
  if (napi_get_value_bool(env, argv[0], &flag) != napi_ok) return fail(env, "transA: boolean");
  g.transA = flag;
  if (napi_get_value_bool(env, argv[1], &flag) != napi_ok) return fail(env, "transB: boolean");
  g.transB = flag;
  if (!getSize(env, argv[2], &g.m) || !getSize(env, argv[3], &g.n) || !getSize(env, argv[4], &g.k))
    return fail(env, "m, n, k: non-negative integers");
  float* a = nullptr;
  float* b = nullptr;
  std::size_t la = 0, lb = 0, lc = 0;
  if (!getFloats(env, argv[5], &a, &la) || !getFloats(env, argv[6], &b, &lb) ||
      !getFloats(env, argv[7], &g.c, &lc))
    return fail(env, "a, b, c: Float32Array");
  if (la < g.m * g.k || lb < g.k * g.n || lc < g.m * g.n)
    return fail(env, "an array is shorter than its m, n, k say");
  g.a = a;
  g.b = b;
  napi_valuetype biasType;
  napi_typeof(env, argv[8], &biasType);
  if (biasType != napi_null && biasType != napi_undefined) {
    float* bias = nullptr;
    std::size_t lbias = 0;
    if (!getFloats(env, argv[8], &bias, &lbias) || lbias < g.n)
      return fail(env, "bias: Float32Array of n values or null");
    g.bias = bias;
  }
  if (napi_get_value_bool(env, argv[9], &flag) != napi_ok) return fail(env, "accumulate: boolean");
  g.accumulate = flag;
  const unsigned threads = static_cast<State*>(data)->threads;
  return guarded(env, [&] { relaxcert::sgemm(g, threads); });
}

// minMax(x, rows, channels, out, firstIsMin | null) and minMaxGrad(dy, rows, channels,
// firstIsMin, dx): the shapes are checked here, so the kernels cannot run past an array.
napi_value MinMaxImpl(napi_env env, napi_callback_info info, bool grad) {
  std::size_t argc = 5;
  napi_value argv[5];
  void* data = nullptr;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  if (argc < 5) return fail(env, "minMax expects 5 arguments");
  float *x = nullptr, *out = nullptr;
  std::size_t lx = 0, lout = 0, rows = 0, channels = 0, lmask = 0;
  std::uint8_t* mask = nullptr;
  if (!getFloats(env, argv[0], &x, &lx) || !getFloats(env, argv[grad ? 4 : 3], &out, &lout))
    return fail(env, "input and output: Float32Array");
  if (!getSize(env, argv[1], &rows) || !getSize(env, argv[2], &channels) || channels % 2 != 0)
    return fail(env, "rows, channels: non-negative integers, channels even");
  napi_value maskArg = argv[grad ? 3 : 4];
  napi_valuetype maskType;
  napi_typeof(env, maskArg, &maskType);
  const bool hasMask = maskType != napi_null && maskType != napi_undefined;
  if ((hasMask || grad) && (!getBytes(env, maskArg, &mask, &lmask) || lmask < rows * channels / 2))
    return fail(env, "firstIsMin: Uint8Array of rows·channels/2 values");
  if (lx < rows * channels || lout < rows * channels)
    return fail(env, "an array is shorter than rows·channels");
  const unsigned threads = static_cast<State*>(data)->threads;
  return guarded(env, [&] {
    if (grad)
      relaxcert::minMaxGrad(x, rows, channels, mask, out, threads);
    else
      relaxcert::minMax(x, rows, channels, out, mask, threads);
  });
}

napi_value MinMax(napi_env env, napi_callback_info info) { return MinMaxImpl(env, info, false); }
napi_value MinMaxGrad(napi_env env, napi_callback_info info) {
  return MinMaxImpl(env, info, true);
}

// Geometry [n, h, w, cin, kh, kw, cout, stride, padTop, padLeft, outH, outW]. Any padding is
// safe: the kernels skip every input pixel outside h × w, and the array lengths are checked
// against these sizes below.
bool getConvShape(napi_env env, napi_value v, relaxcert::ConvShape* s) {
  std::size_t f[12];
  for (std::uint32_t i = 0; i < 12; i++) {
    napi_value e;
    if (napi_get_element(env, v, i, &e) != napi_ok || !getSize(env, e, &f[i])) return false;
  }
  *s = {f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]};
  return s->stride >= 1 && s->kh >= 1 && s->kw >= 1;
}

enum class ConvOp { Forward, GradInput, GradFilter };

// conv2d(x, f, bias | null, y, shape); conv2dGradInput(dy, f, dx, shape);
// conv2dGradFilter(x, dy, df, shape).
napi_value ConvImpl(napi_env env, napi_callback_info info, ConvOp op) {
  std::size_t argc = 5;
  napi_value argv[5];
  void* data = nullptr;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  const std::size_t want = op == ConvOp::Forward ? 5 : 4;
  if (argc < want) return fail(env, "convolution: too few arguments");
  relaxcert::ConvShape s{};
  if (!getConvShape(env, argv[want - 1], &s))
    return fail(env, "convolution shape: 12 non-negative integers, stride and kernel ≥ 1");
  const std::size_t nx = s.n * s.h * s.w * s.cin, nf = s.kh * s.kw * s.cin * s.cout;
  const std::size_t ny = s.n * s.outH * s.outW * s.cout;
  float *p0 = nullptr, *p1 = nullptr, *out = nullptr;
  std::size_t l0 = 0, l1 = 0, lout = 0;
  const napi_value outArg = argv[op == ConvOp::Forward ? 3 : 2];
  if (!getFloats(env, argv[0], &p0, &l0) || !getFloats(env, argv[1], &p1, &l1) ||
      !getFloats(env, outArg, &out, &lout))
    return fail(env, "convolution: Float32Array arguments");
  const unsigned threads = static_cast<State*>(data)->threads;
  if (op == ConvOp::Forward) {
    const float* bias = nullptr;
    napi_valuetype bt;
    napi_typeof(env, argv[2], &bt);
    if (bt != napi_null && bt != napi_undefined) {
      float* b = nullptr;
      std::size_t lb = 0;
      if (!getFloats(env, argv[2], &b, &lb) || lb < s.cout) return fail(env, "bias: cout values");
      bias = b;
    }
    if (l0 < nx || l1 < nf || lout < ny) return fail(env, "an array is shorter than the shape");
    return guarded(env, [&] { relaxcert::conv2dForward(s, p0, p1, bias, out, threads); });
  } else if (op == ConvOp::GradInput) {
    if (l0 < ny || l1 < nf || lout < nx) return fail(env, "an array is shorter than the shape");
    return guarded(env, [&] { relaxcert::conv2dGradInput(s, p0, p1, out, threads); });
  } else {
    if (l0 < nx || l1 < ny || lout < nf) return fail(env, "an array is shorter than the shape");
    return guarded(env, [&] { relaxcert::conv2dGradFilter(s, p0, p1, out, threads); });
  }
}

napi_value Conv2d(napi_env env, napi_callback_info info) {
  return ConvImpl(env, info, ConvOp::Forward);
}
napi_value Conv2dGradInput(napi_env env, napi_callback_info info) {
  return ConvImpl(env, info, ConvOp::GradInput);
}
napi_value Conv2dGradFilter(napi_env env, napi_callback_info info) {
  return ConvImpl(env, info, ConvOp::GradFilter);
}

// spaceToDepth2(from, n, h, w, c, to, inverse): see space-to-depth.h; both arrays hold
// n·h·w·c values at least.
napi_value SpaceToDepth2(napi_env env, napi_callback_info info) {
  std::size_t argc = 7;
  napi_value argv[7];
  void* data = nullptr;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  if (argc < 7) return fail(env, "spaceToDepth2 expects 7 arguments");
  float *from = nullptr, *to = nullptr;
  std::size_t lfrom = 0, lto = 0, n = 0, h = 0, w = 0, c = 0;
  if (!getFloats(env, argv[0], &from, &lfrom) || !getFloats(env, argv[5], &to, &lto))
    return fail(env, "spaceToDepth2: Float32Array arguments");
  if (!getSize(env, argv[1], &n) || !getSize(env, argv[2], &h) || !getSize(env, argv[3], &w) ||
      !getSize(env, argv[4], &c) || h % 2 != 0 || w % 2 != 0)
    return fail(env, "spaceToDepth2: n, h, w, c non-negative integers, h and w even");
  bool inverse = false;
  if (napi_get_value_bool(env, argv[6], &inverse) != napi_ok)
    return fail(env, "spaceToDepth2: inverse must be a boolean");
  if (lfrom < n * h * w * c || lto < n * h * w * c)
    return fail(env, "an array is shorter than n·h·w·c");
  const unsigned threads = static_cast<State*>(data)->threads;
  return guarded(env, [&] { relaxcert::spaceToDepth2(from, n, h, w, c, to, inverse, threads); });
}

// convAlgorithm(shape): "winograd" or "im2col", the algorithm the three passes use for it.
napi_value ConvAlgorithm(napi_env env, napi_callback_info info) {
  std::size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  relaxcert::ConvShape s{};
  if (argc < 1 || !getConvShape(env, argv[0], &s))
    return fail(env, "convolution shape: 12 non-negative integers, stride and kernel ≥ 1");
  napi_value name;
  napi_create_string_utf8(env, relaxcert::convAlgorithm(s), NAPI_AUTO_LENGTH, &name);
  return name;
}

// dualDots(w, absW, bias, src, abs, rows, fanIn, outputs, y, c): see dual-dots.h.
napi_value DualDots(napi_env env, napi_callback_info info) {
  std::size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 10) return fail(env, "dualDots expects 10 arguments");
  relaxcert::DualDotsArgs a{};
  if (!getSize(env, argv[5], &a.rows) || !getSize(env, argv[6], &a.fanIn) ||
      !getSize(env, argv[7], &a.outputs))
    return fail(env, "rows, fanIn, outputs: non-negative integers");
  double *w = nullptr, *absW = nullptr, *src = nullptr, *abs = nullptr;
  float* bias = nullptr;
  std::size_t lw = 0, law = 0, lb = 0, ls = 0, la = 0, ly = 0, lc = 0;
  if (!getDoubles(env, argv[0], &w, &lw) || !getDoubles(env, argv[1], &absW, &law) ||
      !getFloats(env, argv[2], &bias, &lb) || !getDoubles(env, argv[3], &src, &ls) ||
      !getDoubles(env, argv[4], &abs, &la) || !getDoubles(env, argv[8], &a.y, &ly) ||
      !getDoubles(env, argv[9], &a.c, &lc))
    return fail(env, "w, absW, src, abs, y, c: Float64Array; bias: Float32Array");
  const std::size_t weights = a.outputs * a.fanIn, inputs = a.rows * a.fanIn,
                    outs = a.rows * a.outputs;
  if (lw < weights || law < weights || lb < a.outputs || ls < inputs || la < inputs ||
      ly < outs || lc < outs)
    return fail(env, "an array is shorter than rows, fanIn, outputs say");
  a.w = w;
  a.absW = absW;
  a.bias = bias;
  a.src = src;
  a.abs = abs;
  return guarded(env, [&] { relaxcert::dualDots(a); });
}

// adam(params, m, v, g0, g1 | null, coefficients, lo, hi); coefficients is a Float64Array
// [w0, w1, beta1, beta2, stepSize, epsilon].
napi_value Adam(napi_env env, napi_callback_info info) {
  std::size_t argc = 9;
  napi_value argv[9];
  void* data = nullptr;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  if (argc < 8) return fail(env, "adam expects 8 arguments");
  relaxcert::AdamArgs a{};
  float* g0 = nullptr;
  std::size_t lp = 0, lm = 0, lv = 0, lg0 = 0, lg1 = 0, lcoef = 0;
  if (!getFloats(env, argv[0], &a.params, &lp) || !getFloats(env, argv[1], &a.m, &lm) ||
      !getFloats(env, argv[2], &a.v, &lv) || !getFloats(env, argv[3], &g0, &lg0))
    return fail(env, "params, m, v, g0: Float32Array");
  a.g0 = g0;
  napi_valuetype g1Type;
  napi_typeof(env, argv[4], &g1Type);
  if (g1Type != napi_null && g1Type != napi_undefined) {
    float* g1 = nullptr;
    if (!getFloats(env, argv[4], &g1, &lg1)) return fail(env, "g1: Float32Array or null");
    a.g1 = g1;
  }
  double* coef = nullptr;
  if (!getTyped(env, argv[5], napi_float64_array, &coef, &lcoef) || lcoef < 6)
    return fail(env, "coefficients: Float64Array [w0, w1, beta1, beta2, stepSize, epsilon]");
  a.w0 = coef[0];
  a.w1 = coef[1];
  a.beta1 = coef[2];
  a.beta2 = coef[3];
  a.stepSize = coef[4];
  a.epsilon = coef[5];
  if (!getSize(env, argv[6], &a.lo) || !getSize(env, argv[7], &a.hi) || a.lo > a.hi)
    return fail(env, "lo, hi: integers, lo ≤ hi");
  if (a.hi > lp || a.hi > lm || a.hi > lv || a.hi > lg0 || (a.g1 != nullptr && a.hi > lg1))
    return fail(env, "an array is shorter than hi");
  napi_valuetype outType = napi_undefined;
  if (argc > 8) napi_typeof(env, argv[8], &outType);
  if (outType != napi_null && outType != napi_undefined) {
    std::size_t lout = 0;
    if (!getFloats(env, argv[8], &a.out, &lout)) return fail(env, "out: Float32Array or null");
    if (lout < a.hi - a.lo) return fail(env, "out: shorter than hi − lo");
    a.outLo = a.lo;
  }
  const unsigned threads = static_cast<State*>(data)->threads;
  return guarded(env, [&] { relaxcert::adamUpdate(a, threads); });
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  std::size_t argc = 1;
  napi_value argv[1];
  void* data = nullptr;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  std::size_t n = 0;
  if (argc < 1 || !getSize(env, argv[0], &n) || n < 1) return fail(env, "threads: integer ≥ 1");
  static_cast<State*>(data)->threads = static_cast<unsigned>(n);
  return nullptr;
}

napi_value Info(napi_env env, napi_callback_info info) {
  void* data = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, nullptr, &data);
  napi_value obj, isa, threads, hw;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, relaxcert::sgemmIsa(), NAPI_AUTO_LENGTH, &isa);
  napi_create_uint32(env, static_cast<State*>(data)->threads, &threads);
  napi_create_uint32(env, std::thread::hardware_concurrency(), &hw);
  napi_set_named_property(env, obj, "isa", isa);
  napi_set_named_property(env, obj, "threads", threads);
  napi_set_named_property(env, obj, "hardwareThreads", hw);
  return obj;
}

void freeState(napi_env, void* data, void*) { delete static_cast<State*>(data); }

}  // namespace

NAPI_MODULE_INIT() {
  State* state = new State{defaultThreads()};
  napi_set_instance_data(env, state, freeState, nullptr);
  const napi_property_descriptor props[] = {
      {"sgemm", nullptr, Sgemm, nullptr, nullptr, nullptr, napi_enumerable, state},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_enumerable, state},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_enumerable, state},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_enumerable, state},
      {"minMax", nullptr, MinMax, nullptr, nullptr, nullptr, napi_enumerable, state},
      {"minMaxGrad", nullptr, MinMaxGrad, nullptr, nullptr, nullptr, napi_enumerable, state},
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_enumerable, state},
      {"dualDots", nullptr, DualDots, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"conv2dGradInput", nullptr, Conv2dGradInput, nullptr, nullptr, nullptr, napi_enumerable,
       state},
      {"conv2dGradFilter", nullptr, Conv2dGradFilter, nullptr, nullptr, nullptr, napi_enumerable,
       state},
      {"spaceToDepth2", nullptr, SpaceToDepth2, nullptr, nullptr, nullptr, napi_enumerable,
       state},
      {"convAlgorithm", nullptr, ConvAlgorithm, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

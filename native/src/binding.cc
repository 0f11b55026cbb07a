// N-API entry points of relaxcert_kernels. Arrays are used in place (no copies): the caller
// passes Float32Arrays, which may be views of the tfjs WASM heap.
#define NAPI_VERSION 6
#include <node_api.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

#include "minmax.h"
#include "sgemm.h"

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

bool getFloats(napi_env env, napi_value v, float** data, std::size_t* length) {
  bool isTyped = false;
  if (napi_is_typedarray(env, v, &isTyped) != napi_ok || !isTyped) return false;
  napi_typedarray_type type;
  void* ptr = nullptr;
  if (napi_get_typedarray_info(env, v, &type, length, &ptr, nullptr, nullptr) != napi_ok)
    return false;
  if (type != napi_float32_array) return false;
  *data = static_cast<float*>(ptr);
  return true;
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
  relaxcert::sgemm(g, static_cast<State*>(data)->threads);
  return nullptr;
}

bool getBytes(napi_env env, napi_value v, std::uint8_t** data, std::size_t* length) {
  bool isTyped = false;
  if (napi_is_typedarray(env, v, &isTyped) != napi_ok || !isTyped) return false;
  napi_typedarray_type type;
  void* ptr = nullptr;
  if (napi_get_typedarray_info(env, v, &type, length, &ptr, nullptr, nullptr) != napi_ok)
    return false;
  if (type != napi_uint8_array) return false;
  *data = static_cast<std::uint8_t*>(ptr);
  return true;
}

// minMax(x, rows, channels, out, firstIsMin | null) and minMaxGrad(dy, rows, channels,
// firstIsMin, dx): the shapes are checked here, so the kernels cannot run past an array.
napi_value MinMaxImpl(napi_env env, napi_callback_info info, bool grad) {
  std::size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
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
  if (grad)
    relaxcert::minMaxGrad(x, rows, channels, mask, out);
  else
    relaxcert::minMax(x, rows, channels, out, mask);
  return nullptr;
}

napi_value MinMax(napi_env env, napi_callback_info info) { return MinMaxImpl(env, info, false); }
napi_value MinMaxGrad(napi_env env, napi_callback_info info) {
  return MinMaxImpl(env, info, true);
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
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_enumerable, state},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_enumerable, state},
      {"minMax", nullptr, MinMax, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"minMaxGrad", nullptr, MinMaxGrad, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, 5, props);
  return exports;
}

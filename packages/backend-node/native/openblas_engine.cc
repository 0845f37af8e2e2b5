// TopicKD's OpenBLAS engine: matrix products and the fused Adam update computed natively
// on Float32Arrays that view the tfjs wasm backend's memory (no copies).
//
// Built at install time by node-gyp (binding.gyp) where a C++ compiler and OpenBLAS's
// headers (Debian: libopenblas-dev) are present; skipped otherwise. Row-major throughout.
#include <napi.h>
#include <cblas.h>
#include <cmath>
#include <cstdint>

extern "C" {
// Declared by OpenBLAS's cblas.h on most distributions; repeated for the ones that do not.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
}

namespace {

float* FloatData(const Napi::Env& env, const Napi::Value& v, size_t need, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    Napi::TypeError::New(env, std::string(what) + " must be a Float32Array").ThrowAsJavaScriptException();
    return nullptr;
  }
  auto a = v.As<Napi::Float32Array>();
  if (a.ElementLength() < need) {
    Napi::RangeError::New(env, std::string(what) + " is shorter than the product needs").ThrowAsJavaScriptException();
    return nullptr;
  }
  return a.Data();
}

// sgemm(transA, transB, M, N, K, A, B, C, batch, strideA, strideB, strideC)
// C[b] = op(A[b]) · op(B[b]) for b < batch, with op(X) = X or Xᵀ; a stride of 0 broadcasts.
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 12) {
    Napi::TypeError::New(env, "sgemm expects 12 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const bool ta = info[0].As<Napi::Boolean>().Value();
  const bool tb = info[1].As<Napi::Boolean>().Value();
  const int64_t M = info[2].As<Napi::Number>().Int64Value();
  const int64_t N = info[3].As<Napi::Number>().Int64Value();
  const int64_t K = info[4].As<Napi::Number>().Int64Value();
  const int64_t batch = info[8].As<Napi::Number>().Int64Value();
  const int64_t sa = info[9].As<Napi::Number>().Int64Value();
  const int64_t sb = info[10].As<Napi::Number>().Int64Value();
  const int64_t sc = info[11].As<Napi::Number>().Int64Value();
  if (M <= 0 || N <= 0 || K <= 0 || batch <= 0 || sa < 0 || sb < 0 || sc < M * N) {
    Napi::RangeError::New(env, "sgemm: bad sizes").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const float* A = FloatData(env, info[5], (batch - 1) * sa + M * K, "A");
  if (!A) return env.Undefined();
  const float* B = FloatData(env, info[6], (batch - 1) * sb + K * N, "B");
  if (!B) return env.Undefined();
  float* C = FloatData(env, info[7], (batch - 1) * sc + M * N, "C");
  if (!C) return env.Undefined();
  const int lda = ta ? M : K;
  const int ldb = tb ? K : N;
  for (int64_t b = 0; b < batch; b++) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, A + b * sa, lda, B + b * sb,
                ldb, 0.0f, C + b * sc, N);
  }
  return env.Undefined();
}

void AdamLoop(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, size_t n, float stepSize, float invSqrtBc2,
              float b1, float b2, float c1, float c2, float eps) {
  for (size_t j = 0; j < n; j++) {
    const float gj = g[j];
    const float mj = b1 * m[j] + c1 * gj;
    const float vj = b2 * v[j] + c2 * gj * gj;
    m[j] = mj;
    v[j] = vj;
    p[j] -= stepSize * mj / (std::sqrt(vj) * invSqrtBc2 + eps);
  }
}

void ColSumsLoop(const float* __restrict X, int64_t rows, int64_t cols, float* __restrict out, float scale) {
  for (int64_t j = 0; j < cols; j++) out[j] = 0.0f;
  for (int64_t i = 0; i < rows; i++) {
    const float* row = X + i * cols;
    for (int64_t j = 0; j < cols; j++) out[j] += row[j];
  }
  if (scale != 1.0f)
    for (int64_t j = 0; j < cols; j++) out[j] *= scale;
}

// adam(p, g, m, v, stepSize, invSqrtBc2, beta1, beta2, eps): PyTorch's Adam update in place,
//   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  p ← p − stepSize · m / (√v · invSqrtBc2 + ε).
Napi::Value Adam(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 9) {
    Napi::TypeError::New(env, "adam expects 9 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!info[0].IsTypedArray()) {
    Napi::TypeError::New(env, "p must be a Float32Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const size_t n = info[0].As<Napi::TypedArray>().ElementLength();
  float* p = FloatData(env, info[0], n, "p");
  if (!p) return env.Undefined();
  const float* g = FloatData(env, info[1], n, "g");
  if (!g) return env.Undefined();
  float* m = FloatData(env, info[2], n, "m");
  if (!m) return env.Undefined();
  float* v = FloatData(env, info[3], n, "v");
  if (!v) return env.Undefined();
  // float32 arithmetic, as PyTorch's float32 Adam; the loop vectorises (-O3 -fno-math-errno)
  const float stepSize = static_cast<float>(info[4].As<Napi::Number>().DoubleValue());
  const float invSqrtBc2 = static_cast<float>(info[5].As<Napi::Number>().DoubleValue());
  const float b1 = static_cast<float>(info[6].As<Napi::Number>().DoubleValue());
  const float b2 = static_cast<float>(info[7].As<Napi::Number>().DoubleValue());
  const float eps = static_cast<float>(info[8].As<Napi::Number>().DoubleValue());
  const float c1 = 1.0f - b1, c2 = 1.0f - b2;
  AdamLoop(p, g, m, v, n, stepSize, invSqrtBc2, b1, b2, c1, c2, eps);
  return env.Undefined();
}

// colSums(X, rows, cols, out, scale): out[j] = scale · Σ_i X[i, j] (row-major X). tfjs wasm
// reduces over a leading axis by transposing first; this reads X once, in order.
Napi::Value ColSums(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = info[1].As<Napi::Number>().Int64Value();
  const int64_t cols = info[2].As<Napi::Number>().Int64Value();
  if (rows <= 0 || cols <= 0) {
    Napi::RangeError::New(env, "colSums: bad sizes").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const float* X = FloatData(env, info[0], rows * cols, "X");
  if (!X) return env.Undefined();
  float* out = FloatData(env, info[3], cols, "out");
  if (!out) return env.Undefined();
  const float scale = static_cast<float>(info[4].As<Napi::Number>().DoubleValue());
  ColSumsLoop(X, rows, cols, out, scale);
  return env.Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const int n = info[0].As<Napi::Number>().Int32Value();
  openblas_set_num_threads(n < 1 ? 1 : n);
  return Napi::Number::New(info.Env(), openblas_get_num_threads());
}

Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), openblas_get_num_threads()); }

Napi::Value Config(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), openblas_get_config()); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("adam", Napi::Function::New(env, Adam));
  exports.Set("colSums", Napi::Function::New(env, ColSums));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("threads", Napi::Function::New(env, Threads));
  exports.Set("config", Napi::Function::New(env, Config));
  return exports;
}

}  // namespace

NODE_API_MODULE(topickd_openblas, Init)

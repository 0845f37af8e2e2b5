// TopicKD's OpenBLAS engine: matrix products and the fused Adam update computed natively
// on Float32Arrays that view the tfjs wasm backend's memory (no copies).
//
// Built at install time by node-gyp (binding.gyp) where a C++ compiler and OpenBLAS's
// headers (Debian: libopenblas-dev) are present; skipped otherwise. Row-major throughout.
//
// Threads: OpenBLAS's own threads busy-wait between calls, which on a machine whose cores are
// shared costs far more than it gains, so OpenBLAS runs single-threaded and this engine
// splits work itself (setPoolThreads): a product's output columns (or rows) and Adam's
// elements are cut into more parts than threads; the calling thread and the pool's threads
// claim parts from a counter, and idle pool threads sleep on a condition variable (no
// spinning). A pool thread the OS does not schedule claims nothing: the caller does its parts,
// so a busy machine loses no more than the cores it lacks.
#include <napi.h>
#include <cblas.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

extern "C" {
// Declared by OpenBLAS's cblas.h on most distributions; repeated for the ones that do not.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
}

namespace {

// A pool of threads that run the parts of one job at a time (see the note at the top).
class Pool {
 public:
  int Size() const { return static_cast<int>(workers_.size()) + 1; }

  // Total threads including the caller's: n - 1 pool threads (stopped and restarted).
  void Resize(int n) {
    n = std::max(1, n);
    if (n == Size()) return;
    {
      std::lock_guard<std::mutex> g(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    stop_ = false;
    for (int i = 1; i < n; i++) workers_.emplace_back([this] { Loop(); });
  }

  // Runs fn(part) for every part in [0, parts) and returns when all have run.
  void Run(int parts, std::function<void(int)> fn) {
    if (workers_.empty() || parts <= 1) {
      for (int p = 0; p < parts; p++) fn(p);
      return;
    }
    auto job = std::make_shared<Job>();
    job->fn = std::move(fn);
    job->parts = parts;
    {
      std::lock_guard<std::mutex> g(mu_);
      job_ = job;
      generation_++;
    }
    wake_.notify_all();
    Work(*job);
    std::unique_lock<std::mutex> lk(mu_);
    done_.wait(lk, [&] { return job->finished.load() == job->parts; });
    job_.reset();
  }

 private:
  struct Job {
    std::function<void(int)> fn;
    int parts = 0;
    std::atomic<int> next{0};
    std::atomic<int> finished{0};
  };

  // Claims and runs parts until none are left; the last part to finish wakes the caller.
  void Work(Job& job) {
    for (int p; (p = job.next.fetch_add(1)) < job.parts;) {
      job.fn(p);
      if (job.finished.fetch_add(1) + 1 == job.parts) {
        std::lock_guard<std::mutex> g(mu_);
        done_.notify_all();
      }
    }
  }

  void Loop() {
    uint64_t seen = 0;
    {
      std::lock_guard<std::mutex> g(mu_);
      seen = generation_;
    }
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lk(mu_);
        wake_.wait(lk, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        job = job_;
      }
      // a thread that wakes after its job ended finds its counter spent and claims nothing
      if (job) Work(*job);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::shared_ptr<Job> job_;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

// Never destroyed: its threads sleep until the process exits.
Pool& ThePool() {
  static Pool* pool = new Pool();
  return *pool;
}

// How many parts to cut `extent` into (blocks of `align`), given `work` multiply-adds or elements
// and the least worth a part: a few per thread, so a thread the OS delays costs little.
int PartsFor(int64_t extent, int64_t align, double work, double minPerPart) {
  const int threads = ThePool().Size();
  if (threads <= 1) return 1;
  const int64_t byWork = static_cast<int64_t>(work / minPerPart);
  const int64_t byExtent = (extent + align - 1) / align;
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>({4 * static_cast<int64_t>(threads), byWork, byExtent})));
}

// [begin, end) of part p of n over `extent`, boundaries on multiples of `align`.
void PartRange(int64_t extent, int64_t align, int p, int n, int64_t* begin, int64_t* end) {
  const int64_t blocks = (extent + align - 1) / align;
  *begin = std::min(extent, (blocks * p / n) * align);
  *end = std::min(extent, (blocks * (p + 1) / n) * align);
}

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
  const CBLAS_TRANSPOSE opA = ta ? CblasTrans : CblasNoTrans, opB = tb ? CblasTrans : CblasNoTrans;
  // parts: blocks of C's columns (wide outputs, e.g. the E→V adapter) or of its rows, each
  // a product of its own over the whole K (every sum in the order of one thread's product)
  const bool byColumns = N >= M;
  const int64_t extent = byColumns ? N : M;
  const int perMatrix = PartsFor(extent, 16, static_cast<double>(M) * N * K, 1 << 20);
  ThePool().Run(static_cast<int>(batch) * perMatrix, [&](int part) {
    const int64_t b = part / perMatrix;
    int64_t lo, hi;
    PartRange(extent, 16, part % perMatrix, perMatrix, &lo, &hi);
    if (hi <= lo) return;
    const float* a = A + b * sa;
    const float* bb = B + b * sb;
    float* c = C + b * sc;
    if (byColumns) {
      // C[:, lo:hi] = op(A) · op(B)[:, lo:hi]: B's columns lo… (B row-major K×N) or rows lo… (Bᵀ: N×K)
      cblas_sgemm(CblasRowMajor, opA, opB, M, hi - lo, K, 1.0f, a, lda, tb ? bb + lo * K : bb + lo, ldb, 0.0f, c + lo, N);
    } else {
      // C[lo:hi, :] = op(A)[lo:hi, :] · op(B): A's rows lo… (A row-major M×K) or columns lo… (Aᵀ: K×M)
      cblas_sgemm(CblasRowMajor, opA, opB, hi - lo, N, K, 1.0f, ta ? a + lo : a + lo * K, lda, bb, ldb, 0.0f, c + lo * N, N);
    }
  });
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
  // element-wise: parts of whole 16-element blocks, the same arithmetic per element
  const int parts = PartsFor(static_cast<int64_t>(n), 16, static_cast<double>(n), 1 << 16);
  ThePool().Run(parts, [&](int part) {
    int64_t lo, hi;
    PartRange(static_cast<int64_t>(n), 16, part, parts, &lo, &hi);
    if (hi > lo) AdamLoop(p + lo, g + lo, m + lo, v + lo, static_cast<size_t>(hi - lo), stepSize, invSqrtBc2, b1, b2, c1, c2, eps);
  });
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

// setPoolThreads(n): the engine's own threads, the caller's included (1: none); returns the count.
Napi::Value SetPoolThreads(const Napi::CallbackInfo& info) {
  const int n = info[0].As<Napi::Number>().Int32Value();
  ThePool().Resize(n < 1 ? 1 : n);
  return Napi::Number::New(info.Env(), ThePool().Size());
}

Napi::Value PoolThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), ThePool().Size()); }

Napi::Value Config(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), openblas_get_config()); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("adam", Napi::Function::New(env, Adam));
  exports.Set("colSums", Napi::Function::New(env, ColSums));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("threads", Napi::Function::New(env, Threads));
  exports.Set("setPoolThreads", Napi::Function::New(env, SetPoolThreads));
  exports.Set("poolThreads", Napi::Function::New(env, PoolThreads));
  exports.Set("config", Napi::Function::New(env, Config));
  return exports;
}

}  // namespace

NODE_API_MODULE(topickd_openblas, Init)

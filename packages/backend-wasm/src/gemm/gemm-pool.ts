import { nodeBuiltin } from '@topickd/core/plugin';
import { decodeBase64 } from '../wasm-heap.js';
import { GEMM_SHARED_WASM_BASE64 } from './gemm-shared-wasm.generated.js';
import { GEMM_FMA_SHARED_WASM_BASE64 } from './gemm-fma-shared-wasm.generated.js';

/**
 * TopicKD's SIMD product split over threads that share one WebAssembly memory (Node
 * `worker_threads`; the `threads` option of the wasm backend, `--threads N`).
 *
 * tfjs's single-threaded wasm heap is not shared memory, so a product's operands are copied
 * into a shared memory of the pool's own (a `SharedArrayBuffer` behind a shared
 * `WebAssembly.Memory`), every thread (the caller and N − 1 workers) runs the same compiled
 * product (gemm.wat built with a shared-memory import) on parts of the output, and the
 * result is copied back. Parts are whole column blocks of 8 (4 for A·Bᵀ) or row blocks of 4
 * (2), so every output element is computed by the same instructions in the same order as on
 * one thread: the result is the one-thread result, bit for bit.
 *
 * Scheduling as in the OpenBLAS engine's pool: ~4 parts per thread, claimed from a counter in
 * a shared control block (compare-and-swap on a word tagged with the job's number, so a late
 * thread can never claim a part of the next job); idle workers sleep in `Atomics.wait` on the
 * job number and the caller sleeps on the done counter — no thread ever spins, and a thread
 * that wakes late finds nothing left to claim, so a busy machine loses no more than the
 * cores it lacks. Tfjs's threaded wasm build (shared heap, no copies) was not used: in Node
 * it needs a Worker shim, and XNNPACK's thread pool busy-waits (training 2.5× slower on 2
 * cores, ENVIRONMENT.md).
 *
 * Only products of at least `POOL_MIN_FLOPS` run here (copies and a wake-up cost ~10–30 µs);
 * the rest stay on the tfjs heap, on the calling thread.
 */

/** Products smaller than this (2·M·N·K) stay on the calling thread. */
export const POOL_MIN_FLOPS = 1 << 23;
/** The shared memory's maximum (pages of 64 KiB; 1 GiB, as declared by the shared module). */
const MAX_PAGES = 16384;

/** The functions a part runs: indices into [gemm_nn, gemm_tn, gemm_nt]. */
export type GemmKind = 0 | 1 | 2;

// Control block (Int32Array over a SharedArrayBuffer), slot by slot; runParts below reads the
// same slots as literals, since its source also runs inside the workers.
const JOB = 0; // job number: workers sleep on it
const NEXT = 1; // (job & 0x7fff) << 16 | next part index
const DONE = 2; // parts finished in this job: the caller sleeps on it
const PARTS = 3;
const FN = 4;
const ARGS = 5; // a, lda, b, ldb, c, ldc, M, N, K (slots 5..13)
const BY_ROWS = 14;
const STEP = 15;
const STOP = 16;
const FAILED = 17; // a part threw (e.g. a trap): the job's result is not used

/**
 * Claims and computes parts of the current job until none is left. Runs in the caller and,
 * as source text, in every worker: it may use nothing from outside its own body.
 */
function runParts(fns: Array<(...a: number[]) => void>, ctrl: Int32Array): void {
  for (;;) {
    const cur = Atomics.load(ctrl, 1);
    const idx = cur & 0xffff;
    const parts = ctrl[3];
    if (idx >= parts) return;
    // parameters are read before the claim; a successful claim proves they were this job's
    // (the caller changes them only after every part of the job is done)
    const fn = ctrl[4];
    const a = ctrl[5], lda = ctrl[6], b = ctrl[7], ldb = ctrl[8], c = ctrl[9], ldc = ctrl[10];
    const M = ctrl[11], N = ctrl[12], K = ctrl[13], byRows = ctrl[14], step = ctrl[15];
    if (Atomics.compareExchange(ctrl, 1, cur, cur + 1) !== cur) continue;
    try {
      if (byRows) {
        const r0 = idx * step;
        // A(i, k) = a[i·lda + k] for nn and nt, a[k·lda + i] for tn
        fns[fn](fn === 1 ? a + r0 * 4 : a + r0 * lda * 4, lda, b, ldb, c + r0 * ldc * 4, ldc, Math.min(step, M - r0), N, K);
      } else {
        const j0 = idx * step;
        // B(k, j) = b[k·ldb + j] for nn and tn, B(j, k) = b[j·ldb + k] for nt
        fns[fn](a, lda, fn === 2 ? b + j0 * ldb * 4 : b + j0 * 4, ldb, c + j0 * 4, ldc, M, Math.min(step, N - j0), K);
      }
    } catch {
      // counted as done all the same, so nobody waits for it; the caller sees the flag
      Atomics.store(ctrl, 17, 1);
    }
    if (Atomics.add(ctrl, 2, 1) + 1 === parts) Atomics.notify(ctrl, 2);
  }
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl } = workerData;
const e = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = [e.gemm_nn, e.gemm_tn, e.gemm_nt];
const runParts = ${runParts.toString()};
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${JOB}, seen);
  seen = Atomics.load(ctrl, ${JOB});
  if (Atomics.load(ctrl, ${STOP}) === 1) break;
  runParts(fns, ctrl);
}
`;

type WorkerLike = { unref(): void; terminate(): Promise<number>; on(ev: 'error', fn: (e: Error) => void): void };

const align = (n: number): number => (n + 63) & ~63;

/** How many products ran on the pool (tests, profiles). */
export const gemmPoolStats = { products: 0 };

/** A product split over `threads` threads (the caller and threads − 1 workers). */
export class GemmPool {
  readonly memory: WebAssembly.Memory;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(32 * 4));
  private readonly fns: Array<(...a: number[]) => void>;
  private readonly workers: WorkerLike[] = [];
  private job = 0;
  private closed = false;

  private constructor(readonly threads: number, readonly fma: boolean, Worker: new (src: string, o: object) => WorkerLike) {
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const module = new WebAssembly.Module(decodeBase64(fma ? GEMM_FMA_SHARED_WASM_BASE64 : GEMM_SHARED_WASM_BASE64));
    const e = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as Record<string, (...a: number[]) => void>;
    this.fns = [e.gemm_nn, e.gemm_tn, e.gemm_nt];
    for (let i = 1; i < threads; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory: this.memory, ctrl: this.ctrl } });
      // a worker that fails leaves its parts to the others (claimed from the same counter)
      w.on('error', () => undefined);
      w.unref();
      this.workers.push(w);
    }
  }

  /** Whether a pool of `threads` threads can run here (≥ 2 threads, shared memory, worker threads), without starting one. */
  static runsHere(threads: number): boolean {
    return threads >= 2 && typeof SharedArrayBuffer === 'function' && nodeBuiltin('node:worker_threads') !== undefined;
  }

  /**
   * A pool of `threads` threads for the plain or the fused multiply-add product; null where
   * this runtime has no worker threads or shared memory (a browser page: Atomics.wait is not
   * allowed on its main thread) or `threads` < 2.
   */
  static create(threads: number, fma: boolean): GemmPool | null {
    const wt = GemmPool.runsHere(threads) ? nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads') : undefined;
    if (!wt) return null;
    try {
      return new GemmPool(threads, fma, wt.Worker as never);
    } catch {
      return null;
    }
  }

  /**
   * C = op(A)·op(B) for operands in `heap` (tfjs's wasm heap) at byte offsets `a`, `b`, `c`
   * (`aBytes`, `bBytes`: the operands' sizes), in the layout of gemm.wat's functions. Returns
   * false (nothing written) where the operands do not fit the pool's memory or a part failed;
   * the caller then multiplies on its own thread.
   */
  run(kind: GemmKind, heap: Uint8Array, a: number, aBytes: number, lda: number, b: number, bBytes: number, ldb: number, c: number, ldc: number, M: number, N: number, K: number): boolean {
    if (this.closed) return false;
    const sa = 0;
    const sb = align(sa + aBytes);
    const sc = align(sb + bBytes);
    const need = sc + M * ldc * 4;
    const pages = Math.ceil(need / 65536);
    const have = this.memory.buffer.byteLength / 65536;
    if (pages > MAX_PAGES) return false;
    try {
      if (pages > have) this.memory.grow(pages - have);
    } catch {
      return false; // no memory for the copies: the caller multiplies on its own
    }
    const mem = new Uint8Array(this.memory.buffer);
    mem.set(heap.subarray(a, a + aBytes), sa);
    mem.set(heap.subarray(b, b + bBytes), sb);

    // whole register blocks per part, ~4 parts per thread: columns when the output is wide
    const parts0 = this.threads * 4;
    const byRows = M > N;
    const unit = byRows ? (kind === 2 ? 2 : 4) : kind === 2 ? 4 : 8;
    const extent = byRows ? M : N;
    const step = Math.max(unit, Math.ceil(extent / parts0 / unit) * unit);
    const parts = Math.ceil(extent / step);
    const ctrl = this.ctrl;
    ctrl[FN] = kind;
    ctrl.set([sa, lda, sb, ldb, sc, ldc, M, N, K], ARGS);
    ctrl[BY_ROWS] = byRows ? 1 : 0;
    ctrl[STEP] = step;
    ctrl[PARTS] = parts;
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, FAILED, 0);
    this.job = (this.job + 1) & 0x7fff;
    Atomics.store(ctrl, NEXT, this.job << 16);
    Atomics.add(ctrl, JOB, 1);
    Atomics.notify(ctrl, JOB);
    runParts(this.fns, ctrl);
    for (let d = Atomics.load(ctrl, DONE); d < parts; d = Atomics.load(ctrl, DONE)) Atomics.wait(ctrl, DONE, d);
    if (Atomics.load(ctrl, FAILED)) {
      // a part failed: this pool is not used again, and this product is computed by the caller
      this.closed = true;
      return false;
    }
    heap.set(new Uint8Array(this.memory.buffer, sc, M * ldc * 4), c);
    gemmPoolStats.products++;
    return true;
  }

  /** Stops the workers (they also end with the process). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, JOB, 1);
    Atomics.notify(this.ctrl, JOB);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

const pools = new Map<string, GemmPool | null>();

/** The process's pool for this thread count and build (created at first use). */
export function gemmPool(threads: number, fma: boolean): GemmPool | null {
  const key = `${threads}/${fma}`;
  if (!pools.has(key)) pools.set(key, GemmPool.create(threads, fma));
  return pools.get(key) ?? null;
}

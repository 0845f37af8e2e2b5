import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The functions of the native addon built from native/openblas_engine.cc. */
export interface OpenBlasAddon {
  /** C[b] = op(A[b])·op(B[b]) (row-major) for b < batch; a stride of 0 repeats that operand. */
  sgemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    A: Float32Array,
    B: Float32Array,
    C: Float32Array,
    batch: number,
    strideA: number,
    strideB: number,
    strideC: number,
  ): void;
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, stepSize: number, invSqrtBc2: number, beta1: number, beta2: number, eps: number): void;
  /** out[j] = scale · Σ_i X[i, j] for a row-major rows × cols X. */
  colSums(X: Float32Array, rows: number, cols: number, out: Float32Array, scale: number): void;
  /** OpenBLAS's own threads (busy-waiting; kept at 1 unless OPENBLAS_NUM_THREADS says otherwise). */
  setThreads(n: number): number;
  threads(): number;
  /**
   * The engine's own threads, the caller's included: products and Adam split into parts that
   * the threads claim; idle threads sleep on a condition variable. Returns the count.
   * Absent from addons built before it (then the engine runs on one thread).
   */
  setPoolThreads?(n: number): number;
  poolThreads?(): number;
  config(): string;
}

export type AddonLoad = { addon: OpenBlasAddon; path: string } | { addon: null; reason: string };

/** Where the install step puts the addon, relative to this package. */
export function addonPath(): string {
  // dist/index.js and src/openblas/addon.ts both find the package root by walking up to package.json
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return process.env.TOPICKD_OPENBLAS_ADDON ?? join(dir, 'build', 'Release', 'topickd_openblas.node');
}

let cached: AddonLoad | undefined;

/**
 * Loads the OpenBLAS engine's addon. OpenBLAS reads OPENBLAS_NUM_THREADS when it loads;
 * it is set to 1 unless the user chose otherwise: OpenBLAS's threads busy-wait, which on a
 * machine whose cores are shared with other work costs far more than it gains (BENCHMARKS.md).
 */
export function loadOpenBlasAddon(): AddonLoad {
  if (cached) return cached;
  const path = addonPath();
  if (!existsSync(path)) {
    cached = {
      addon: null,
      reason: `the OpenBLAS engine is not built (${path} is missing): install a C++ compiler and libopenblas-dev, then reinstall @topickd/backend-node (or run \`node scripts/build-native.mjs\` in it)`,
    };
    return cached;
  }
  process.env.OPENBLAS_NUM_THREADS ??= '1';
  try {
    const addon = createRequire(import.meta.url)(path) as OpenBlasAddon;
    cached = { addon, path };
  } catch (e) {
    cached = { addon: null, reason: `the OpenBLAS engine failed to load (${(e as Error).message.split('\n')[0]}); is libopenblas installed?` };
  }
  return cached;
}

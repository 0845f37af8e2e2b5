import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
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

/** The OpenBLAS kernel family TopicKD asks for on an x86-64 CPU with these flags: Sandybridge where it has AVX. */
export function pinnedOpenBlasCore(flags: ReadonlySet<string>): 'Sandybridge' | undefined {
  return flags.has('avx') ? 'Sandybridge' : undefined;
}

/**
 * Pins OpenBLAS's kernels (OPENBLAS_CORETYPE, read when it loads) on an x86-64 Linux machine
 * with AVX to the Sandybridge family — over a family the environment names, since TopicKD's
 * promise that results never depend on batching or on what a cache held rests on it. Why
 * (measured, Debian's OpenBLAS 0.3.21; `node bench/openblas-kernels.mjs`, BENCHMARKS.md): the
 * Haswell/Zen SGEMM sums a row differently by its place in a tile of 12 (places 6–11), so an
 * embedding depended on its batch-mates — on this machine image, whose environment sets
 * OPENBLAS_CORETYPE=Haswell, embeddings read from a cache differed from a cold run's; the
 * SkylakeX/Cooperlake SGEMM (what the CPU here reports) takes other paths for small products,
 * at sizes that depend on the product's shape (a 4-row product of 512×256 differs from a 12-row
 * one). Sandybridge's sums every row alike at any place and any size, runs on every x86-64 CPU
 * with AVX, and was as fast as Haswell's here (SkylakeX's ~1.5× faster on a 1024×512×512
 * product: the price of the same bytes). Returns the family pinned, if any.
 */
export function pinOpenBlasCore(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  let flags: Set<string>;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    flags = new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return undefined;
  }
  const core = pinnedOpenBlasCore(flags);
  if (core) process.env.OPENBLAS_CORETYPE = core;
  return core;
}

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
  pinOpenBlasCore();
  try {
    const addon = createRequire(import.meta.url)(path) as OpenBlasAddon;
    cached = { addon, path };
  } catch (e) {
    cached = { addon: null, reason: `the OpenBLAS engine failed to load (${(e as Error).message.split('\n')[0]}); is libopenblas installed?` };
  }
  return cached;
}

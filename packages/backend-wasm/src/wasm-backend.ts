import { wasmUnavailable } from './errors.js';
import { tf, ConfigError, nodeBuiltin, type ActiveBackend, type Backend, type BackendKernels } from '@topickd/core/plugin';
import { wasmAdamAvailable, wasmAdamState } from './adam/wasm-adam.js';
import { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { installWasmMatMulGradient } from './matmul-gradient.js';
import { wasmBatchNormBackward, wasmBatchNormForward, wasmFusedAvailable, wasmReconstructionLoss } from './fused/wasm-fused.js';
import { enableRelaxedSimdInNode } from './gemm/wasm-gemm.js';
import { registerWasmKernelSet, wasmGemmThreads, wasmGemmVariant } from './kernel-set.js';

export interface WasmBackendOptions {
  /**
   * Where the `.wasm` files are served from in a browser (a URL prefix ending in "/",
   * or a map of file name → URL). In Node they are found next to the package.
   */
  wasmPaths?: string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;
  /**
   * Threads. In Node: large matrix products in training and inference split over this many
   * threads sharing one WebAssembly memory (TopicKD's product, gemm/gemm-pool.ts; default 1).
   * In a browser: tfjs's threaded build (needs cross-origin isolation).
   */
  threads?: number;
  /** Adam in WebAssembly SIMD on the wasm heap (default true; false keeps the JavaScript loop). */
  simdAdam?: boolean;
  /**
   * Matrix products by TopicKD's WebAssembly SIMD kernel (default true; false keeps
   * tfjs's XNNPACK kernel). Each combination of these options is its own tfjs backend
   * (kernel-set.ts), so WasmBackends with different options do not affect each other.
   */
  simdMatMul?: boolean;
  /**
   * Fused multiply-adds (relaxed SIMD) in those products where the runtime has them
   * (default true). In Node 20, whose V8 has them behind a flag, activation turns on
   * `--experimental-wasm-relaxed-simd` (v8.setFlagsFromString; it only affects validating
   * wasm features); false keeps plain SIMD and leaves V8's flags alone.
   */
  relaxedSimd?: boolean;
  /**
   * The reconstruction loss with its gradient, and batch norm's forward and backward, as
   * one WebAssembly SIMD call each (default true; false: tfjs kernels).
   */
  fusedLoss?: boolean;
  /** Slice and row gathers as block copies in the heap (default true; false: tfjs's kernels). */
  heapCopies?: boolean;
}

const OPTION_TYPES: Record<keyof WasmBackendOptions, string> = {
  wasmPaths: 'string|object',
  threads: 'number',
  simdAdam: 'boolean',
  simdMatMul: 'boolean',
  relaxedSimd: 'boolean',
  fusedLoss: 'boolean',
  heapCopies: 'boolean',
};

/** Checks backend options from a config file: unknown keys and wrong types are refused, naming the key. */
export function validateWasmBackendOptions(o: Record<string, unknown>, where = 'backendOptions.wasm'): WasmBackendOptions {
  for (const [k, v] of Object.entries(o)) {
    const want = OPTION_TYPES[k as keyof WasmBackendOptions];
    if (!want) throw new ConfigError(`unknown option "${where}.${k}"; the wasm backend's options are ${Object.keys(OPTION_TYPES).join(', ')}`, `${where}.${k}`);
    const ok = want === 'string|object' ? typeof v === 'string' || (typeof v === 'object' && v !== null) : typeof v === want;
    if (!ok || (want === 'number' && !(Number.isInteger(v) && (v as number) > 0))) throw new ConfigError(`option "${where}.${k}" must be a ${want === 'number' ? 'positive integer' : want}, got ${JSON.stringify(v)}`, `${where}.${k}`);
  }
  return o as WasmBackendOptions;
}

const isNode = typeof process !== 'undefined' && process.versions?.node != null;

/** TensorFlow.js WebAssembly backend (SIMD) with TopicKD's own SIMD kernels; in Node, large products on `threads` threads. */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly priority = 2;
  readonly description = 'TensorFlow.js WebAssembly backend (SIMD; one thread in Node) with TopicKD\'s own SIMD kernels';
  private activated = false;

  constructor(private readonly options: WasmBackendOptions = {}) {}

  async probe(): Promise<{ available: boolean; reason?: string }> {
    if (typeof WebAssembly !== 'object') return { available: false, reason: 'this runtime has no WebAssembly' };
    return { available: true };
  }

  async activate(): Promise<ActiveBackend> {
    const o = this.options;
    if (!this.activated) {
      if (o.wasmPaths) setWasmPaths(o.wasmPaths as never);
      else if (isNode) setWasmPaths(await nodeWasmDir());
      if (o.threads && !isNode) setThreadsCount(o.threads);
      installWasmMatMulGradient();
      this.activated = true;
    }
    // fused multiply-adds need relaxed SIMD to validate (a V8 flag in Node 20) before the product's module is built
    if (o.relaxedSimd !== false && o.simdMatMul !== false && isNode) await enableRelaxedSimdInNode();
    let name: string;
    try {
      // tfjs's wasm backend first (it owns the module and the heap), then TopicKD's kernel set on it
      if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
      await tf.ready();
      name = registerWasmKernelSet({ gemm: o.simdMatMul !== false, fma: o.relaxedSimd !== false, heapCopies: o.heapCopies !== false, threads: isNode ? (o.threads ?? 1) : 1 });
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") returned false`);
      await tf.ready();
    } catch (e) {
      throw wasmUnavailable(`the wasm backend failed to initialise: ${(e as Error).message}; in a browser, set wasmPaths to where the .wasm files are served`, e);
    }
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const variant = wasmGemmVariant(name);
    const fused = o.fusedLoss !== false && simd && wasmFusedAvailable();
    const kernels: BackendKernels = {
      // TopicKD's product reads weights as they are: the SIMD Adam updates them in place;
      // with XNNPACK's (packed copies per tensor) it writes new tensors
      adamState: o.simdAdam !== false && simd && wasmAdamAvailable() ? (sizes) => wasmAdamState(sizes, variant !== null) : undefined,
      // products with transpose flags at full speed where our SIMD product runs (see gemm/wasm-gemm.ts)
      fastTransposedMatMul: variant !== null,
      reconstructionLoss: fused ? wasmReconstructionLoss : undefined,
      batchNorm: fused ? { forward: wasmBatchNormForward, backward: wasmBatchNormBackward } : undefined,
    };
    const threads = isNode ? wasmGemmThreads(name) : (o.threads ?? 1);
    const onThreads = isNode && threads > 1 ? `, large ones on ${threads} threads` : '';
    const detail = variant === 'fma' ? `matrix products: TopicKD WebAssembly SIMD kernel with fused multiply-adds (relaxed SIMD)${onThreads}` : variant === 'simd' ? `matrix products: TopicKD WebAssembly SIMD kernel${onThreads}` : 'matrix products: XNNPACK (tfjs)';
    // the products' build decides the bits (fused multiply-adds round once); threads do not
    const numerics = `wasm-${variant ?? 'xnnpack'}${simd ? '' : '-nosimd'}`;
    // TopicKD's product takes another path below 256 rows (gemm/wasm-gemm.ts); XNNPACK's paths are not known
    const stableBatch = variant !== null ? { rows: 1, tokens: 256 } : undefined;
    return { name: this.name, tfjsBackend: tf.getBackend(), simd, threads, canTrain: true, detail, kernels, numerics, ...(stableBatch ? { stableBatch } : {}) };
  }
}

async function nodeWasmDir(): Promise<string> {
  const { createRequire } = nodeBuiltin<typeof import('node:module')>('node:module')!;
  const { dirname, join } = nodeBuiltin<typeof import('node:path')>('node:path')!;
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  // tfjs-backend-wasm in Node reads the files with fs when given a plain path prefix
  return dir + '/';
}

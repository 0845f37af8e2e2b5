import { tf, BackendUnavailableError, registerBackendTraits, type Backend, type BackendInfo } from '@topickd/core';
import { wasmAdamAvailable, wasmAdamState } from './adam/wasm-adam.js';
import { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { installWasmMatMulGradient } from './matmul-gradient.js';
import { installPointwiseConv2D } from './pointwise-conv.js';
import { wasmBatchNormBackward, wasmBatchNormForward, wasmFusedAvailable, wasmReconstructionLoss } from './fused/wasm-fused.js';
import { installHeapCopies } from './copy/heap-copy-kernels.js';
import { installColumnReductions } from './gemm/column-reduction.js';
import { enableRelaxedSimdInNode, installWasmGemm, setWasmGemmEnabled, setWasmGemmFma, wasmGemmActive, wasmGemmVariant } from './gemm/wasm-gemm.js';

export interface WasmBackendOptions {
  /**
   * Where the `.wasm` files are served from in a browser (a URL prefix ending in "/",
   * or a map of file name → URL). In Node they are found next to the package.
   */
  wasmPaths?: string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;
  /** Threads (browser with cross-origin isolation only; Node always uses one). */
  threads?: number;
  /** Adam in WebAssembly SIMD on the wasm heap (default true; false keeps the JavaScript loop). */
  simdAdam?: boolean;
  /**
   * Matrix products by TopicKD's WebAssembly SIMD kernel (default true; false keeps
   * tfjs's XNNPACK kernel). Applies to the wasm backend as a whole: the last activated
   * WasmBackend's setting wins.
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
}

const isNode = typeof process !== 'undefined' && process.versions?.node != null;

/** TensorFlow.js WebAssembly backend (SIMD; one thread in Node) with TopicKD's own SIMD kernels. */
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

  async activate(): Promise<BackendInfo> {
    if (!this.activated) {
      if (this.options.wasmPaths) setWasmPaths(this.options.wasmPaths as never);
      else if (isNode) setWasmPaths(await nodeWasmDir());
      if (this.options.threads && !isNode) setThreadsCount(this.options.threads);
      installWasmMatMulGradient();
      installPointwiseConv2D('wasm');
      installWasmGemm('wasm');
      installColumnReductions('wasm');
      installHeapCopies('wasm');
      this.activated = true;
    }
    let ok = false;
    try {
      ok = await tf.setBackend('wasm');
      await tf.ready();
    } catch (e) {
      throw new BackendUnavailableError('wasm', `the wasm backend failed to initialise: ${(e as Error).message}; in a browser, set wasmPaths to where the .wasm files are served`, e);
    }
    if (!ok) throw new BackendUnavailableError('wasm', 'the wasm backend failed to initialise; in a browser, set wasmPaths to where the .wasm files are served');
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    setWasmGemmEnabled(this.options.simdMatMul !== false);
    const fused = this.options.fusedLoss !== false && simd && wasmFusedAvailable();
    setWasmGemmFma(this.options.relaxedSimd !== false);
    if (this.options.relaxedSimd !== false && this.options.simdMatMul !== false && isNode) await enableRelaxedSimdInNode();
    // Adam in WebAssembly SIMD on the heap, where it can run (see adam/wasm-adam.ts); products
    // with transpose flags at full speed where our SIMD product runs (see gemm/wasm-gemm.ts)
    registerBackendTraits('wasm', {
      adamState: this.options.simdAdam !== false && simd && wasmAdamAvailable() ? wasmAdamState : undefined,
      fastTransposedMatMul: simd && wasmGemmActive(),
      reconstructionLoss: fused ? wasmReconstructionLoss : undefined,
      batchNorm: fused ? { forward: wasmBatchNormForward, backward: wasmBatchNormBackward } : undefined,
    });
    const variant = wasmGemmVariant();
    const detail = variant === 'fma' ? 'matrix products: TopicKD WebAssembly SIMD kernel with fused multiply-adds (relaxed SIMD)' : variant === 'simd' ? 'matrix products: TopicKD WebAssembly SIMD kernel' : 'matrix products: XNNPACK (tfjs)';
    return { name: this.name, tfjsBackend: tf.getBackend(), simd, threads: 1, canTrain: true, detail };
  }
}

async function nodeWasmDir(): Promise<string> {
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  // tfjs-backend-wasm in Node reads the files with fs when given a plain path prefix
  return dir + '/';
}

import { wasmUnavailable } from './errors.js';
import { tf } from '@topickd/core/plugin';
import { installWasmGemm, gemmVariantFor } from './gemm/wasm-gemm.js';
import { GemmPool } from './gemm/gemm-pool.js';
import { installColumnReductions } from './gemm/column-reduction.js';
import { installHeapCopies } from './copy/heap-copy-kernels.js';
import { installPointwiseConv2D } from './pointwise-conv.js';

/** Which of TopicKD's WebAssembly kernels a kernel set runs instead of tfjs's. */
export interface WasmKernelSettings {
  /** Matrix products (and column sums) by TopicKD's SIMD product; false: XNNPACK's. */
  gemm: boolean;
  /** The fused multiply-add build of the product where the runtime validates it. */
  fma: boolean;
  /** Slice and row gathers as block copies inside the heap. */
  heapCopies: boolean;
  /** Threads for large products (gemm-pool.ts; Node only; default 1). */
  threads?: number;
}

/** TopicKD's tfjs backend names: one per kernel settings, all on tfjs's one wasm backend instance. */
export const WASM_KERNEL_SET_PREFIX = 'topickd-wasm';

/** The tfjs backend name of a kernel set: `topickd-wasm` for the defaults, a suffix for each setting turned off (and `-tN` for N product threads). */
export function kernelSetName(s: WasmKernelSettings): string {
  const threads = s.gemm && (s.threads ?? 1) > 1 ? `t${s.threads}` : '';
  const off = [!s.gemm ? 'xnnpack' : !s.fma ? 'nofma' : '', !s.heapCopies ? 'nocopy' : '', threads].filter(Boolean);
  return [WASM_KERNEL_SET_PREFIX, ...off].join('-');
}

/** The kernel sets registered in this process, by tfjs backend name (each registered once, never changed). */
const registered = new Map<string, Readonly<WasmKernelSettings>>();

/**
 * Registers a kernel set as a tfjs backend of its own: every kernel of tfjs's wasm backend,
 * then TopicKD's kernels for these settings, under `kernelSetName(settings)`, sharing tfjs's
 * wasm backend instance (tensors never move between them). Settings are fixed per name,
 * so two WasmBackends with different options each get their own kernels; tfjs's `wasm`
 * backend itself is left as tfjs made it. Requires tfjs's wasm backend to be initialised.
 */
export function registerWasmKernelSet(settings: WasmKernelSettings): string {
  const name = kernelSetName(settings);
  if (registered.has(name)) return name;
  const wasm = tf.findBackend('wasm');
  if (!wasm) throw wasmUnavailable('the tfjs wasm backend is not initialised; activate it first (tf.setBackend("wasm"))');
  tf.registerBackend(name, () => wasm, 0);
  for (const k of tf.getKernelsForBackend('wasm')) tf.registerKernel({ ...k, backendName: name });
  installPointwiseConv2D(name);
  if (settings.gemm) {
    installWasmGemm(name, settings.fma, settings.threads ?? 1);
    installColumnReductions(name, settings.fma);
  }
  if (settings.heapCopies) installHeapCopies(name);
  registered.set(name, Object.freeze({ ...settings }));
  return name;
}

/**
 * How many threads a kernel set's large products run on (1 where no pool can run here). The
 * pool itself starts at the first large product, not at activation.
 */
export function wasmGemmThreads(tfjsBackend: string = tf.getBackend()): number {
  const s = registered.get(tfjsBackend);
  const threads = s?.gemm ? (s.threads ?? 1) : 1;
  return GemmPool.runsHere(threads) ? threads : 1;
}

/** Which build computes products on a kernel set ('fma', 'simd'), or null: XNNPACK (tfjs's kernel). */
export function wasmGemmVariant(tfjsBackend: string = tf.getBackend()): 'fma' | 'simd' | null {
  const s = registered.get(tfjsBackend);
  if (!s?.gemm) return null;
  const be = tf.findBackend(tfjsBackend);
  return be ? gemmVariantFor(be, s.fma) : null;
}

/** Whether TopicKD's product runs on this tfjs backend (a kernel set with it on, where SIMD runs). */
export function wasmGemmActive(tfjsBackend: string = tf.getBackend()): boolean {
  return wasmGemmVariant(tfjsBackend) !== null;
}

/** Whether products on this tfjs backend are XNNPACK's: tfjs's `wasm`, or a kernel set without TopicKD's product. */
export function xnnpackProducts(tfjsBackend: string = tf.getBackend()): boolean {
  return tfjsBackend === 'wasm' || (registered.has(tfjsBackend) && !wasmGemmActive(tfjsBackend));
}

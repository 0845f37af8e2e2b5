import { tf } from '@topickd/core/plugin';

/**
 * What TopicKD's WebAssembly kernels read of tfjs's wasm backend (internals of
 * @tensorflow/tfjs-backend-wasm 4.22.0, pinned): where each tensor lives in the module's
 * heap, how to allocate outputs there, and the heap's memory, which the kernels import.
 */
export interface WasmInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  disposeData(dataId: object): void;
  wasm: { HEAPU8: Uint8Array; _malloc(n: number): number; _free(p: number): void; asm?: { memory?: WebAssembly.Memory } };
}

/** Byte offset of a tensor's storage in the heap (undefined: not there). */
export const heapOffset = (be: WasmInternals, t: { dataId: object }): number | undefined => be.dataIdMap.get(t.dataId)?.memoryOffset;

/** The bytes of base64 text (a compiled module), in an ArrayBuffer of their own. */
export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bytes = typeof Buffer !== 'undefined' ? Buffer.from(b64, 'base64') : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

/** Whether this runtime validates a module (e.g. one using relaxed SIMD). */
export function validates(b64: string): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(decodeBase64(b64));
}

/**
 * Instantiates compiled kernels (base64 wasm importing `env.memory`) on a backend's heap and
 * returns their exports; null where the backend has no heap or the runtime lacks a feature
 * the module uses (e.g. SIMD): callers then run tfjs's kernels.
 */
export function instantiateOnHeap<T>(backend: unknown, ...modules: string[]): T | null {
  const memory = (backend as Partial<WasmInternals> | null)?.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  try {
    const exports = modules.map((b64) => new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(b64)), { env: { memory } }).exports);
    return Object.assign({}, ...exports) as T;
  } catch {
    return null;
  }
}

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs?: Record<string, unknown> };
export type KernelFn = (args: KernelArgs) => tf.TensorInfo;

/**
 * Replaces a tfjs kernel of a backend with `fast`, which returns null for what it does not
 * take; those calls go to the original kernel. `count` hears which ran (for stats).
 */
export function overrideKernel(kernelName: string, backendName: string, fast: (args: KernelArgs) => tf.TensorInfo | null, count: (fast: boolean) => void): boolean {
  const original = tf.getKernel(kernelName, backendName);
  if (!original) return false;
  const originalFn = original.kernelFunc as unknown as KernelFn;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    ...original,
    kernelFunc: ((args: KernelArgs) => {
      const out = fast(args);
      count(out !== null);
      return out ?? originalFn(args);
    }) as never,
  });
  return true;
}

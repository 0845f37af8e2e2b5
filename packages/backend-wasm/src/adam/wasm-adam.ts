import { wasmUnavailable } from '../errors.js';
import { tf, type NativeAdamState } from '@topickd/core/plugin';
import { heapOffset, instantiateOnHeap, type WasmInternals } from '../wasm-heap.js';
import { ADAM_WASM_BASE64 } from './adam-wasm.generated.js';

/**
 * Adam on the wasm backend in WebAssembly SIMD (adam.wat): the moments live in the tfjs
 * wasm heap and each update writes the new parameter in place where TopicKD's matrix
 * product is on (it reads weights as they are), else into a fresh tensor (XNNPACK keeps
 * packed copies of weights per tensor, so a weight changed in place would go unseen). It
 * replaces a JavaScript loop plus a copy into the heap (figures in BENCHMARKS.md).
 * Reads internals of @tensorflow/tfjs-backend-wasm 4.22.0 (dataIdMap, makeOutput, _malloc).
 */
type AdamFn = (out: number, p: number, g: number, m: number, v: number, n: number, step: number, inv: number, b1: number, b2: number, eps: number) => void;

const instances = new WeakMap<object, AdamFn | null>();

function adamFor(be: WasmInternals): AdamFn | null {
  let fn = instances.get(be);
  if (fn === undefined) {
    // null: no SIMD here, the optimizer's JavaScript loop runs instead
    fn = instantiateOnHeap<{ adam: AdamFn }>(be, ADAM_WASM_BASE64)?.adam ?? null;
    instances.set(be, fn);
  }
  return fn;
}

/** Whether this runtime can run the SIMD Adam on the active backend (a wasm heap with SIMD). */
export function wasmAdamAvailable(): boolean {
  const be = tf.backend() as unknown as Partial<WasmInternals>;
  return be?.wasm?.HEAPU8 != null && adamFor(be as WasmInternals) !== null;
}

/**
 * Adam moments on the active wasm backend's heap. `inPlace`: the backend's products read
 * weights as they are (TopicKD's product), so parameters are updated in place; false
 * (XNNPACK products, which keep packed copies of weights per tensor): into a new tensor.
 */
export function wasmAdamState(sizes: number[], inPlace: boolean): NativeAdamState {
  const be = tf.backend() as unknown as WasmInternals;
  const adam = adamFor(be);
  if (!adam) throw wasmUnavailable('WebAssembly SIMD is not available for the Adam kernel; check wasmAdamAvailable() first, or set simdAdam: false');
  const ptr = sizes.map((n) => {
    const m = be.wasm._malloc(Math.max(4, n * 4)) >>> 0;
    const v = be.wasm._malloc(Math.max(4, n * 4)) >>> 0;
    return { m, v, n };
  });
  const heapF32 = (byteOffset: number, n: number) => new Float32Array(be.wasm.HEAPU8.buffer, be.wasm.HEAPU8.byteOffset + byteOffset, n);
  for (const p of ptr) {
    heapF32(p.m, p.n).fill(0);
    heapF32(p.v, p.n).fill(0);
  }
  let disposed = false;
  return {
    update(i, x, g, stepSize, invSqrtBc2, b1, b2, eps) {
      if (disposed || tf.backend() !== (be as unknown) || x.dtype !== 'float32' || g.dtype !== 'float32' || g.size !== x.size) return false;
      const xi = heapOffset(be, x);
      const gi = heapOffset(be, g);
      if (xi == null || gi == null) return false;
      if (inPlace) {
        // TopicKD's products read weights from the heap as they are (no packed copies): in place
        adam(xi, xi, gi, ptr[i].m, ptr[i].v, ptr[i].n, stepSize, invSqrtBc2, b1, b2, eps);
        return true;
      }
      const out = be.makeOutput(x.shape, 'float32');
      adam(heapOffset(be, out)!, xi, gi, ptr[i].m, ptr[i].v, ptr[i].n, stepSize, invSqrtBc2, b1, b2, eps);
      const t = tf.engine().makeTensorFromTensorInfo(out);
      x.assign(t);
      t.dispose();
      return true;
    },
    read(i) {
      return { m: heapF32(ptr[i].m, ptr[i].n).slice(), v: heapF32(ptr[i].v, ptr[i].n).slice() };
    },
    write(i, m, v) {
      heapF32(ptr[i].m, ptr[i].n).set(m);
      heapF32(ptr[i].v, ptr[i].n).set(v);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const p of ptr) {
        be.wasm._free(p.m);
        be.wasm._free(p.v);
      }
    },
  };
}

import { tf } from './tf.js';

/**
 * A Float32Array view of a float32 tensor's storage inside the active backend, for the
 * backends whose storage is plain memory: `cpu` (a JS typed array) and `wasm` (the
 * module's heap; also engines built on the wasm backend, such as the OpenBLAS engine).
 * Returns null elsewhere (callers fall back to dataSync/assign).
 *
 * Reads tfjs internals of @tensorflow/tfjs-core / -backend-cpu / -backend-wasm 4.22.0
 * (pinned in package.json); a shape or dtype it does not expect also gives null.
 * Writing through the view changes the tensor in place: only for tensors no other
 * tensor shares storage with.
 */
export function directFloat32View(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || t.isDisposed) return null;
  const name = tf.getBackend();
  const backend = tf.backend() as unknown as {
    data?: { get(id: object): { values?: unknown } | undefined };
    wasm?: { HEAPU8: Uint8Array };
  };
  // tfjs's cpu backend (core's own cpu backend): JavaScript arrays
  if (name === 'cpu') {
    const values = backend.data?.get(t.dataId)?.values;
    return values instanceof Float32Array && values.length === t.size ? values : null;
  }
  // any backend on tfjs's wasm instance (wasm, TopicKD's kernel sets, the OpenBLAS engine): its heap
  if (backend.wasm?.HEAPU8) return wasmHeapFloat32(backend, t.dataId, t.size);
  return null;
}

/**
 * A Float32Array over `size` floats of a tensor's storage in a wasm-backend instance's heap
 * (kernels get the backend and TensorInfos, not Tensors); null when it is not there. Valid
 * until the heap grows: take it after allocating.
 */
export function wasmHeapFloat32(backend: unknown, dataId: object, size: number): Float32Array | null {
  const b = backend as { dataIdMap?: { get(id: object): { memoryOffset?: number } | undefined }; wasm?: { HEAPU8: Uint8Array } };
  const info = b.dataIdMap?.get(dataId);
  const heap = b.wasm?.HEAPU8;
  if (!info || info.memoryOffset == null || !heap) return null;
  if (info.memoryOffset + size * 4 > heap.byteLength || info.memoryOffset % 4 !== 0) return null;
  return new Float32Array(heap.buffer, heap.byteOffset + info.memoryOffset, size);
}

import { tf, backendTraits } from '@topickd/core';

/**
 * tfjs's BatchMatMul gradient computes dy·bᵀ and aᵀ·dy with the `transposeA/B` flags,
 * which take XNNPACK off its fast path on the wasm backend (≈2.8 vs 20–35 GFLOP/s):
 * the backward pass cost ~8× the forward. This gradient transposes explicitly and
 * then multiplies plainly — the same numbers, 2–2.5× faster training steps on wasm.
 * On any other backend, where TopicKD's SIMD product runs (it takes the flags at full
 * speed: gemm/wasm-gemm.ts), and for batched (rank > 2) products, tfjs's own gradient runs.
 */
let installed = false;

export function installWasmMatMulGradient(): void {
  if (installed) return;
  const original = tf.getGradient('BatchMatMul');
  if (!original) throw new Error('tfjs has no BatchMatMul gradient registered; import @topickd/core first');
  const T = (x: tf.Tensor) => tf.transpose(x);
  tf.registerGradient({
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const dyT = dy as tf.Tensor;
      if (tf.getBackend() !== 'wasm' || backendTraits().fastTransposedMatMul || a.rank !== 2 || b.rank !== 2) return original.gradFunc(dy, saved, attrs);
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const mm = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D);
      if (!transposeA && !transposeB) return { a: () => mm(dyT, T(b)), b: () => mm(T(a), dyT) };
      if (!transposeA && transposeB) return { a: () => mm(dyT, b), b: () => mm(T(dyT), a) };
      if (transposeA && !transposeB) return { a: () => mm(b, T(dyT)), b: () => mm(a, dyT) };
      return { a: () => mm(T(b), T(dyT)), b: () => mm(T(dyT), T(a)) };
    },
  });
  installed = true;
}
